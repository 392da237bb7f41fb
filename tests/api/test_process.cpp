// The real `homeward serve` process: SIGTERM while a request is in flight lets it finish, then
// the process exits 0; a bad setting stops start-up with one line naming it and exit code 2;
// SIGHUP replaces the certificate without dropping connections; running out of descriptors
// neither spins nor floods the log; everything it logs is JSON lines. serve connects as the
// application's own database role, as in production; it signs checkpoints of the audit trail that
// `homeward audit verify` holds the trail to. (Several serve processes at once:
// test_serve_processes.cpp; the fixture: serve_process.hpp.)

#include "serve_process.hpp"
#include "webhook_receiver.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// A certificate made here: its own key, and a subject naming it.
void make_certificate(const std::filesystem::path& dir, const std::string& name) {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=" +
        name + " -keyout " + (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() +
        " 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
}

// A TLS connection kept open across requests, and the subject of the certificate it was shown.
class kept_connection {
public:
    explicit kept_connection(std::uint16_t port) : stream_(io_, tls_) {
        tls_.set_verify_mode(boost::asio::ssl::verify_none);
        boost::beast::get_lowest_layer(stream_).connect(
            {boost::asio::ip::address_v4::loopback(), port});
        boost::beast::get_lowest_layer(stream_).expires_after(20s);
        stream_.handshake(boost::asio::ssl::stream_base::client);
    }

    std::string subject() {
        X509* certificate = SSL_get1_peer_certificate(stream_.native_handle());
        std::array<char, 256> text{};
        X509_NAME_oneline(X509_get_subject_name(certificate), text.data(),
                          static_cast<int>(text.size()));
        X509_free(certificate);
        return text.data();
    }

    unsigned get(const std::string& target) {
        namespace http = boost::beast::http;
        http::request<http::empty_body> request{http::verb::get, target, 11};
        request.set(http::field::host, "127.0.0.1");
        http::write(stream_, request);
        http::response<http::string_body> response;
        http::read(stream_, buffer_, response);
        return response.result_int();
    }

private:
    boost::asio::io_context io_;
    boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
    boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
    boost::beast::flat_buffer buffer_;
};

TEST_F(serve_process, sigterm_lets_the_request_in_flight_finish_then_exits_0) {
    const auto org = make_org(workflow::organisation_kind::local_authority);
    const auto user = make_user(workflow::role::manager, org);
    // The real process keeps the default per-address limit; earlier tests' failed log-ins from
    // 127.0.0.1 must not count against this one.
    clear_login_attempts();
    const auto port = free_port();
    const std::string log = cert_dir() + "/serve.log";
    const auto pid = spawn_server(standard_settings(port), log);
    bool ready = false;
    for (int i = 0; i < 200 && !ready; ++i) {
        try {
            ready = https_call(port, "GET", "/readyz").status == 200;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(50ms); // not listening yet
        }
    }
    ASSERT_TRUE(ready) << read_file(log);
    auto in_flight = std::async(std::launch::async, [&] {
        return https_call(
            port, "POST", "/api/v1/session",
            json::serialize(json::object{{"username", user.username}, {"password", password()}}));
    });
    // The log-in's Argon2 verification (200-400 ms under the sanitizers) is under way by then;
    // 15 ms was too short on a loaded machine for the connection itself, which SIGTERM refused.
    std::this_thread::sleep_for(100ms);
    kill(pid, SIGTERM);
    EXPECT_EQ(in_flight.get().status, 201U);
    EXPECT_EQ(wait_exit(pid), 0) << read_file(log);
    EXPECT_THAT(read_file(log), ::testing::HasSubstr("\"event\":\"stopped\""));
    expect_json_lines(read_file(log));
}

TEST_F(serve_process, serve_sends_notifications_to_a_registered_webhook) {
    abandon_queued_webhooks();
    const auto force = make_org(workflow::organisation_kind::police);
    const auto authority = make_org(workflow::organisation_kind::local_authority);
    const auto admin = make_user(workflow::role::admin, authority);
    const auto worker = make_user(workflow::role::social_worker, authority);
    const auto police = make_user(workflow::role::police, force);
    receiver organisation_system{cert_dir()};
    request_options options;
    options.token = admin.token;
    ASSERT_EQ(https_call(port_, "PUT", "/api/v1/organisations/" + authority.code + "/webhook",
                         json::serialize(
                             json::object{{"url", organisation_system.url()},
                                          {"secret", "a-shared-secret-of-at-least-32-characters"}}),
                         options)
                  .status,
              200U);
    drop_webhook_change_notices(authority);

    const auto port = free_port();
    const std::string log = cert_dir() + "/serve-webhooks.log";
    auto settings = standard_settings(port);
    settings.push_back("HOMEWARD_WEBHOOK_CA_FILE=" + cert_dir() + "/cert.pem");
    settings.emplace_back("HOMEWARD_WEBHOOK_ALLOW_PRIVATE=true"); // the receiver: loopback
    settings.emplace_back("HOMEWARD_WEBHOOK_SECONDS=1");
    const auto pid = spawn_server(settings, log);
    report(police, make_child(worker, authority));
    for (int i = 0; i < 200 && organisation_system.requests().empty(); ++i) {
        std::this_thread::sleep_for(50ms);
    }
    kill(pid, SIGTERM);
    EXPECT_EQ(wait_exit(pid), 0) << read_file(log);
    const auto requests = organisation_system.requests();
    ASSERT_EQ(requests.size(), 1U) << read_file(log);
    EXPECT_EQ(requests[0].headers.at("homeward-topic"), "notification.episode_reported");
    EXPECT_THAT(requests[0].headers.at("homeward-signature"), ::testing::StartsWith("v1="));
    EXPECT_THAT(read_file(log), ::testing::HasSubstr("\"event\":\"webhooks\",\"delivered\":1"));
}

TEST_F(serve_process, a_missing_certificate_setting_stops_start_up_with_exit_2) {
    const std::string log = cert_dir() + "/serve-bad.log";
    const auto pid = spawn_server({"HOMEWARD_DATABASE_URL=" + app_database_url(),
                                   "HOMEWARD_LISTEN=127.0.0.1:" + std::to_string(free_port())},
                                  log);
    EXPECT_EQ(wait_exit(pid), 2);
    EXPECT_EQ(read_file(log), "homeward: HOMEWARD_TLS_CERT: is not set\n");
}

TEST_F(serve_process, an_unknown_two_factor_mode_stops_start_up_with_exit_2) {
    const std::string log = cert_dir() + "/serve-two-factor.log";
    auto settings = standard_settings(free_port());
    settings.emplace_back("HOMEWARD_TWO_FACTOR=sometimes");
    const auto pid = spawn_server(settings, log);
    EXPECT_EQ(wait_exit(pid), 2);
    EXPECT_EQ(read_file(log),
              "homeward: HOMEWARD_TWO_FACTOR: must be optional, required or off (got "
              "'sometimes')\n");
}

// serve seals, before it listens, a two-step secret stored before the deployment had a key; with
// another key than the one the secrets were sealed with (a restore without its key file) it
// does not start at all, saying why, rather than refusing every enrolled user's codes.
TEST_F(serve_process, serve_seals_secrets_stored_before_its_key_and_will_not_start_with_another) {
    const auto user =
        make_user(workflow::role::manager, make_org(workflow::organisation_kind::local_authority));
    execute("insert into two_factor (user_id, secret, confirmed_at, updated_at) values (" +
            literal(user.id) + ", convert_to('0123456789abcdefghij', 'UTF8'), now(), now())");
    const auto row = "two_factor where user_id = " + literal(user.id);
    const auto port = free_port();
    const std::string log = cert_dir() + "/serve-two-factor-" + unique_code() + ".log";
    const auto pid = spawn_server(standard_settings(port), log);
    ASSERT_TRUE(wait_until_ready(port)) << read_file(log);
    EXPECT_EQ(scalar("select octet_length(secret) from " + row), 49) << read_file(log);
    kill(pid, SIGTERM);
    EXPECT_EQ(wait_exit(pid), 0) << read_file(log);

    const auto other_key = cert_dir() + "/other-two-factor-" + unique_code() + ".key";
    std::ofstream{other_key, std::ios::binary} << std::string(32, 'z');
    auto settings = standard_settings(free_port());
    for (auto& setting : settings) {
        if (setting.starts_with("HOMEWARD_TWO_FACTOR_KEY=")) {
            setting = "HOMEWARD_TWO_FACTOR_KEY=" + other_key;
        }
    }
    const std::string refused_log = cert_dir() + "/serve-other-key-" + unique_code() + ".log";
    const auto sealed = text("select encode(secret, 'hex') from " + row);
    EXPECT_EQ(wait_exit(spawn_server(settings, refused_log)), 1);
    EXPECT_THAT(read_file(refused_log),
                ::testing::HasSubstr("do not open with HOMEWARD_TWO_FACTOR_KEY"));
    EXPECT_EQ(text("select encode(secret, 'hex') from " + row), sealed);
}

TEST_F(serve_process, sighup_replaces_the_certificate_for_new_connections_and_keeps_open_ones) {
    const auto dir = std::filesystem::path{cert_dir()} / "rotation";
    std::filesystem::create_directories(dir);
    make_certificate(dir, "homeward-before");
    const auto port = free_port();
    const std::string log = cert_dir() + "/serve-sighup.log";
    auto settings = standard_settings(port);
    settings[2] = "HOMEWARD_TLS_CERT=" + (dir / "cert.pem").string();
    settings[3] = "HOMEWARD_TLS_KEY=" + (dir / "key.pem").string();
    const auto pid = spawn_server(settings, log);
    ASSERT_TRUE(wait_until_ready(port)) << read_file(log);

    kept_connection before{port};
    EXPECT_EQ(before.subject(), "/CN=homeward-before");
    EXPECT_EQ(before.get("/healthz"), 200U);

    // The renewed pair is written in place, then the process told.
    make_certificate(dir, "homeward-after");
    kill(pid, SIGHUP);
    ASSERT_TRUE(wait_for_log(log, "\"event\":\"certificate_reloaded\"")) << read_file(log);
    kept_connection after{port};
    EXPECT_EQ(after.subject(), "/CN=homeward-after");
    EXPECT_EQ(after.get("/healthz"), 200U);
    // The connection opened before the reload is still served, with the certificate it had.
    EXPECT_EQ(before.get("/healthz"), 200U);

    // A broken file is reported and changes nothing.
    std::ofstream{dir / "cert.pem"} << "-----BEGIN CERTIFICATE-----\nbroken\n";
    kill(pid, SIGHUP);
    ASSERT_TRUE(wait_for_log(log, "\"event\":\"certificate_reload_failed\"")) << read_file(log);
    kept_connection later{port};
    EXPECT_EQ(later.subject(), "/CN=homeward-after");
    EXPECT_EQ(later.get("/healthz"), 200U);
    EXPECT_EQ(before.get("/healthz"), 200U);

    kill(pid, SIGTERM);
    EXPECT_EQ(wait_exit(pid), 0) << read_file(log);
    expect_json_lines(read_file(log));
}

// The connection cap is kept below the descriptor limit, so a flood is refused at the cap and
// never exhausts descriptors (at EMFILE, pending connections would wait unanswered and the
// database pool would fail too).
TEST_F(serve_process, a_flood_beyond_the_descriptor_limit_is_refused_at_the_cap_not_by_emfile) {
    const auto port = free_port();
    const std::string log = cert_dir() + "/serve-descriptors.log";
    auto settings = standard_settings(port);
    settings.emplace_back("HOMEWARD_DB_POOL_SIZE=2");
    const auto pid = spawn_server(settings, log, 96);
    ASSERT_TRUE(wait_until_ready(port)) << read_file(log);
    const auto started = read_file(log);
    EXPECT_THAT(started, ::testing::HasSubstr("\"event\":\"connection_cap_lowered\""));
    EXPECT_THAT(started, ::testing::HasSubstr("\"max_connections\":62,"));
    {
        // More connections than the process has descriptors; the kernel completes them all (the
        // listen backlog) and the server accepts each, keeping those under the cap.
        boost::asio::io_context io;
        std::vector<boost::asio::ip::tcp::socket> flood;
        for (int i = 0; i < 120; ++i) {
            flood.emplace_back(io).connect({boost::asio::ip::address_v4::loopback(), port});
        }
        ASSERT_TRUE(wait_for_log(log, "\"event\":\"connections_refused\"")) << read_file(log);
        // A connection over the cap is reset at once, so the client is not left waiting.
        std::size_t reset = 0;
        for (auto& socket : flood) {
            socket.non_blocking(true);
            std::array<char, 1> byte{};
            boost::system::error_code error;
            socket.read_some(boost::asio::buffer(byte), error);
            reset += error == boost::asio::error::connection_reset ? 1U : 0U;
        }
        EXPECT_GT(reset, 0U);
    } // the flood closes
    ASSERT_TRUE(admitted_within(port)) << read_file(log);
    kill(pid, SIGTERM);
    EXPECT_EQ(wait_exit(pid), 0) << read_file(log);
    const auto text = read_file(log);
    EXPECT_THAT(text, ::testing::HasSubstr("\"reason\":\"global_cap\""));
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("accept_failed")));
    expect_json_lines(text);
}

// Issue 14: serve signs the chain's head at its interval and once more as it stops, into the
// witness file; `homeward audit verify --checkpoint` holds the trail to it, and refutes a rewrite
// of history made with every hash recomputed (which the chain check alone cannot see).
TEST_F(serve_process, serve_signs_checkpoints_that_audit_verify_holds_and_a_rewrite_refutes) {
    const auto dir = std::filesystem::path{cert_dir()} / ("audit-" + unique_code());
    std::filesystem::create_directories(dir);
    const auto key = (dir / "signing.pem").string();
    const auto public_key = (dir / "public.pem").string();
    const auto witness = (dir / "witness.jsonl").string();
    const auto keygen = run_homeward({"audit", "keygen", "--out", key}, app_database_url());
    ASSERT_EQ(keygen.code, 0) << keygen.output;
    const auto pem = keygen.output.find("-----BEGIN PUBLIC KEY-----");
    ASSERT_NE(pem, std::string::npos) << keygen.output;
    std::ofstream{public_key} << keygen.output.substr(pem);
    const auto checkpoints_before = scalar("select coalesce(max(id), 0) from audit_checkpoints");

    const auto manager =
        make_user(workflow::role::manager, make_org(workflow::organisation_kind::local_authority));
    const auto port = free_port();
    const std::string log = (dir / "serve.log").string();
    auto settings = standard_settings(port);
    settings.push_back("HOMEWARD_AUDIT_SIGNING_KEY=" + key);
    settings.push_back("HOMEWARD_AUDIT_WITNESS_FILE=" + witness);
    settings.emplace_back("HOMEWARD_AUDIT_CHECKPOINT_SECONDS=1");
    const auto pid = spawn_server(settings, log);
    ASSERT_TRUE(wait_until_ready(port)) << read_file(log);
    request_options as_manager;
    as_manager.token = manager.token;
    EXPECT_EQ(https_call(port, "GET", "/api/v1/episodes", "", as_manager).status, 200U);
    EXPECT_TRUE(wait_for_log(log, "\"event\":\"audit_checkpoint\"")) << read_file(log);
    kill(pid, SIGTERM);
    ASSERT_EQ(wait_exit(pid), 0) << read_file(log);
    // One checkpoint at least at the interval, and one more as serve stopped.
    EXPECT_GE(occurrences(read_file(log), "\"event\":\"audit_checkpoint\""), 2) << read_file(log);
    EXPECT_GE(occurrences(read_file(witness), "\n"), 2);
    expect_json_lines(read_file(log));

    const std::vector<std::string> verify{"audit", "verify",       "--checkpoint",
                                          witness, "--public-key", public_key};
    const auto holds = run_homeward(verify, app_database_url());
    EXPECT_EQ(holds.code, 0) << holds.output;
    EXPECT_THAT(holds.output, ::testing::HasSubstr("\"event\":\"audit_checkpoint_holds\""));

    // The last entry the checkpoint signed, rewritten by the database's superuser with every hash
    // from it to the head recomputed.
    std::string last_line;
    {
        std::istringstream lines{read_file(witness)};
        for (std::string line; std::getline(lines, line);) {
            last_line = line.empty() ? last_line : line;
        }
    }
    const auto signed_seq = json::parse(json::parse(last_line).at("document").as_string())
                                .at("seq")
                                .to_number<std::int64_t>();
    const auto seq = std::to_string(signed_seq);
    const auto event = " where id = (select event_id from audit_chain where seq = " + seq + ")";
    const auto original = text("select outcome from audit_events" + event);
    const auto saved = "audit_saved_" + unique_code();
    execute("create temporary table " + saved +
            " as select seq, prev_hash, hash from audit_chain where seq >= " + seq);
    const auto restore = [&] {
        execute("update audit_events set outcome = " + literal(original) + event);
        execute("update audit_chain c set prev_hash = s.prev_hash, hash = s.hash from " + saved +
                " s where c.seq = s.seq");
        execute("drop table " + saved);
    };
    execute("update audit_events set outcome = 'denied'" + event);
    execute("do $$ declare r record; prev bytea; h bytea; begin select coalesce((select hash from "
            "audit_chain where seq = " +
            seq +
            " - 1), decode(repeat('00', 32), 'hex')) into prev; "
            "for r in select c.seq, e.* from audit_chain c join audit_events e on e.id = "
            "c.event_id where c.seq >= " +
            seq +
            " order by c.seq loop h := audit_entry_hash(prev, r.seq, r.at, r.request_id, "
            "r.actor_id, r.actor_username, r.actor_role, r.organisation_id, r.action, "
            "r.entity_type, r.entity_id, r.outcome, r.detail); update audit_chain set prev_hash "
            "= prev, hash = h where seq = r.seq; prev := h; end loop; end $$");
    const auto chain_only = run_homeward({"audit", "verify"}, app_database_url());
    const auto refuted = run_homeward(verify, app_database_url());
    restore();
    EXPECT_EQ(chain_only.code, 0) << "the rewrite was not complete: " << chain_only.output;
    EXPECT_EQ(refuted.code, 1) << refuted.output;
    EXPECT_THAT(refuted.output,
                ::testing::HasSubstr("the audit trail does not hold what the checkpoint signed"));
    EXPECT_THAT(refuted.output, ::testing::HasSubstr("entry " + seq +
                                                     " is not what the checkpoint "
                                                     "signed: the trail was rewritten"));
    EXPECT_EQ(run_homeward(verify, app_database_url()).code, 0);
    execute("delete from audit_checkpoints where id > " + std::to_string(checkpoints_before));
    std::filesystem::remove_all(dir);
}

// Issue 15: serve with HOMEWARD_REPLICA_URL (the streaming replica ops/test makes) answers the
// figures from the replica, says so, and audits the read on the primary (through its batcher).
TEST_F(serve_process, serve_reads_the_figures_from_the_replica_it_is_given) {
    const char* replica = std::getenv("HOMEWARD_TEST_APP_REPLICA_URL");
    ASSERT_TRUE(replica != nullptr && *replica != '\0')
        << "HOMEWARD_TEST_APP_REPLICA_URL is not set: run the tests through ops/test";
    const auto authority = make_org(workflow::organisation_kind::local_authority);
    const auto manager = make_user(workflow::role::manager, authority);
    const auto port = free_port();
    const std::string log = cert_dir() + "/serve-replica.log";
    auto settings = standard_settings(port);
    settings.push_back(std::string{"HOMEWARD_REPLICA_URL="} + replica);
    settings.emplace_back("HOMEWARD_REPLICA_MAX_LAG_SECONDS=60");
    const auto pid = spawn_server(settings, log);
    ASSERT_TRUE(wait_until_ready(port)) << read_file(log);
    request_options options;
    options.token = manager.token;
    const auto figures = https_call(port, "GET", "/api/v1/stats", "", options);
    const auto returned = https_call(port, "GET", "/api/v1/exports/statutory-return", "", options);
    kill(pid, SIGTERM);
    EXPECT_EQ(wait_exit(pid), 0) << read_file(log);
    EXPECT_EQ(figures.status, 200U) << figures.body;
    EXPECT_EQ(figures.header("homeward-read-from"), "replica");
    EXPECT_EQ(returned.status, 200U) << returned.body;
    EXPECT_EQ(returned.header("homeward-read-from"), "replica");
    EXPECT_THAT(read_file(log), ::testing::HasSubstr("\"replica\":\"max lag 60 s\""));
    EXPECT_EQ(count_where("audit_log", "action = 'stats.read' and outcome = 'success' and "
                                       "actor_id = " +
                                           literal(manager.id) + "::uuid"),
              1);
}

} // namespace
} // namespace homeward::testing
