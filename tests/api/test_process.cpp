// The real `homeward serve` process: SIGTERM while a request is in flight lets it finish, then
// the process exits 0; a bad setting stops start-up with one line naming it and exit code 2.

#include "https_fixture.hpp"
#include "webhook_receiver.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <future>
#include <spawn.h>
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
    pid_t spawn_server(const std::vector<std::string>& settings, const std::string& log) {
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
        std::vector<char*> argv{binary.data(), command.data(), nullptr};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        pid_t pid = 0;
        EXPECT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), env.data()), 0);
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
    std::this_thread::sleep_for(15ms); // the log-in's Argon2 verification is under way
    kill(pid, SIGTERM);
    EXPECT_EQ(in_flight.get().status, 201U);
    EXPECT_EQ(wait_exit(pid), 0) << read_file(log);
    EXPECT_THAT(read_file(log), ::testing::HasSubstr("\"msg\":\"stopped\""));
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
    EXPECT_THAT(read_file(log), ::testing::HasSubstr("\"msg\":\"webhooks\",\"delivered\":1"));
}

TEST_F(serve_process, a_missing_certificate_setting_stops_start_up_with_exit_2) {
    const std::string log = cert_dir() + "/serve-bad.log";
    const auto pid = spawn_server({"HOMEWARD_DATABASE_URL=" + database_url(),
                                   "HOMEWARD_LISTEN=127.0.0.1:" + std::to_string(free_port())},
                                  log);
    EXPECT_EQ(wait_exit(pid), 2);
    EXPECT_EQ(read_file(log), "homeward: HOMEWARD_TLS_CERT: is not set\n");
}

} // namespace
} // namespace homeward::testing
