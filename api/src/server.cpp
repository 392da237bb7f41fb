#include "homeward/api/server.hpp"

#include "metrics.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <iostream>
#include <thread>
#include <vector>

namespace homeward::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto no_throw = asio::as_tuple(use_awaitable);

// Mozilla's intermediate profile: TLS 1.2 and 1.3, ECDHE with AES-GCM or ChaCha20.
void configure_tls(ssl::context& context, const server_options& options) {
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                        ssl::context::no_compression | ssl::context::single_dh_use);
    SSL_CTX* native = context.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
    if (SSL_CTX_set_cipher_list(native,
                                "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1 ||
        SSL_CTX_set_ciphersuites(native, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                                         "TLS_CHACHA20_POLY1305_SHA256") != 1) {
        throw std::runtime_error("the TLS cipher configuration was refused by OpenSSL");
    }
    SSL_CTX_set1_groups_list(native, "X25519:prime256v1:secp384r1");
    context.use_certificate_chain_file(options.tls_cert);
    context.use_private_key_file(options.tls_key, ssl::context::pem);
}

} // namespace

struct server::impl {
    // Declared so that the I/O context (whose destructor destroys abandoned connection
    // coroutines) goes after the acceptor and workers but before what those coroutines touch.
    server_options options;
    router& handler;
    std::atomic<int> in_flight{0};
    std::atomic<bool> draining{false};
    std::function<void()> ready;
    ssl::context tls{ssl::context::tls_server};
    asio::io_context io{options.io_threads};
    asio::thread_pool workers{static_cast<std::size_t>(options.worker_threads)};
    tcp::acceptor acceptor{io};
    // The accept loop and the drain both touch the acceptor; with several I/O threads they would
    // otherwise run at once (close() racing a new async_accept). They share this strand.
    asio::strand<asio::io_context::executor_type> accept_strand{asio::make_strand(io)};

    impl(server_options opts, router& r) : options(std::move(opts)), handler(r) {
        configure_tls(tls, options);
    }

    awaitable<void> serve_connection(beast::ssl_stream<beast::tcp_stream> stream,
                                     std::string client) {
        handler.counters().connection_opened();
        // A connection is busy (drain waits for it) from accept until it idles between requests.
        struct busy_state {
            impl& server;
            bool busy{true};
            explicit busy_state(impl& s) : server(s) { ++server.in_flight; }
            ~busy_state() {
                set(false);
                server.handler.counters().connection_closed();
            }
            void set(bool now_busy) {
                if (now_busy != busy) {
                    busy = now_busy;
                    now_busy ? ++server.in_flight : --server.in_flight;
                }
            }
        } state{*this};

        beast::get_lowest_layer(stream).expires_after(options.read_timeout);
        auto [handshake_error] =
            co_await stream.async_handshake(ssl::stream_base::server, no_throw);
        if (handshake_error) {
            co_return;
        }
        beast::flat_buffer buffer;
        for (int served = 0;
             served < options.max_requests_per_connection && (served == 0 || !draining); ++served) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(options.header_limit);
            parser.body_limit(options.body_limit);
            // A kept-alive connection may idle; once a request starts it must arrive in time.
            beast::get_lowest_layer(stream).expires_after(served == 0 ? options.read_timeout
                                                                      : options.idle_timeout);
            state.set(served == 0 || buffer.size() > 0);
            auto [read_error, bytes] = co_await http::async_read(stream, buffer, parser, no_throw);
            (void)bytes;
            state.set(true);
            if (read_error == http::error::body_limit) {
                auto response = handler.refuse(parser.get(), 413, "the body is larger than 1 MiB");
                co_await http::async_write(stream, response, no_throw);
                co_await linger(stream);
                break;
            }
            if (read_error == http::error::header_limit) {
                auto response =
                    handler.refuse(parser.get(), 400, "the request headers are larger than 16 KiB");
                co_await http::async_write(stream, response, no_throw);
                break;
            }
            if (read_error) {
                // end_of_stream, a timeout, a truncated or malformed request: close quietly;
                // ssl::error::stream_truncated is how many clients close, and is normal.
                const bool malformed = read_error.category() ==
                                           beast::error_code{http::error::bad_target}.category() &&
                                       read_error != http::error::end_of_stream &&
                                       read_error != http::error::partial_message;
                if (malformed) {
                    auto response = handler.refuse(parser.get(), 400, "the request is malformed");
                    co_await http::async_write(stream, response, no_throw);
                }
                break;
            }
            auto request = parser.release();
            beast::get_lowest_layer(stream).expires_never();
            // The handler blocks on the database: run it on the worker pool, then come back.
            co_await asio::post(workers.get_executor(), use_awaitable);
            http_response response;
            try {
                response = handler.handle(request, client);
            } catch (const std::exception& error) {
                // The router answers every failure itself; reaching here is a broken invariant.
                std::cerr << "homeward: request handler failed: " << error.what() << '\n';
                response = handler.refuse(request, 500, "an unexpected error occurred");
            }
            co_await asio::post(stream.get_executor(), use_awaitable);
            if (draining) {
                response.keep_alive(false);
            }
            beast::get_lowest_layer(stream).expires_after(options.read_timeout);
            auto [write_error, written] = co_await http::async_write(stream, response, no_throw);
            (void)written;
            if (write_error || !response.keep_alive()) {
                break;
            }
        }
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{2});
        co_await stream.async_shutdown(no_throw);
    }

    // After refusing a request whose body is still arriving, read and drop what the client is
    // sending (bounded in bytes and time) so that closing does not reset the connection before the
    // client has read the refusal.
    awaitable<void> linger(beast::ssl_stream<beast::tcp_stream>& stream) {
        std::array<char, 16 * 1024> sink{};
        std::size_t dropped = 0;
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{2});
        while (dropped < 16 * 1024 * 1024) {
            auto [error, bytes] = co_await stream.async_read_some(asio::buffer(sink), no_throw);
            if (error) {
                break;
            }
            dropped += bytes;
        }
    }

    awaitable<void> accept_loop() {
        while (acceptor.is_open()) {
            auto [error, socket] = co_await acceptor.async_accept(asio::make_strand(io), no_throw);
            if (error) {
                if (!acceptor.is_open()) {
                    break;
                }
                continue;
            }
            std::string client;
            beast::error_code ignored;
            // Responses go out as several TLS records: without this, Nagle's algorithm and the
            // client's delayed ACK hold each response back by ~40 ms.
            socket.set_option(tcp::no_delay(true), ignored);
            const auto remote = socket.remote_endpoint(ignored);
            client = ignored ? "unknown" : remote.address().to_string();
            auto executor = socket.get_executor();
            asio::co_spawn(
                executor,
                serve_connection(
                    beast::ssl_stream<beast::tcp_stream>{beast::tcp_stream{std::move(socket)}, tls},
                    std::move(client)),
                asio::detached);
        }
    }

    void begin_drain() {
        if (!draining.exchange(true)) {
            asio::co_spawn(accept_strand, drain(), asio::detached);
        }
    }

    // Stops accepting, waits for in-flight requests (bounded), then stops the I/O threads; idle
    // kept-alive connections are dropped with them.
    awaitable<void> drain() {
        beast::error_code ignored;
        acceptor.close(ignored);
        const auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
        asio::steady_timer timer{io};
        while (in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
            timer.expires_after(std::chrono::milliseconds{20});
            co_await timer.async_wait(no_throw);
        }
        io.stop();
    }
};

server::server(server_options options, router& handler)
    : impl_(std::make_unique<impl>(std::move(options), handler)) {}

server::~server() = default;

void server::on_ready(std::function<void()> callback) { impl_->ready = std::move(callback); }

std::uint16_t server::listen() {
    auto& acceptor = impl_->acceptor;
    const tcp::endpoint endpoint{asio::ip::make_address(impl_->options.host), impl_->options.port};
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    return acceptor.local_endpoint().port();
}

void server::run(bool handle_signals) {
    auto& io = impl_->io;
    asio::signal_set signals{io};
    if (handle_signals) {
        signals.add(SIGINT);
        signals.add(SIGTERM);
        signals.async_wait([this](beast::error_code error, int) {
            if (!error) {
                impl_->begin_drain();
            }
        });
    }
    asio::co_spawn(impl_->accept_strand, impl_->accept_loop(), asio::detached);
    if (impl_->ready) {
        asio::post(io, impl_->ready);
    }
    std::vector<std::thread> threads;
    for (int i = 1; i < impl_->options.io_threads; ++i) {
        threads.emplace_back([&io] { io.run(); });
    }
    io.run();
    for (auto& thread : threads) {
        thread.join();
    }
    impl_->workers.join();
}

void server::stop() { impl_->begin_drain(); }

} // namespace homeward::api
