// What operations and every visitor reach without signing in: the home page, liveness,
// readiness, metrics and the OpenAPI document.

#include "../http.hpp"
#include "../metrics.hpp"
#include "../openapi_document.hpp"
#include "../web_assets.hpp"

#include "homeward/services/oversight.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;
using v = http::verb;

http_response text(const request_context& c, std::string_view type, std::string body) {
    http_response response{http::status::ok, c.request.version()};
    response.set(http::field::content_type, type);
    response.body() = std::move(body);
    return response;
}

// The web application's page (web_assets.cpp); its other pages and assets are answered when no
// API route matches (router.cpp).
http_response home(request_context& c) {
    auto page = web::answer(c.request, c.segments);
    if (!page) {
        throw refusal{404, "the web application is not built into this homeward"};
    }
    return std::move(page->response);
}

http_response healthz(request_context& c) {
    return json_response(c, 200, boost::json::object{{"status", "ok"}});
}

http_response readyz(request_context& c) {
    // The server's probe keeps the answer current, so that /readyz never waits for the database;
    // a router used without a server probes now.
    auto ready = c.counters.database_ready();
    if (!ready) {
        ready = services::database_ready(c.env);
        c.counters.set_database_ready(*ready);
    }
    if (!*ready) {
        return problem(c.request.version(), 503, "the database is unreachable");
    }
    return json_response(c, 200, boost::json::object{{"status", "ready"}});
}

http_response metrics_text(request_context& c) {
    return text(c, "text/plain; version=0.0.4",
                c.counters.render(services::database_metrics(c.env)));
}

http_response openapi(request_context& c) {
    return text(c, "application/json", std::string{openapi_document()});
}

} // namespace

std::vector<route> health_routes() {
    return {
        {v::get, {""}, "/", false, &home},
        {v::get, {"healthz"}, "/healthz", false, &healthz},
        {v::get, {"readyz"}, "/readyz", false, &readyz},
        {v::get, {"metrics"}, "/metrics", false, &metrics_text},
        {v::get, {"api", "v1", "openapi.json"}, "/api/v1/openapi.json", false, &openapi},
    };
}

} // namespace homeward::api
