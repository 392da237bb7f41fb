#pragma once
// Turns one HTTP request into one HTTP response: routing, authentication, role checks, JSON in
// and out, problem responses. A plain function of the request, independent of the connection.

#include "homeward/services/environment.hpp"
#include "homeward/services/sessions.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::api {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// A response whose body may be streamed: the head (status, headers and, unless streamed, the
// whole body) and, for a streamed body, the rest: called again and again on a worker thread (it
// may block on the database), each call giving the next chunk, nullopt at the end. It throws
// when the rest cannot be had; the client then sees a body cut short.
struct routed_response {
    http_response head;
    std::function<std::optional<std::string>()> rest{};
};

struct route_info {
    std::string method;
    std::string path; // OpenAPI template, e.g. /api/v1/episodes/{id}
};

class metrics;

class router {
public:
    // The environment must outlive the router.
    explicit router(const services::environment& env, services::session_rules rules = {});
    ~router();

    // The whole response, a streamed body gathered into it (tests, fuzzing).
    http_response handle(const http_request& request, const std::string& client_address);
    // The response with a streamed body left to stream (the server writes it in chunks).
    routed_response handle_streaming(const http_request& request,
                                     const std::string& client_address);

    // Every route served, for the OpenAPI document's test.
    static const std::vector<route_info>& routes();
    // For the server: a request was refused before it could be routed (413, 400, ...).
    http_response refuse(const http_request& request, unsigned status, const std::string& detail);
    metrics& counters();
    // For the server: what the handlers run with (their reads' audit entries are made durable
    // through it).
    const services::environment& environment() const { return env_; }
    // Pings the database and keeps the answer, which /readyz then gives without waiting for the
    // database. Blocks: the server calls it on a worker, periodically.
    void probe_readiness();

    // Tests only: called on the thread that handles a request, once its route is known (the
    // OpenAPI template, or "(unmatched)"), before anything else is done with it. Empty in
    // production. Set it while no request is in progress.
    std::function<void(std::string_view route)> on_route{};

private:
    const services::environment& env_;
    services::session_rules rules_;
    std::unique_ptr<metrics> metrics_;
};

} // namespace homeward::api
