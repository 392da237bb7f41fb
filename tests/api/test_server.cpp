// The HTTPS server itself, over real TLS, with the real router on the real PostgreSQL: handlers run
// on the worker pool and never on an I/O thread; health and readiness never wait for a worker;
// connection caps; unknown methods; /metrics for the scraper only; the last response a connection
// may carry; request framing (RFC 9112); and what reaches the log.

#include "https_fixture.hpp"

#include "homeward/api/log.hpp"
#include "homeward/api/router.hpp"
#include "homeward/api/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

namespace homeward::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// A TLS connection the test drives byte by byte, from a chosen local address (the loopback
// network is 127.0.0.0/8, so 127.0.0.2 is a second client address on the same machine).
class raw_connection {
public:
    explicit raw_connection(std::uint16_t port, const std::string& from = "127.0.0.1")
        : stream_(io_, tls_) {
        tls_.set_verify_mode(asio::ssl::verify_none);
        auto& socket = beast::get_lowest_layer(stream_).socket();
        socket.open(asio::ip::tcp::v4());
        socket.bind({asio::ip::make_address(from), 0});
        socket.connect({asio::ip::address_v4::loopback(), port});
    }

    // False when the server refused the connection (reset or closed it before TLS completed).
    bool handshake() {
        arm();
        beast::error_code error;
        stream_.handshake(asio::ssl::stream_base::client, error);
        return !error;
    }

    void send(std::string_view bytes) {
        arm();
        asio::write(stream_, asio::buffer(bytes));
    }

    http::response<http::string_body> read_response() {
        arm();
        http::response<http::string_body> response;
        http::read(stream_, buffer_, response);
        return response;
    }

    http::response<http::string_body> get(const std::string& target,
                                          const std::string& headers = "") {
        send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
        return read_response();
    }

    // True when the server has closed the connection (nothing more arrives, only the end).
    bool closed_by_server() {
        std::array<char, 256> byte{};
        beast::error_code error;
        if (buffer_.size() > 0) {
            return false;
        }
        arm();
        stream_.read_some(asio::buffer(byte), error);
        return error == asio::error::eof || error == asio::ssl::error::stream_truncated ||
               error == asio::error::connection_reset;
    }

    // Gone at once, as a phone losing signal or a client killed mid-request: a TCP reset, no
    // close_notify.
    void reset() {
        beast::error_code ignored;
        auto& socket = beast::get_lowest_layer(stream_).socket();
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
    }

    void close() {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).expires_after(5s);
        stream_.shutdown(ignored);
        beast::get_lowest_layer(stream_).close();
    }

private:
    // A safety net for each step: nothing here should take long, and a test must fail rather
    // than hang.
    void arm() { beast::get_lowest_layer(stream_).expires_after(20s); }

    asio::io_context io_;
    asio::ssl::context tls_{asio::ssl::context::tls_client};
    beast::ssl_stream<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
};

// Opens connections until one is admitted (the server gives back a slot when a connection's
// coroutine has ended, just after the client sees it close); bounded, as a safety net.
std::unique_ptr<raw_connection> admitted_connection(std::uint16_t port, const std::string& from) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto connection = std::make_unique<raw_connection>(port, from);
        if (connection->handshake()) {
            return connection;
        }
        std::this_thread::sleep_for(10ms);
    }
    return nullptr;
}

// Holds requests of one route inside their handler until the test releases them.
class handler_gate {
public:
    void enter() {
        std::unique_lock lock{mutex_};
        ++entered_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return released_; });
    }
    // False when fewer than `count` requests got into their handler in time.
    bool wait_for_entered(int count) {
        std::unique_lock lock{mutex_};
        return changed_.wait_for(lock, 20s, [&] { return entered_ >= count; });
    }
    void release() {
        const std::lock_guard lock{mutex_};
        released_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int entered_{0};
    bool released_{false};
};

class server_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        authority = make_org(workflow::organisation_kind::local_authority);
        worker = make_user(workflow::role::social_worker, authority);
    }

    request_options with_token(const std::string& token) const {
        request_options options;
        options.token = token;
        return options;
    }

    std::string scrape() {
        const auto reply = https_call(port_, "GET", "/metrics", "", with_token(metrics_token()));
        EXPECT_EQ(reply.status, 200U) << reply.body;
        return reply.body;
    }

    test_org authority;
    test_user worker;
};

// ---- the worker pool ------------------------------------------------------------------------

TEST_F(server_over_https, request_handlers_never_run_on_an_io_thread) {
    std::mutex mutex;
    std::vector<std::pair<std::string, bool>> seen; // route, ran on an I/O thread
    router_->on_route = [&](std::string_view route) {
        const bool on_io_thread = server_->running_on_io_thread();
        const std::lock_guard lock{mutex};
        seen.emplace_back(route, on_io_thread);
    };
    EXPECT_EQ(get(worker, "/api/v1/indicators").status, 200U);
    EXPECT_EQ(get(worker, "/api/v1/episodes").status, 200U);
    EXPECT_EQ(https_call(port_, "GET", "/api/v1/openapi.json").status, 200U);
    EXPECT_EQ(https_call(port_, "GET", "/nowhere").status, 404U);
    EXPECT_EQ(https_call(port_, "POST", "/api/v1/session",
                         json::serialize(
                             json::object{{"username", worker.username}, {"password", password()}}))
                  .status,
              201U);
    router_->on_route = nullptr;
    const std::lock_guard lock{mutex};
    ASSERT_EQ(seen.size(), 5U);
    for (const auto& [route, on_io_thread] : seen) {
        EXPECT_FALSE(on_io_thread) << route << " was handled on an I/O thread";
    }
}

TEST_F(server_over_https, requests_held_in_their_handlers_do_not_hold_up_health_or_other_requests) {
    api::server_options options;
    options.io_threads = 2;
    options.worker_threads = 6;
    restart(test_rules(), options);
    const int held = options.io_threads + 1; // more than there are I/O threads
    handler_gate gate;
    router_->on_route = [&](std::string_view route) {
        if (route == "/api/v1/openapi.json") {
            gate.enter();
        }
    };
    std::vector<std::future<https_reply>> holding;
    for (int i = 0; i < held; ++i) {
        holding.push_back(std::async(std::launch::async, [this] {
            return https_call(port_, "GET", "/api/v1/openapi.json");
        }));
    }
    // Whatever happens below, the held requests are let go before the futures are waited for.
    struct release_at_exit {
        handler_gate& gate;
        ~release_at_exit() { gate.release(); }
    } release{gate};
    ASSERT_TRUE(gate.wait_for_entered(held)) << "the held requests did not all reach a handler";

    const auto answered = [](std::future<https_reply> reply) {
        // A safety net, not a performance limit: on I/O threads held by handlers, no answer comes.
        return reply.wait_for(20s) == std::future_status::ready ? reply.get().status : 0U;
    };
    const auto token = worker.token;
    EXPECT_EQ(answered(std::async(std::launch::async,
                                  [this] { return https_call(port_, "GET", "/healthz"); })),
              200U);
    EXPECT_EQ(answered(std::async(std::launch::async,
                                  [this] { return https_call(port_, "GET", "/readyz"); })),
              200U);
    EXPECT_EQ(answered(std::async(std::launch::async,
                                  [this, token] {
                                      return https_call(port_, "GET", "/api/v1/indicators", "",
                                                        with_token(token));
                                  })),
              200U);
    gate.release();
    for (auto& reply : holding) {
        EXPECT_EQ(reply.get().status, 200U);
    }
    router_->on_route = nullptr;
}

TEST_F(server_over_https, readyz_is_503_with_retry_after_when_the_database_is_down) {
    db::connection_pool unreachable{"postgresql://postgres@127.0.0.1:1/none", 1, 200ms};
    services::environment env{unreachable, workflow::england_policy(), env_->catalogue, env_->now};
    api::router down{env};
    api::server_options options;
    options.port = 0;
    options.tls_cert = cert_dir() + "/cert.pem";
    options.tls_key = cert_dir() + "/key.pem";
    api::server server{options, down};
    const auto port = server.listen();
    std::thread serving{[&] { server.run(false); }};
    const auto ready = https_call(port, "GET", "/readyz");
    const auto health = https_call(port, "GET", "/healthz");
    server.stop();
    serving.join();
    EXPECT_EQ(ready.status, 503U);
    EXPECT_EQ(ready.header("retry-after"), "5");
    EXPECT_EQ(ready.header("content-type"), "application/problem+json");
    EXPECT_THAT(ready.body, Not(HasSubstr("127.0.0.1")));
    EXPECT_EQ(health.status, 200U);
}

// ---- connection caps ------------------------------------------------------------------------

TEST_F(server_over_https, connections_over_the_caps_are_refused_at_once_and_others_still_served) {
    api::server_options options;
    options.max_connections = 3;
    options.max_connections_per_address = 2;
    options.metrics_token = metrics_token();
    restart(test_rules(), options);

    std::vector<std::unique_ptr<raw_connection>> open;
    for (int i = 0; i < 2; ++i) {
        open.push_back(std::make_unique<raw_connection>(port_, "127.0.0.1"));
        ASSERT_TRUE(open.back()->handshake());
        EXPECT_EQ(open.back()->get("/healthz").result_int(), 200U);
    }
    raw_connection third_from_one_address{port_, "127.0.0.1"};
    EXPECT_FALSE(third_from_one_address.handshake()) << "the per-address cap let a third through";

    open.push_back(std::make_unique<raw_connection>(port_, "127.0.0.2"));
    ASSERT_TRUE(open.back()->handshake()) << "another address is not held to the first's cap";
    EXPECT_EQ(open.back()->get("/healthz").result_int(), 200U);
    raw_connection over_global{port_, "127.0.0.2"};
    EXPECT_FALSE(over_global.handshake()) << "the global cap let a fourth connection through";

    // The open connections are still served, and the refusals are counted.
    const auto metrics =
        open[0]->get("/metrics", "Authorization: Bearer " + metrics_token() + "\r\n");
    EXPECT_EQ(metrics.result_int(), 200U);
    EXPECT_THAT(metrics.body(),
                HasSubstr("homeward_http_connections_refused_total{reason=\"address_cap\"} 1"));
    EXPECT_THAT(metrics.body(),
                HasSubstr("homeward_http_connections_refused_total{reason=\"global_cap\"} 1"));

    // A connection that ends gives its place back.
    open[0]->close();
    auto again = admitted_connection(port_, "127.0.0.1");
    ASSERT_TRUE(again) << "a closed connection's place was never given back";
    EXPECT_EQ(again->get("/healthz").result_int(), 200U);
}

// ---- methods and /metrics -------------------------------------------------------------------

TEST_F(server_over_https, an_unknown_method_is_501_and_counted_under_one_label) {
    raw_connection connection{port_};
    ASSERT_TRUE(connection.handshake());
    connection.send("XYZ123 /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const auto response = connection.read_response();
    EXPECT_EQ(response.result_int(), 501U);
    EXPECT_EQ(response[http::field::content_type], "application/problem+json");
    const auto metrics = scrape();
    EXPECT_THAT(metrics, Not(HasSubstr("XYZ123")));
    EXPECT_THAT(metrics, HasSubstr("method=\"other\",route=\"(refused)\",status=\"501\"} 1"));
    // A known method a route does not take is still 405.
    EXPECT_EQ(https_call(port_, "PUT", "/healthz").status, 405U);
}

TEST_F(server_over_https, metrics_are_served_only_to_the_scraper_holding_the_token) {
    const auto anonymous = https_call(port_, "GET", "/metrics");
    EXPECT_EQ(anonymous.status, 401U);
    EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer");
    EXPECT_THAT(anonymous.body, Not(HasSubstr("homeward_")));
    EXPECT_EQ(https_call(port_, "GET", "/metrics", "", with_token(metrics_token() + "x")).status,
              401U);
    EXPECT_EQ(https_call(port_, "GET", "/metrics", "", with_token(worker.token)).status, 401U);
    // The same path spelled with an escape is the same resource, and as closed.
    EXPECT_EQ(https_call(port_, "GET", "/%6Detrics").status, 401U);
    const auto scraped = https_call(port_, "GET", "/metrics", "", with_token(metrics_token()));
    EXPECT_EQ(scraped.status, 200U);
    EXPECT_THAT(scraped.body, HasSubstr("homeward_http_requests_total{"));
    EXPECT_THAT(scraped.body, HasSubstr("homeward_database_ready 1"));
}

TEST_F(server_over_https, without_a_configured_token_metrics_do_not_exist) {
    restart(test_rules(), {});
    EXPECT_EQ(https_call(port_, "GET", "/metrics").status, 404U);
    EXPECT_EQ(https_call(port_, "GET", "/metrics", "", with_token(metrics_token())).status, 404U);
    EXPECT_EQ(https_call(port_, "GET", "/healthz").status, 200U);
}

// ---- keep-alive -----------------------------------------------------------------------------

TEST_F(server_over_https, the_last_response_a_connection_may_carry_says_connection_close) {
    api::server_options options;
    options.max_requests_per_connection = 3;
    restart(test_rules(), options);
    raw_connection connection{port_};
    ASSERT_TRUE(connection.handshake());
    for (int i = 1; i <= 3; ++i) {
        const auto response = connection.get("/healthz");
        EXPECT_EQ(response.result_int(), 200U);
        EXPECT_EQ(response.keep_alive(), i < 3) << "response " << i;
    }
    EXPECT_TRUE(connection.closed_by_server());
}

TEST_F(server_over_https, an_idle_kept_alive_connection_is_closed_at_the_idle_timeout) {
    api::server_options options;
    options.idle_timeout = 1s;
    restart(test_rules(), options);
    raw_connection idle{port_};
    ASSERT_TRUE(idle.handshake());
    EXPECT_EQ(idle.get("/healthz").result_int(), 200U);
    const auto served = std::chrono::steady_clock::now();
    EXPECT_TRUE(idle.closed_by_server());
    const auto waited = std::chrono::steady_clock::now() - served;
    EXPECT_GE(waited, 900ms) << "closed before the idle timeout";
    EXPECT_LT(waited, 10s) << "kept long past the idle timeout";
    // A connection that keeps talking is not cut off by the timeout of the idle one.
    raw_connection busy{port_};
    ASSERT_TRUE(busy.handshake());
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(busy.get("/healthz").result_int(), 200U) << "request " << i;
        std::this_thread::sleep_for(400ms);
    }
}

// A client that vanishes while its response is being written (a reset, no close_notify) costs
// that connection only: the write fails for it, and no signal ends the server.
TEST_F(server_over_https, a_client_gone_mid_response_costs_its_connection_only) {
    for (int i = 0; i < 20; ++i) {
        raw_connection gone{port_};
        ASSERT_TRUE(gone.handshake()) << "connection " << i;
        gone.send("GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n");
        if (i % 2 == 1) {
            std::this_thread::sleep_for(5ms); // some resets land mid-write, some before it
        }
        gone.reset();
    }
    const auto response = https_call(port_, "GET", "/api/v1/openapi.json");
    EXPECT_EQ(response.status, 200U);
    EXPECT_GT(response.body.size(), 16U * 1024U) << "the document should span several TLS records";
    raw_connection after{port_};
    ASSERT_TRUE(after.handshake());
    EXPECT_EQ(after.get("/healthz").result_int(), 200U);
}

// ---- framing (RFC 9112) ---------------------------------------------------------------------

struct framing_case {
    std::string name;
    std::string request;
    unsigned status;
};

TEST_F(server_over_https, ambiguous_framing_and_missing_or_repeated_host_are_refused_and_closed) {
    const std::string body = R"({"username":"nobody","password":"x"})";
    const std::string length = std::to_string(body.size());
    const std::string post = "POST /api/v1/session HTTP/1.1\r\n";
    const std::vector<framing_case> cases{
        {"chunked, identity with Content-Length",
         post + "Host: x\r\nTransfer-Encoding: chunked, identity\r\nContent-Length: " + length +
             "\r\n\r\n" + body,
         400},
        {"xchunked with Content-Length",
         post + "Host: x\r\nTransfer-Encoding: xchunked\r\nContent-Length: " + length + "\r\n\r\n" +
             body,
         400},
        {"chunked and Content-Length",
         post + "Host: x\r\nTransfer-Encoding: chunked\r\nContent-Length: " + length +
             "\r\n\r\n0\r\n\r\n",
         400},
        {"Content-Length and chunked",
         post + "Host: x\r\nContent-Length: " + length +
             "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         400},
        {"a final coding other than chunked",
         post + "Host: x\r\nTransfer-Encoding: gzip\r\n\r\n" + body, 400},
        {"a coding before chunked that is not implemented",
         post + "Host: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
        {"HTTP/1.1 without Host", "GET /healthz HTTP/1.1\r\n\r\n", 400},
        {"two Host headers", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
    };
    for (const auto& c : cases) {
        raw_connection connection{port_};
        ASSERT_TRUE(connection.handshake()) << c.name;
        connection.send(c.request);
        const auto response = connection.read_response();
        EXPECT_EQ(response.result_int(), c.status) << c.name;
        EXPECT_FALSE(response.keep_alive()) << c.name;
        EXPECT_TRUE(connection.closed_by_server()) << c.name;
    }
}

TEST_F(server_over_https, well_framed_requests_are_still_served) {
    const std::string body =
        json::serialize(json::object{{"username", worker.username}, {"password", password()}});
    std::ostringstream size;
    size << std::hex << body.size();
    raw_connection connection{port_};
    ASSERT_TRUE(connection.handshake());
    connection.send("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    "\r\nTransfer-Encoding: chunked\r\n\r\n" +
                    size.str() + "\r\n" + body + "\r\n0\r\n\r\n");
    const auto chunked = connection.read_response();
    EXPECT_EQ(chunked.result_int(), 201U) << chunked.body();
    EXPECT_TRUE(chunked.keep_alive());
    // HTTP/1.0 has no Host requirement.
    connection.send("GET /healthz HTTP/1.0\r\n\r\n");
    EXPECT_EQ(connection.read_response().result_int(), 200U);
}

// ---- the log --------------------------------------------------------------------------------

TEST_F(server_over_https, passwords_and_tokens_never_reach_the_log) {
    std::ostringstream captured;
    std::string session_token;
    {
        const api::log_redirect capture{captured};
        const auto reply = https_call(
            port_, "POST", "/api/v1/session",
            json::serialize(json::object{{"username", worker.username}, {"password", password()}}));
        ASSERT_EQ(reply.status, 201U);
        session_token = std::string{reply.json().at("token").as_string()};
        EXPECT_EQ(
            https_call(port_, "GET", "/api/v1/indicators", "", with_token(session_token)).status,
            200U);
        EXPECT_EQ(https_call(port_, "GET", "/metrics", "", with_token(metrics_token())).status,
                  200U);
        EXPECT_EQ(
            https_call(port_, "GET", "/metrics", "", with_token("a-guess-at-the-token")).status,
            401U);
        // Stopped before the capture ends, so that nothing is writing to it when it is read.
        server_->stop();
        thread_.join();
        server_.reset();
    }
    const auto text = captured.str();
    EXPECT_THAT(text, HasSubstr("\"event\":\"request\""));
    EXPECT_THAT(text, HasSubstr("\"route\":\"/api/v1/session\""));
    for (const auto& secret :
         {password(), session_token, metrics_token(), std::string{"a-guess-at-the-token"}}) {
        EXPECT_THAT(text, Not(HasSubstr(secret)));
    }
    std::istringstream lines{text};
    for (std::string line; std::getline(lines, line);) {
        const auto object = json::parse(line).as_object();
        EXPECT_TRUE(object.contains("ts") && object.contains("level") && object.contains("event"))
            << line;
    }
}

// ---- certificate reload ---------------------------------------------------------------------

TEST_F(server_over_https, a_certificate_that_cannot_be_used_is_refused_and_the_old_one_kept) {
    const auto dir = std::filesystem::temp_directory_path() / "homeward-reload-in-process";
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(cert_dir() + "/cert.pem", dir / "cert.pem",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(cert_dir() + "/key.pem", dir / "key.pem",
                               std::filesystem::copy_options::overwrite_existing);
    // restart() uses the fixture's certificate; this server uses the copies.
    api::server_options options;
    options.port = 0;
    options.tls_cert = (dir / "cert.pem").string();
    options.tls_key = (dir / "key.pem").string();
    api::server own{options, *router_};
    const auto port = own.listen();
    std::thread serving{[&] { own.run(false); }};
    std::ofstream{dir / "cert.pem"} << "not a certificate\n";
    EXPECT_FALSE(own.reload_certificate());
    EXPECT_EQ(https_call(port, "GET", "/healthz").status, 200U);
    std::filesystem::copy_file(cert_dir() + "/cert.pem", dir / "cert.pem",
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_TRUE(own.reload_certificate());
    EXPECT_EQ(https_call(port, "GET", "/healthz").status, 200U);
    own.stop();
    serving.join();
}

} // namespace
} // namespace homeward::testing
