#pragma once
// The HTTPS server: Boost.Beast over OpenSSL, one coroutine per connection on a few I/O threads;
// every request is handled on a separate worker pool (where the database calls block), never on
// an I/O thread. TLS 1.2 and 1.3 only with Mozilla's intermediate ciphers.

#include "homeward/api/router.hpp"

#include <chrono>
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
    std::uint64_t body_limit{1024 * 1024};  // 1 MiB of JSON
    int max_requests_per_connection{10000}; // then the connection is closed
    std::chrono::seconds drain_timeout{10}; // on SIGTERM/SIGINT, for in-flight requests
};

class server {
public:
    server(server_options options, router& handler);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Binds and starts listening; returns the port (useful with port 0).
    std::uint16_t listen();
    // Serves until stop() or SIGTERM/SIGINT (when handle_signals), then drains and returns.
    void run(bool handle_signals);
    // Stops accepting, lets in-flight requests finish (bounded by drain_timeout), then returns
    // from run(). Safe from any thread.
    void stop();
    // Called once the server accepts connections.
    void on_ready(std::function<void()> callback);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace homeward::api
