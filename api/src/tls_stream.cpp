#include "tls_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <stdexcept>

namespace homeward::api {

namespace asio = boost::asio;

struct tls_stream::state {
    socket_type socket;
    asio::steady_timer deadline;
    SSL* ssl;
    bool timed_out{false};
    // After SSL_ERROR_SYSCALL or SSL_ERROR_SSL OpenSSL must not be asked to shut down (it would
    // write close_notify to a socket already failed); the shutdown then ends at once.
    std::optional<boost::system::error_code> failed;

    state(socket_type s, SSL* native)
        : socket(std::move(s)), deadline(socket.get_executor()), ssl(native) {}
    state(const state&) = delete;
    state& operator=(const state&) = delete;
    ~state() { SSL_free(ssl); } // the socket closes after: SSL_set_fd's BIO does not own it
};

tls_stream::tls_stream(socket_type socket, SSL_CTX* context) {
    SSL* ssl = SSL_new(context);
    if (ssl == nullptr) {
        throw std::runtime_error("OpenSSL could not make a connection's SSL object");
    }
    boost::system::error_code error;
    socket.non_blocking(true, error);
    if (error || SSL_set_fd(ssl, static_cast<int>(socket.native_handle())) != 1) {
        SSL_free(ssl);
        throw std::runtime_error("the TLS connection could not be set up on its socket");
    }
    SSL_set_accept_state(ssl);
    // A write may return having sent part (Beast writes the rest), and be retried from a buffer
    // that has moved (a gathered copy); reading ahead takes what the socket holds in one call.
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                          SSL_MODE_RELEASE_BUFFERS);
    SSL_set_read_ahead(ssl, 1);
    state_ = std::make_shared<state>(std::move(socket), ssl);
}

tls_stream::~tls_stream() = default;

tls_stream::executor_type tls_stream::get_executor() noexcept {
    return state_->socket.get_executor();
}

SSL* tls_stream::native_handle() noexcept { return state_->ssl; }

tls_stream::socket_type& tls_stream::socket() noexcept { return state_->socket; }

bool tls_stream::timed_out() const noexcept { return state_->timed_out; }

void tls_stream::expires_after(std::chrono::steady_clock::duration after) {
    state_->deadline.expires_after(after); // cancels the wait of the deadline before
    // The handler may run after the connection has gone (a deadline reached as it closed).
    state_->deadline.async_wait(
        [weak = std::weak_ptr<state>{state_}](const boost::system::error_code& error) {
            if (error) {
                return;
            }
            if (auto alive = weak.lock()) {
                alive->timed_out = true;
                boost::system::error_code ignored;
                alive->socket.cancel(ignored);
            }
        });
}

void tls_stream::expires_never() { state_->deadline.cancel(); }

tls_stream::attempt tls_stream::perform(operation what, void* data, std::size_t size) {
    SSL* ssl = state_->ssl;
    attempt result;
    if ((what == operation::read || what == operation::write) && size == 0) {
        return result;
    }
    if (what == operation::shutdown && state_->failed) {
        result.error = *state_->failed;
        return result;
    }
    ERR_clear_error();
    errno = 0;
    int outcome = 0;
    switch (what) {
    case operation::read:
        outcome = SSL_read_ex(ssl, data, size, &result.bytes);
        break;
    case operation::write:
        outcome = SSL_write_ex(ssl, data, size, &result.bytes);
        break;
    case operation::handshake:
        outcome = SSL_do_handshake(ssl);
        break;
    case operation::shutdown:
        outcome = SSL_shutdown(ssl);
        if (outcome == 0) { // close_notify sent; now the peer's
            outcome = SSL_shutdown(ssl);
        }
        break;
    }
    if (outcome == 1) {
        return result;
    }
    const int saved_errno = errno;
    result.bytes = 0;
    switch (SSL_get_error(ssl, outcome)) {
    case SSL_ERROR_WANT_READ:
        result.next = waits::readable;
        break;
    case SSL_ERROR_WANT_WRITE:
        result.next = waits::writable;
        break;
    case SSL_ERROR_ZERO_RETURN:
        result.error = asio::error::eof;
        break;
    case SSL_ERROR_SYSCALL:
        result.error =
            saved_errno != 0
                ? boost::system::error_code{saved_errno, asio::error::get_system_category()}
                : boost::system::error_code{asio::ssl::error::stream_truncated};
        break;
    default: {
        const unsigned long reason = ERR_get_error();
        result.error = ERR_GET_REASON(reason) == SSL_R_UNEXPECTED_EOF_WHILE_READING
                           ? boost::system::error_code{asio::ssl::error::stream_truncated}
                           : boost::system::error_code{static_cast<int>(reason),
                                                       asio::error::get_ssl_category()};
        if (!result.error) {
            result.error = asio::ssl::error::stream_truncated;
        }
        break;
    }
    }
    if (result.error && result.error != asio::error::eof) {
        state_->failed = result.error;
    }
    ERR_clear_error();
    return result;
}

} // namespace homeward::api
