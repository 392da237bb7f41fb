// The real `homeward serve` process: SIGTERM while a request is in flight lets it finish, then
// the process exits 0; a bad setting stops start-up with one line naming it and exit code 2;
// SIGHUP replaces the certificate without dropping connections; running out of descriptors
// neither spins nor floods the log; everything it logs is JSON lines.

#include "https_fixture.hpp"
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
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>

extern char** environ;

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

std::uint16_t free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor{io, {boost::asio::ip::address_v4::loopback(), 0}};
    return acceptor.local_endpoint().port();
}

class serve_process : public https_test {
protected:
    // With a descriptor limit, serve runs under a shell that sets it first (soft and hard).
    pid_t spawn_server(const std::vector<std::string>& settings, const std::string& log,
                       int descriptor_limit = 0) {
        std::vector<std::string> env_text = settings;
        for (char** entry = environ; *entry != nullptr; ++entry) {
            if (std::string_view{*entry}.starts_with("HOMEWARD_") == false) {
                env_text.emplace_back(*entry);
            }
        }
        std::vector<char*> env;
        for (auto& entry : env_text) {
            env.push_back(entry.data());
        }
        env.push_back(nullptr);
        std::string binary = HOMEWARD_BINARY;
        std::string command = "serve";
        std::string shell = "/bin/sh";
        std::string dash_c = "-c";
        std::string script =
            "ulimit -n " + std::to_string(descriptor_limit) + " && exec \"$0\" serve";
        std::vector<char*> argv{binary.data(), command.data(), nullptr};
        if (descriptor_limit > 0) {
            argv = {shell.data(), dash_c.data(), script.data(), binary.data(), nullptr};
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        pid_t pid = 0;
        EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env.data()), 0);
        posix_spawn_file_actions_destroy(&actions);
        return pid;
    }

    static int wait_exit(pid_t pid) {
        int status = 0;
        for (int i = 0; i < 300; ++i) {
            if (waitpid(pid, &status, WNOHANG) == pid) {
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(50ms);
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }

    static std::string read_file(const std::string& path) {
        std::ifstream in{path};
        return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    }

    // The process logs asynchronously to a file: polled, with a generous bound as a safety net.
    static bool wait_for_log(const std::string& path, const std::string& text, int times = 1) {
        for (int i = 0; i < 400; ++i) {
            if (occurrences(read_file(path), text) >= times) {
                return true;
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    static int occurrences(const std::string& haystack, const std::string& needle) {
        int found = 0;
        for (auto at = haystack.find(needle); at != std::string::npos;
             at = haystack.find(needle, at + needle.size())) {
            ++found;
        }
        return found;
    }

    static std::vector<std::string> standard_settings(std::uint16_t port) {
        return {"HOMEWARD_DATABASE_URL=" + database_url(),
                "HOMEWARD_LISTEN=127.0.0.1:" + std::to_string(port),
                "HOMEWARD_TLS_CERT=" + cert_dir() + "/cert.pem",
                "HOMEWARD_TLS_KEY=" + cert_dir() + "/key.pem",
                std::string{"HOMEWARD_DATA_DIR="} + HOMEWARD_SOURCE_DATA_DIR};
    }

    static bool wait_until_ready(std::uint16_t port) {
        for (int i = 0; i < 200; ++i) {
            try {
                if (https_call(port, "GET", "/readyz").status == 200) {
                    return true;
                }
            } catch (const std::exception&) {
                // not listening yet
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    // The flood's connections end on the server a little after the client closes them: until
    // then a new one may still be refused. Polled, bounded.
    static bool admitted_within(std::uint16_t port) {
        for (int i = 0; i < 200; ++i) {
            try {
                if (https_call(port, "GET", "/healthz").status == 200) {
                    return true;
                }
            } catch (const std::exception&) {
                // refused: still at the cap
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    // Every line the process wrote is one JSON object with a time, a level and an event.
    static void expect_json_lines(const std::string& log) {
        std::istringstream lines{log};
        int count = 0;
        for (std::string line; std::getline(lines, line); ++count) {
            json::error_code error;
            const auto value = json::parse(line, error);
            ASSERT_FALSE(error) << line;
            ASSERT_TRUE(value.is_object()) << line;
            for (const auto* key : {"ts", "level", "event"}) {
                EXPECT_TRUE(value.as_object().contains(key)) << key << " missing in " << line;
            }
        }
        EXPECT_GT(count, 0);
    }
};

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
    const auto pid = spawn_server({"HOMEWARD_DATABASE_URL=" + database_url(),
                                   "HOMEWARD_LISTEN=127.0.0.1:" + std::to_string(port),
                                   "HOMEWARD_TLS_CERT=" + cert_dir() + "/cert.pem",
                                   "HOMEWARD_TLS_KEY=" + cert_dir() + "/key.pem",
                                   std::string{"HOMEWARD_DATA_DIR="} + HOMEWARD_SOURCE_DATA_DIR},
                                  log);
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

    const auto port = free_port();
    const std::string log = cert_dir() + "/serve-webhooks.log";
    const auto pid = spawn_server({"HOMEWARD_DATABASE_URL=" + database_url(),
                                   "HOMEWARD_LISTEN=127.0.0.1:" + std::to_string(port),
                                   "HOMEWARD_TLS_CERT=" + cert_dir() + "/cert.pem",
                                   "HOMEWARD_TLS_KEY=" + cert_dir() + "/key.pem",
                                   "HOMEWARD_WEBHOOK_CA_FILE=" + cert_dir() + "/cert.pem",
                                   "HOMEWARD_WEBHOOK_ALLOW_PRIVATE=true", // the receiver: loopback
                                   "HOMEWARD_WEBHOOK_SECONDS=1",
                                   std::string{"HOMEWARD_DATA_DIR="} + HOMEWARD_SOURCE_DATA_DIR},
                                  log);
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
    const auto pid = spawn_server({"HOMEWARD_DATABASE_URL=" + database_url(),
                                   "HOMEWARD_LISTEN=127.0.0.1:" + std::to_string(free_port())},
                                  log);
    EXPECT_EQ(wait_exit(pid), 2);
    EXPECT_EQ(read_file(log), "homeward: HOMEWARD_TLS_CERT: is not set\n");
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

} // namespace
} // namespace homeward::testing
