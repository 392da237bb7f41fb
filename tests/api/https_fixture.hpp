#pragma once
// A real Homeward HTTPS server on a free port over the PostgreSQL that ops/test starts, connected
// as the application's own database role as in production, on the one test world (tests/support)
// and its injected clock, and a small HTTPS client. Tests talk to it exactly as users do.

#include "world.hpp"

#include "homeward/api/router.hpp"
#include "homeward/api/server.hpp"
#include "homeward/services/environment.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace homeward::testing {

struct https_reply {
    unsigned status{0};
    std::map<std::string, std::string> headers; // lower-case names
    std::string body;
    boost::json::value json() const;
    std::string header(const std::string& name) const;
};

struct request_options {
    std::string token;
    std::string content_type{"application/json"};
    std::map<std::string, std::string> headers;
};

// One TLS connection per request unless kept; verifies nothing (self-signed test certificate).
https_reply https_call(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = "", const request_options& options = {});

struct test_user {
    std::string id;
    std::string username;
    std::string token;
};

class https_test : public database_test {
protected:
    https_test();
    void SetUp() override;
    void TearDown() override;

    // Starts a server with these rules/options (the default one is started by SetUp).
    void restart(services::session_rules rules, api::server_options options);

    // A user of the organisation (made through the world), logged in over HTTPS.
    test_user make_user(workflow::role role, const test_org& organisation);
    std::string log_in(const std::string& username);
    std::string make_child(const test_user& by, const test_org& responsible);
    std::string make_child(const test_user& by, const test_org& responsible, const test_org& host);
    std::string post_child(const test_user& by, const boost::json::object& body);
    boost::json::object report(const test_user& police, const std::string& child_id);
    https_reply post(const test_user& who, const std::string& target, const std::string& body,
                     std::map<std::string, std::string> headers = {});
    https_reply get(const test_user& who, const std::string& target);
    // The injected clock + offset, RFC 3339.
    std::string at(std::chrono::seconds offset) const { return clock_.at(offset); }
    void advance(std::chrono::seconds by) { clock_.advance(by); }

    static services::session_rules test_rules();
    // The key every test server seals two-step secrets with (test_rules, and serve processes'
    // HOMEWARD_TWO_FACTOR_KEY through two_factor_key_file): one key for the shared database.
    static std::string two_factor_key() { return "homeward tests' two-step key 32b"; }
    static std::string two_factor_key_file();
    void clear_login_attempts();
    // Marks dead every webhook message other tests left queued: they would otherwise be sent
    // (to long-gone receivers) before this test's own.
    void abandon_queued_webhooks();
    // Setting an organisation's webhook tells its managers (a notification), and like every
    // notification that notice is queued for the webhook too: tests that count the messages that
    // follow drop it first (test_webhooks.cpp tests the notice itself).
    void drop_webhook_change_notices(const test_org& organisation);
    static std::string password() { return std::string{test_password()}; }
    // The bearer token the default server requires for /metrics.
    static std::string metrics_token() { return "test-metrics-token-0123456789abcdef"; }
    static std::string database_url();
    // The application's own role (homeward_app), as a real serve connects: it may append to the
    // audit trail and never change it.
    static std::string app_database_url();
    static std::string cert_dir();

    std::uint16_t port_{0};
    test_clock clock_;
    // Over a pool of the application's own role (homeward_app), on clock_.
    std::unique_ptr<services::environment> env_;
    std::unique_ptr<api::router> router_;
    std::unique_ptr<api::server> server_;
    std::thread thread_;
};

} // namespace homeward::testing
