#include "homeward/api/server.hpp"

#include "homeward/api/log.hpp"
#include "homeward/services/read_audit.hpp"
#include "metrics.hpp"
#include "request_rules.hpp"
#include "tls_context.hpp"
#include "tls_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
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

} // namespace

struct server::impl {
    // Declared so that the I/O context (whose destructor destroys abandoned connection
    // coroutines) goes after the acceptor and workers but before what those coroutines touch.
    server_options options;
    router& handler;
    std::atomic<int> in_flight{0};
    std::atomic<bool> draining{false};
    std::function<void()> ready;

    // The context new handshakes use; replaced whole by a reload. Each connection keeps a share
    // of the one it started with, so a reload never touches an open connection.
    std::mutex tls_mutex;
    std::shared_ptr<ssl::context> tls;

    // Open connections, in all and by address key, for the caps.
    std::mutex connections_mutex;
    std::size_t open_connections{0};
    std::unordered_map<std::string, std::size_t> connections_by_address;

    asio::io_context io{options.io_threads};
    asio::thread_pool workers{static_cast<std::size_t>(options.worker_threads)};
    tcp::acceptor acceptor{io};
    // The accept loop and the drain both touch the acceptor; with several I/O threads they would
    // otherwise run at once (close() racing a new async_accept). They share this strand.
    asio::strand<asio::io_context::executor_type> accept_strand{asio::make_strand(io)};

    impl(server_options opts, router& r)
        : options(std::move(opts)), handler(r), tls(make_tls_context(options)) {}

    std::shared_ptr<ssl::context> current_tls() {
        const std::lock_guard lock{tls_mutex};
        return tls;
    }

    // One admitted connection's place under the caps, given back when the connection ends.
    class connection_slot {
    public:
        connection_slot(impl& server, std::string key) : server_(&server), key_(std::move(key)) {}
        connection_slot(connection_slot&& other) noexcept
            : server_(std::exchange(other.server_, nullptr)), key_(std::move(other.key_)) {}
        connection_slot& operator=(connection_slot&&) = delete;
        connection_slot(const connection_slot&) = delete;
        connection_slot& operator=(const connection_slot&) = delete;
        ~connection_slot() {
            if (server_ != nullptr) {
                server_->release(key_);
            }
        }

    private:
        impl* server_;
        std::string key_;
    };

    // A slot for a new connection from `key`, or why there is none ("global_cap", "address_cap").
    std::variant<connection_slot, std::string_view> admit(const std::string& key) {
        const std::lock_guard lock{connections_mutex};
        if (open_connections >= options.max_connections) {
            return std::string_view{"global_cap"};
        }
        auto& from_address = connections_by_address[key];
        if (from_address >= options.max_connections_per_address) {
            return std::string_view{"address_cap"};
        }
        ++from_address;
        ++open_connections;
        return connection_slot{*this, key};
    }

    void release(const std::string& key) {
        const std::lock_guard lock{connections_mutex};
        --open_connections;
        if (const auto it = connections_by_address.find(key);
            it != connections_by_address.end() && --it->second == 0) {
            connections_by_address.erase(it);
        }
    }

    // A request refused by the server itself (framing, size, method, /metrics): answered by the
    // router's refusal and logged like any request, so that the log misses none.
    http_response refuse(const http_request& request, const std::string& client, unsigned status,
                         const std::string& detail) {
        auto response = handler.refuse(request, status, detail);
        process_log().info("request_refused",
                           {{"request_id", std::string_view{response["X-Request-Id"]}},
                            {"method", method_label(request.method_string())},
                            {"status", status},
                            {"reason", detail},
                            {"client", client}});
        return response;
    }

    // The handler, with the one failure the router does not answer itself turned into a 500.
    routed_response handle(const http_request& request, const std::string& client) {
        try {
            return handler.handle_streaming(request, client);
        } catch (const std::exception& error) {
            // The router answers every failure itself; reaching here is a broken invariant.
            process_log().error("handler_failed", {{"error", error.what()}});
            return {refuse(request, client, 500, "an unexpected error occurred")};
        } catch (...) {
            process_log().error("handler_failed", {{"error", "not a std::exception"}});
            return {refuse(request, client, 500, "an unexpected error occurred")};
        }
    }

    // /healthz and /readyz are answered on the I/O thread: they read only memory (readiness is the
    // probe's last answer), so they never wait for a worker, however busy the workers are.
    static bool answered_on_io_thread(const http_request& request) {
        if (request.method() != http::verb::get) {
            return false;
        }
        const auto path = single_segment(request.target());
        return path && (*path == "healthz" || *path == "readyz");
    }

    // /metrics only for the scraper holding the configured token; without one it does not exist.
    std::optional<http_response> guard_metrics(const http_request& request,
                                               const std::string& client) {
        const auto path = single_segment(request.target());
        if (!path || *path != "metrics") {
            return std::nullopt;
        }
        std::optional<http_response> refused;
        if (options.metrics_token.empty()) {
            refused = refuse(request, client, 404, "no such resource");
        } else if (const auto token = bearer_token(request);
                   !token || !same_secret(*token, options.metrics_token)) {
            refused = refuse(request, client, 401, "/metrics needs the scraper's bearer token");
        }
        if (refused) {
            // A refusal, not a broken request: the connection may carry on.
            refused->keep_alive(request.keep_alive());
        }
        return refused;
    }

    // Runs the handler on a worker and, when its reads left audit entries, hands them to the
    // read batcher from that worker, which is then free for the next request while their commit
    // is flushed. Completes on the awaiting coroutine's executor, once, when the answer may leave:
    // with the response, and with what failed if the entries could not be made durable (null
    // when they are durable or there were none). The worker is never the one to write the
    // answer, and the connection's strand is woken once rather than twice.
    template <typename Token>
    auto async_handle(const http_request& request, const std::string& client, Token&& token) {
        return asio::async_initiate<Token, void(std::exception_ptr, routed_response)>(
            [this, &request, &client](auto completion) {
                using completion_type = decltype(completion);
                auto executor = asio::get_associated_executor(completion);
                // The completion is move-only and the batcher's callback a std::function: both
                // are shared. The work guard keeps the I/O context running until it has run.
                auto held = std::make_shared<completion_type>(std::move(completion));
                auto work = std::make_shared<asio::executor_work_guard<decltype(executor)>>(
                    asio::make_work_guard(executor));
                asio::post(workers, [this, &request, &client, held, work] {
                    services::deferred_read_audit audit{handler.environment()};
                    auto routed = std::make_shared<routed_response>(handle(request, client));
                    audit.make_durable([held, work, routed](std::exception_ptr failed) {
                        asio::post(work->get_executor(), [held, work, routed, failed] {
                            (*held)(failed, std::move(*routed));
                            work->reset();
                        });
                    });
                });
            },
            token);
    }

    awaitable<routed_response> respond(const http_request& request, const std::string& client) {
        if (auto refused = guard_metrics(request, client)) {
            co_return routed_response{std::move(*refused)};
        }
        if (answered_on_io_thread(request)) {
            co_return handle(request, client);
        }
        // The handler blocks on the database, so it runs on the worker pool; the connection
        // resumes on its own strand, on an I/O thread, to write the response. The answer shows
        // what was read: it leaves only once the reads' entries are durable.
        auto [failed, routed] =
            co_await async_handle(request, client, asio::as_tuple(use_awaitable));
        if (failed) {
            co_return routed_response{unrecorded(request, client, routed, failed)};
        }
        co_return std::move(routed);
    }

    // A read whose audit entry could not be made durable: its answer must not leave, so the
    // client gets 503 (under the request's own id) and the log says why.
    http_response unrecorded(const http_request& request, const std::string& client,
                             const routed_response& withheld, const std::exception_ptr& failed) {
        std::string cause = "unknown";
        try {
            std::rethrow_exception(failed);
        } catch (const std::exception& error) {
            cause = error.what();
        } catch (...) {
        }
        const std::string request_id{withheld.head["X-Request-Id"]};
        process_log().error("read_audit_failed", {{"request_id", request_id},
                                                  {"status_withheld", withheld.head.result_int()},
                                                  {"cause", cause}});
        auto response = refuse(request, client, 503, "the database is unavailable");
        response.set("X-Request-Id", request_id);
        return response;
    }

    // A streamed body (an export): the head, then each chunk as a worker fetches it (the
    // database is never read on an I/O thread), then the last chunk. Only one chunk is held at a
    // time, so a large export costs the memory of one page, not of the whole. A failure after the
    // head has gone cannot change the status: it is logged and the connection closed without the
    // last chunk, which the client sees as a body cut short. Returns whether the connection may
    // carry on.
    awaitable<bool> write_streamed(tls_stream& stream, http_response& response,
                                   std::function<std::optional<std::string>()>& rest) {
        http::response<http::empty_body> head{std::move(response.base())};
        head.chunked(true);
        http::response_serializer<http::empty_body> serializer{head};
        stream.expires_after(options.read_timeout);
        auto [head_error, head_bytes] =
            co_await http::async_write_header(stream, serializer, no_throw);
        (void)head_bytes;
        if (head_error) {
            co_return false;
        }
        for (;;) {
            std::optional<std::string> chunk;
            try {
                chunk = co_await asio::co_spawn(
                    workers,
                    [&rest]() -> awaitable<std::optional<std::string>> { co_return rest(); },
                    use_awaitable);
            } catch (const std::exception& error) {
                process_log().error("stream_failed", {{"error", error.what()}});
                co_return false;
            }
            if (!chunk) {
                break;
            }
            if (chunk->empty()) {
                continue;
            }
            stream.expires_after(options.read_timeout);
            auto [error, bytes] = co_await asio::async_write(
                stream, http::make_chunk(asio::buffer(*chunk)), no_throw);
            (void)bytes;
            if (error) {
                co_return false;
            }
        }
        stream.expires_after(options.read_timeout);
        auto [last_error, last_bytes] =
            co_await asio::async_write(stream, http::make_chunk_last(), no_throw);
        (void)last_bytes;
        co_return !last_error && head.keep_alive();
    }

    awaitable<void> serve_connection(tcp::socket socket, std::shared_ptr<ssl::context> context,
                                     std::string client, connection_slot slot) {
        (void)slot; // held until the connection ends
        // The context is held so that it outlives the connection, even after a reload.
        tls_stream stream{std::move(socket), context->native_handle()};
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

        stream.expires_after(options.read_timeout);
        auto [handshake_error] = co_await stream.async_handshake(no_throw);
        if (handshake_error) {
            co_return;
        }
        beast::flat_buffer buffer;
        for (int served = 0;
             served < options.max_requests_per_connection && (served == 0 || !draining); ++served) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(options.header_limit);
            // The largest limit until the header says which applies (Beast checks a
            // Content-Length against the limit as the header ends).
            parser.body_limit(std::max(options.body_limit, options.photo_body_limit));
            // A kept-alive connection may idle; once a request starts it must arrive in time.
            stream.expires_after(served == 0 ? options.read_timeout : options.idle_timeout);
            state.set(served == 0 || buffer.size() > 0);
            // The header first: how the body is framed is checked before any of it is read.
            auto [read_error, bytes] =
                co_await http::async_read_header(stream, buffer, parser, no_throw);
            (void)bytes;
            state.set(true);
            if (!read_error) {
                if (auto refused = framing_problem(parser.get())) {
                    auto response = refuse(parser.get(), client, refused->status, refused->detail);
                    co_await http::async_write(stream, response, no_throw);
                    break;
                }
                const auto limit =
                    is_photo_upload(parser.get()) ? options.photo_body_limit : options.body_limit;
                if (parser.content_length() && *parser.content_length() > limit) {
                    read_error = http::error::body_limit;
                } else if (!parser.is_done()) {
                    parser.body_limit(limit);
                    stream.expires_after(options.read_timeout);
                    std::tie(read_error, bytes) =
                        co_await http::async_read(stream, buffer, parser, no_throw);
                }
            }
            if (read_error == http::error::body_limit) {
                const auto limit =
                    is_photo_upload(parser.get()) ? options.photo_body_limit : options.body_limit;
                auto response = refuse(parser.get(), client, 413,
                                       "the body is larger than " + mebibytes(limit));
                co_await http::async_write(stream, response, no_throw);
                co_await linger(stream);
                break;
            }
            if (read_error == http::error::header_limit) {
                auto response =
                    refuse(parser.get(), client, 400, "the request headers are larger than 16 KiB");
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
                    auto response = refuse(parser.get(), client, 400, "the request is malformed");
                    co_await http::async_write(stream, response, no_throw);
                }
                break;
            }
            auto request = parser.release();
            stream.expires_never();
            auto routed = co_await respond(request, client);
            auto& response = routed.head;
            // The last response a connection may carry says so, instead of the client finding
            // the connection closed under its next request.
            if (draining || served + 1 >= options.max_requests_per_connection) {
                response.keep_alive(false);
            }
            if (routed.rest) {
                if (!co_await write_streamed(stream, response, routed.rest)) {
                    break;
                }
                continue;
            }
            stream.expires_after(options.read_timeout);
            auto [write_error, written] = co_await http::async_write(stream, response, no_throw);
            (void)written;
            if (write_error || !response.keep_alive()) {
                break;
            }
        }
        stream.expires_after(std::chrono::seconds{2});
        co_await stream.async_shutdown(no_throw);
    }

    // After refusing a request whose body is still arriving, read and drop what the client is
    // sending (bounded in bytes and time) so that closing does not reset the connection before the
    // client has read the refusal.
    awaitable<void> linger(tls_stream& stream) {
        std::array<char, 16 * 1024> sink{};
        std::size_t dropped = 0;
        stream.expires_after(std::chrono::seconds{2});
        while (dropped < 16 * 1024 * 1024) {
            auto [error, bytes] = co_await stream.async_read_some(asio::buffer(sink), no_throw);
            if (error) {
                break;
            }
            dropped += bytes;
        }
    }

    // Runs on accept_strand only, so its bookkeeping needs no lock.
    awaitable<void> accept_loop() {
        asio::steady_timer backoff{accept_strand};
        // A failing streak is logged when it starts and when it ends, at most once a minute (a
        // client holding the server at its descriptor limit must not flood the log either).
        bool failing = false;
        bool failure_logged = false;
        std::uint64_t failures = 0;
        std::optional<std::chrono::steady_clock::time_point> last_failure_logged;
        std::uint64_t refused_unlogged = 0;
        std::optional<std::chrono::steady_clock::time_point> last_refusal_logged;
        while (acceptor.is_open()) {
            auto [error, socket] = co_await acceptor.async_accept(asio::make_strand(io), no_throw);
            if (error) {
                if (!acceptor.is_open()) {
                    break;
                }
                handler.counters().accept_failed();
                ++failures;
                const auto now = std::chrono::steady_clock::now();
                if (!failing && (!last_failure_logged ||
                                 now - *last_failure_logged >= std::chrono::minutes{1})) {
                    process_log().error(
                        "accept_failed",
                        {{"error", error.message()}, {"retry_ms", options.accept_backoff.count()}});
                    last_failure_logged = now;
                    failure_logged = true;
                }
                failing = true;
                // Out of file descriptors (EMFILE, ENFILE) or buffers, accept fails again at once
                // until connections close: retrying without a pause would spin this I/O thread.
                backoff.expires_after(options.accept_backoff);
                co_await backoff.async_wait(no_throw);
                continue;
            }
            if (failing && failure_logged) {
                process_log().info("accept_recovered", {{"failed_accepts", failures}});
                failure_logged = false;
                failures = 0;
            }
            failing = false;
            beast::error_code ignored;
            const auto remote = socket.remote_endpoint(ignored);
            const std::string client = ignored ? "unknown" : remote.address().to_string();
            auto admitted = admit(ignored ? client : address_key(remote.address()));
            if (const auto* reason = std::get_if<std::string_view>(&admitted)) {
                // Over a cap: closed at once with a TCP reset (SO_LINGER 0), before any TLS, so a
                // flood costs no handshakes and leaves no sockets in TIME_WAIT; the client sees
                // the connection reset straight away.
                socket.set_option(asio::socket_base::linger(true, 0), ignored);
                socket.close(ignored);
                handler.counters().connection_refused(*reason);
                ++refused_unlogged;
                const auto now = std::chrono::steady_clock::now();
                // Logged on the first refusal and then at most once a minute, with a count: a
                // flood must not become a flood of log lines.
                if (!last_refusal_logged || now - *last_refusal_logged >= std::chrono::minutes{1}) {
                    process_log().warn(
                        "connections_refused",
                        {{"reason", *reason},
                         {"client", client},
                         {"refused", refused_unlogged},
                         {"max_connections", options.max_connections},
                         {"max_connections_per_address", options.max_connections_per_address}});
                    last_refusal_logged = now;
                    refused_unlogged = 0;
                }
                continue;
            }
            // Responses go out as several TLS records: without this, Nagle's algorithm and the
            // client's delayed ACK hold each response back by ~40 ms.
            socket.set_option(tcp::no_delay(true), ignored);
            auto executor = socket.get_executor();
            auto context = current_tls();
            asio::co_spawn(executor,
                           serve_connection(std::move(socket), std::move(context), client,
                                            std::move(std::get<connection_slot>(admitted))),
                           asio::detached);
        }
    }

    // Pings the database every readiness_interval on a worker, so that /readyz can answer from
    // memory on the I/O thread. A change is logged once, not at every ping.
    awaitable<void> readiness_loop() {
        asio::steady_timer timer{io};
        while (!draining) {
            timer.expires_after(options.readiness_interval);
            auto [error] = co_await timer.async_wait(no_throw);
            if (error || draining) {
                co_return;
            }
            co_await asio::co_spawn(
                workers,
                [this]() -> awaitable<void> {
                    probe_readiness();
                    co_return;
                },
                use_awaitable);
        }
    }

    void probe_readiness() {
        const auto before = handler.counters().database_ready();
        handler.probe_readiness();
        const auto after = handler.counters().database_ready();
        if (after && before != after) {
            if (*after) {
                process_log().info("database_reachable");
            } else {
                process_log().error("database_unreachable");
            }
        }
    }

    awaitable<void> watch_signals(asio::signal_set& signals) {
        for (;;) {
            auto [error, number] = co_await signals.async_wait(no_throw);
            if (error) {
                co_return;
            }
            if (number == SIGHUP) {
                // Reading files is blocking work: it goes to a worker.
                asio::post(workers, [this] { reload_certificate(); });
            } else {
                begin_drain();
            }
        }
    }

    bool reload_certificate() {
        try {
            auto fresh = make_tls_context(options);
            const auto [subject, not_after] = describe_certificate(*fresh);
            {
                const std::lock_guard lock{tls_mutex};
                tls = std::move(fresh);
            }
            process_log().info("certificate_reloaded", {{"certificate", options.tls_cert},
                                                        {"subject", subject},
                                                        {"not_after", not_after}});
            return true;
        } catch (const std::exception& bad) {
            process_log().error("certificate_reload_failed", {{"certificate", options.tls_cert},
                                                              {"key", options.tls_key},
                                                              {"error", bad.what()},
                                                              {"kept", "the certificate in use"}});
            return false;
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
    // OpenSSL writes a connection's socket with write(2): a client gone mid-response must be an
    // EPIPE for that connection, not a signal that ends the process.
    std::signal(SIGPIPE, SIG_IGN);
    auto& io = impl_->io;
    asio::signal_set signals{io};
    if (handle_signals) {
        signals.add(SIGINT);
        signals.add(SIGTERM);
        signals.add(SIGHUP);
        asio::co_spawn(io, impl_->watch_signals(signals), asio::detached);
    }
    // Readiness is known before the first connection is accepted, so /readyz never has to ask the
    // database itself.
    impl_->probe_readiness();
    asio::co_spawn(io, impl_->readiness_loop(), asio::detached);
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

bool server::reload_certificate() { return impl_->reload_certificate(); }

bool server::running_on_io_thread() const {
    return impl_->io.get_executor().running_in_this_thread();
}

} // namespace homeward::api
