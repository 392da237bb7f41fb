#include "https_fixture.hpp"
#include "test_database.hpp"

#include "homeward/db/pool.hpp"
#include "homeward/workflow/policy.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace homeward::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

} // namespace

json::value https_reply::json() const { return json::parse(body); }

std::string https_reply::header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
}

https_reply https_call(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body, const request_options& options) {
    asio::io_context io;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    tls.set_verify_mode(asio::ssl::verify_none);
    beast::ssl_stream<beast::tcp_stream> stream{io, tls};
    beast::get_lowest_layer(stream).connect(
        asio::ip::tcp::endpoint{asio::ip::address_v4::loopback(), port});
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{60});
    stream.handshake(asio::ssl::stream_base::client);
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1");
    if (!options.token.empty()) {
        request.set(http::field::authorization, "Bearer " + options.token);
    }
    if (!body.empty()) {
        request.set(http::field::content_type, options.content_type);
        request.body() = body;
    }
    for (const auto& [name, value] : options.headers) {
        request.set(name, value);
    }
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    beast::error_code ignored;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{2});
    stream.shutdown(ignored);
    https_reply reply;
    reply.status = response.result_int();
    reply.body = response.body();
    for (const auto& field : response) {
        std::string name{field.name_string()};
        for (auto& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        reply.headers[name] = std::string{field.value()};
    }
    return reply;
}

std::string https_test::database_url() { return test_database_url(); }

std::string https_test::app_database_url() { return test_app_database_url(); }

std::string https_test::cert_dir() {
    static const std::string dir = [] {
        const auto path = std::filesystem::temp_directory_path() /
                          ("homeward-test-tls-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
        const std::string command =
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
            "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " +
            (path / "key.pem").string() + " -out " + (path / "cert.pem").string() + " 2>/dev/null";
        if (std::system(command.c_str()) != 0) {
            ADD_FAILURE() << "openssl could not make a test certificate";
        }
        return path.string();
    }();
    return dir;
}

namespace {

// The server under test connects as the application's own role, as serve does in production: it
// may append to the audit trail, never change it. One pool per process, like the world's.
db::connection_pool& app_pool() {
    static db::connection_pool pool{test_app_database_url(), 8, std::chrono::seconds{60}};
    return pool;
}

} // namespace

https_test::https_test()
    : env_{std::make_unique<services::environment>(services::environment{
          app_pool(), workflow::england_policy(), shared_catalogue(), clock_.source()})} {}

void https_test::SetUp() {
    database_test::SetUp();
    if (HasFatalFailure()) {
        return;
    }
    api::server_options options;
    options.metrics_token = metrics_token();
    restart(test_rules(), options);
}

services::session_rules https_test::test_rules() {
    // Every test logs in from 127.0.0.1: the per-address limit has its own test.
    services::session_rules rules;
    rules.failures_per_address = 1000;
    rules.two_factor_key = two_factor_key();
    return rules;
}

std::string https_test::two_factor_key_file() {
    static const std::string path = [] {
        const auto file = std::filesystem::path{cert_dir()} / "two-factor.key";
        std::ofstream{file, std::ios::binary} << two_factor_key();
        return file.string();
    }();
    return path;
}

void https_test::TearDown() {
    if (server_) {
        server_->stop();
        thread_.join();
        server_.reset();
    }
}

void https_test::restart(services::session_rules rules, api::server_options options) {
    TearDown();
    router_ = std::make_unique<api::router>(*env_, rules);
    options.port = 0;
    options.tls_cert = cert_dir() + "/cert.pem";
    options.tls_key = cert_dir() + "/key.pem";
    server_ = std::make_unique<api::server>(options, *router_);
    port_ = server_->listen();
    thread_ = std::thread{[this] { server_->run(false); }};
}

void https_test::clear_login_attempts() { execute("delete from login_attempts"); }

void https_test::drop_webhook_change_notices(const test_org& organisation) {
    execute("delete from outbox where organisation_id = " + literal(organisation.id) +
            "::uuid and topic = 'notification.webhook_changed'");
}

void https_test::abandon_queued_webhooks() {
    execute("update outbox set status = 'dead', dead_at = now() where status = 'pending'");
}

test_user https_test::make_user(workflow::role role, const test_org& organisation) {
    const auto made = testing::make_user(role, organisation);
    return {made.user_id, made.username, log_in(made.username)};
}

std::string https_test::log_in(const std::string& username) {
    const auto reply =
        https_call(port_, "POST", "/api/v1/session",
                   json::serialize(json::object{{"username", username}, {"password", password()}}));
    EXPECT_EQ(reply.status, 201U) << reply.body;
    return reply.status == 201 ? std::string{reply.json().at("token").as_string()} : "";
}

namespace {

json::object child_body(const test_org& responsible) {
    return {{"given_name", "Sam"},           {"family_name", "Taylor"},
            {"date_of_birth", "2011-05-04"}, {"sex", "unknown"},
            {"looked_after", true},          {"responsible_authority", responsible.code}};
}

} // namespace

std::string https_test::make_child(const test_user& by, const test_org& responsible) {
    return post_child(by, child_body(responsible));
}

std::string https_test::make_child(const test_user& by, const test_org& responsible,
                                   const test_org& host) {
    auto body = child_body(responsible);
    body["host_authority"] = host.code;
    return post_child(by, body);
}

std::string https_test::post_child(const test_user& by, const json::object& body) {
    const auto reply = post(by, "/api/v1/children", json::serialize(body));
    EXPECT_EQ(reply.status, 201U) << reply.body;
    return reply.status == 201 ? std::string{reply.json().at("id").as_string()} : "";
}

json::object https_test::report(const test_user& police, const std::string& child_id) {
    const auto reply =
        post(police, "/api/v1/episodes",
             json::serialize(json::object{{"child_id", child_id},
                                          {"last_seen_at", at(-std::chrono::hours{2})},
                                          {"last_seen_location", "Station Road"},
                                          {"circumstances", "Did not come home from school"},
                                          {"risk_level", "medium"},
                                          {"police_reference", "REF-1"},
                                          {"missing_or_away", "missing"}}));
    EXPECT_EQ(reply.status, 201U) << reply.body;
    return reply.status == 201 ? reply.json().as_object() : json::object{};
}

https_reply https_test::post(const test_user& who, const std::string& target,
                             const std::string& body, std::map<std::string, std::string> headers) {
    request_options options;
    options.token = who.token;
    options.headers = std::move(headers);
    return https_call(port_, "POST", target, body, options);
}

https_reply https_test::get(const test_user& who, const std::string& target) {
    request_options options;
    options.token = who.token;
    return https_call(port_, "GET", target, "", options);
}

} // namespace homeward::testing
