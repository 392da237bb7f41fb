#pragma once
// The HTTPS server: Boost.Beast over OpenSSL, one coroutine per connection on a few I/O threads;
// every request is handled on a separate worker pool (where the database calls block), never on
// an I/O thread, except /healthz and /readyz, which are answered from memory on the I/O thread so
// that they never wait for a worker. TLS 1.2 and 1.3 only with Mozilla's intermediate ciphers; the
// certificate can be replaced while serving (reload_certificate, SIGHUP).

#include "homeward/api/router.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace homeward::api {

struct server_options {
    std::string host{"127.0.0.1"};
    std::uint16_t port{8443}; // 0: any free port (tests)
    std::string tls_cert;
    std::string tls_key;
    int io_threads{2};
    int worker_threads{8};
    std::chrono::seconds read_timeout{30}; // for a whole request, and the TLS handshake
    std::chrono::seconds idle_timeout{60}; // between requests on a kept-alive connection
    std::uint32_t header_limit{16 * 1024};
    std::uint64_t body_limit{1024 * 1024};           // 1 MiB of JSON
    std::uint64_t photo_body_limit{5 * 1024 * 1024}; // 5 MiB for PUT /api/v1/children/{id}/photo
    int max_requests_per_connection{10000}; // the last one is answered with Connection: close
    std::chrono::seconds drain_timeout{10}; // on SIGTERM/SIGINT, for in-flight requests
    // Open connections in all and from one address (an IPv6 /64 counts as one address); one more
    // is closed at once, before TLS.
    std::size_t max_connections{10000};
    std::size_t max_connections_per_address{2000};
    // The bearer token /metrics requires; empty: /metrics answers 404.
    std::string metrics_token;
    // How often the database is pinged for /readyz.
    std::chrono::milliseconds readiness_interval{1000};
    // How long the accept loop waits after a failed accept (e.g. out of file descriptors).
    std::chrono::milliseconds accept_backoff{100};
};

class server {
public:
    // Reads the certificate and key; throws when they cannot be used.
    server(server_options options, router& handler);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Binds and starts listening; returns the port (useful with port 0).
    std::uint16_t listen();
    // Serves until stop() or SIGTERM/SIGINT (when handle_signals; SIGHUP then reloads the
    // certificate), then drains and returns.
    void run(bool handle_signals);
    // Stops accepting, lets in-flight requests finish (bounded by drain_timeout), then returns
    // from run(). Safe from any thread.
    void stop();
    // Called once the server accepts connections.
    void on_ready(std::function<void()> callback);
    // Reads the certificate and key files again and uses them for new connections; connections
    // already open keep theirs. A certificate or key that cannot be used is logged and the one in
    // use is kept (returns false). Safe from any thread.
    bool reload_certificate();
    // True on one of this server's I/O threads (so tests can prove handlers never run there).
    bool running_on_io_thread() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace homeward::api
