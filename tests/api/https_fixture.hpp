#pragma once
// A real Homeward HTTPS server on a free port over the PostgreSQL that ops/test starts, with an
// injected clock, and a small HTTPS client. Tests talk to it exactly as users do.

#include "homeward/api/router.hpp"
#include "homeward/api/server.hpp"
#include "homeward/db/pool.hpp"
#include "homeward/services/environment.hpp"

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

class https_test : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    static void TearDownTestSuite();
    void SetUp() override;
    void TearDown() override;

    // Starts a server with these rules/options (the default one is started by SetUp).
    void restart(services::session_rules rules, api::server_options options);

    std::string make_org(const std::string& kind);
    test_user make_user(const std::string& role, const std::string& org_code);
    std::string log_in(const std::string& username);
    std::string make_child(const test_user& by, const std::string& responsible,
                           const std::string& host = "");
    boost::json::object report(const test_user& police, const std::string& child_id);
    https_reply post(const test_user& who, const std::string& target, const std::string& body,
                     std::map<std::string, std::string> headers = {});
    https_reply get(const test_user& who, const std::string& target);
    std::string at(std::chrono::seconds offset) const; // the injected clock + offset, RFC 3339
    void advance(std::chrono::seconds by) { now_ += by.count(); }

    static services::session_rules test_rules();
    void clear_login_attempts();
    // Marks dead every webhook message other tests left queued: they would otherwise be sent
    // (to long-gone receivers) before this test's own.
    void abandon_queued_webhooks();
    static std::string password() { return "correct horse battery staple"; }
    // The bearer token the default server requires for /metrics.
    static std::string metrics_token() { return "test-metrics-token-0123456789abcdef"; }
    static std::string database_url();
    static std::string cert_dir();

    std::uint16_t port_{0};
    std::atomic<std::int64_t> now_{0};
    std::unique_ptr<db::connection_pool> pool_;
    std::unique_ptr<services::environment> env_;
    std::unique_ptr<api::router> router_;
    std::unique_ptr<api::server> server_;
    std::thread thread_;
};

} // namespace homeward::testing
