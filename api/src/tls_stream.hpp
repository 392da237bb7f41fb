#pragma once
// The server's TLS connection: OpenSSL reads and writes the socket itself, and Asio only says when
// the socket is ready. Asio's ssl::stream instead passes every byte through a BIO pair and its own
// staging buffers, four buffers of 17 KiB held for as long as a connection lives, however idle:
// 70 of the 76 KiB a kept-alive connection cost. Here an idle connection holds its SSL object and
// nothing else (SSL_MODE_RELEASE_BUFFERS gives OpenSSL's record buffers back between records).
//
// A Beast AsyncStream (async_read_some, async_write_some) with the handshake, the shutdown and
// tcp_stream's deadline (expires_after: a pending operation ends with beast::error::timeout, and so
// does every one after it, the connection being then of no further use).
// One operation at a time in each direction, on the connection's strand, as Beast's HTTP
// operations use a stream. Results are delivered as Asio's ssl::stream delivers them:
// asio::error::eof when the peer closed with close_notify, ssl::error::stream_truncated when it
// closed without.

#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;

namespace homeward::api {

class tls_stream {
public:
    using executor_type = boost::asio::any_io_executor;
    using socket_type = boost::asio::ip::tcp::socket;

    // Takes the accepted socket; the handshake is async_handshake's. Throws when OpenSSL cannot
    // make the connection's SSL object (memory).
    tls_stream(socket_type socket, SSL_CTX* context);
    tls_stream(const tls_stream&) = delete;
    tls_stream& operator=(const tls_stream&) = delete;
    ~tls_stream();

    executor_type get_executor() noexcept;
    SSL* native_handle() noexcept;

    // The deadline of the operations from now on, as beast::tcp_stream's.
    void expires_after(std::chrono::steady_clock::duration after);
    void expires_never();

    // One OpenSSL call's outcome: finished (bytes or an error), or waiting for the socket.
    enum class operation { read, write, handshake, shutdown };
    enum class waits { nothing, readable, writable };
    struct attempt {
        waits next{waits::nothing};
        std::size_t bytes{0};
        boost::beast::error_code error;
    };

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        const auto buffer = first_buffer<boost::asio::mutable_buffer>(buffers);
        return start<true>(operation::read, buffer.data(), buffer.size(), nullptr,
                           std::forward<Token>(token));
    }

    // A sequence of small buffers (an HTTP head, a chunk's framing) is gathered into one record
    // rather than sent as a record each, as beast::flat_stream does for Asio's stream.
    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        const auto first = first_buffer<boost::asio::const_buffer>(buffers);
        if (first.size() >= gather_limit || first.size() == boost::asio::buffer_size(buffers)) {
            return start<true>(operation::write, const_cast<void*>(first.data()), first.size(),
                               nullptr, std::forward<Token>(token));
        }
        const auto size = std::min(boost::asio::buffer_size(buffers), gather_limit);
        auto gathered = std::make_unique_for_overwrite<char[]>(size);
        boost::asio::buffer_copy(boost::asio::buffer(gathered.get(), size), buffers);
        char* const data = gathered.get();
        return start<true>(operation::write, data, size, std::move(gathered),
                           std::forward<Token>(token));
    }

    template <class Token>
    auto async_handshake(Token&& token) {
        return start<false>(operation::handshake, nullptr, 0, nullptr, std::forward<Token>(token));
    }

    // Sends close_notify and waits for the peer's (bounded by the deadline), as Asio's does.
    template <class Token>
    auto async_shutdown(Token&& token) {
        return start<false>(operation::shutdown, nullptr, 0, nullptr, std::forward<Token>(token));
    }

private:
    static constexpr std::size_t gather_limit = 16 * 1024;
    struct state;

    template <class Buffer, class Buffers>
    static Buffer first_buffer(const Buffers& buffers) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it) {
            if (const Buffer buffer = *it; buffer.size() > 0) {
                return buffer;
            }
        }
        return Buffer{};
    }

    // One OpenSSL call, on the connection's strand.
    attempt perform(operation op, void* data, std::size_t size);
    bool timed_out() const noexcept;
    socket_type& socket() noexcept;

    // Tries the call; waits for the socket when OpenSSL asks and tries again. A result known at
    // once is posted, never delivered inside the initiating call (Beast's operations rely on it).
    template <bool WithBytes>
    struct op {
        tls_stream& stream;
        operation what;
        void* data;
        std::size_t size;
        std::unique_ptr<char[]> gathered;
        std::optional<attempt> ready{};
        bool started{false};

        template <class Self>
        void operator()(Self& self, boost::beast::error_code waited = {}) {
            if (ready) {
                return finish(self, *ready);
            }
            const bool first = !started;
            started = true;
            attempt result;
            if (waited || stream.timed_out()) {
                result.error = stream.timed_out() ? boost::beast::error::timeout : waited;
            } else {
                result = stream.perform(what, data, size);
            }
            if (result.next != waits::nothing) {
                stream.socket().async_wait(result.next == waits::readable ? socket_type::wait_read
                                                                          : socket_type::wait_write,
                                           std::move(self));
                return;
            }
            if (first) {
                ready = result;
                boost::asio::post(stream.get_executor(), std::move(self));
                return;
            }
            finish(self, result);
        }

        template <class Self>
        static void finish(Self& self, const attempt& result) {
            if constexpr (WithBytes) {
                self.complete(result.error, result.bytes);
            } else {
                self.complete(result.error);
            }
        }
    };

    template <bool WithBytes, class Token>
    auto start(operation what, void* data, std::size_t size, std::unique_ptr<char[]> gathered,
               Token&& token) {
        using signature = std::conditional_t<WithBytes, void(boost::beast::error_code, std::size_t),
                                             void(boost::beast::error_code)>;
        return boost::asio::async_compose<Token, signature>(
            op<WithBytes>{*this, what, data, size, std::move(gathered)}, token, socket());
    }

    std::shared_ptr<state> state_;
};

} // namespace homeward::api
