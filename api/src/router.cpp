// Routing: finds the route of a request among the resources' handler files, checks what every
// request must be (a known path, text that is valid UTF-8 without NUL in its path and query, a
// session where the route needs one), runs the handler, and turns every failure into a problem
// response. Handlers are plain functions of the request context (handlers/*.cpp).

#include "homeward/api/router.hpp"

#include "homeward/api/log.hpp"
#include "http.hpp"
#include "metrics.hpp"
#include "request_target.hpp"
#include "web_assets.hpp"
#include "web_session.hpp"

#include "homeward/services/errors.hpp"
#include "homeward/services/oversight.hpp"
#include "homeward/services/sessions.hpp"
#include "homeward/workflow/input.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using services::failure;
using services::failure_kind;

std::string new_request_id() {
    std::array<unsigned char, 12> bytes{};
    RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string id;
    for (const auto byte : bytes) {
        std::array<char, 3> hex{};
        std::snprintf(hex.data(), hex.size(), "%02x", byte);
        id += hex.data();
    }
    return id;
}

unsigned status_of(failure_kind kind) {
    switch (kind) {
    case failure_kind::invalid_query:
        return 400;
    case failure_kind::invalid_input:
    case failure_kind::idempotency_conflict:
        return 422;
    case failure_kind::unauthenticated:
        return 401;
    case failure_kind::forbidden:
        return 403;
    case failure_kind::not_found:
        return 404;
    case failure_kind::state_conflict:
        return 409;
    case failure_kind::stale_version:
        return 412;
    case failure_kind::unsupported_media:
        return 415;
    case failure_kind::too_many_requests:
        return 429;
    case failure_kind::unavailable:
        return 503;
    }
    return 500;
}

const std::vector<route>& route_table() {
    static const std::vector<route> table = [] {
        std::vector<route> all;
        for (auto* routes_of :
             {&health_routes, &session_routes, &account_routes, &administration_routes,
              &child_routes, &profile_routes, &entity_routes, &episode_routes, &oversight_routes,
              &privacy_routes, &retention_routes, &stats_routes, &webhook_routes}) {
            for (auto& r : routes_of()) {
                all.push_back(std::move(r));
            }
        }
        return all;
    }();
    return table;
}

// Thrown for a session that must change its password before anything else.
struct password_change_required {};
// Thrown for a session that must enrol in two-step sign-in before anything else.
struct enrolment_required {};

bool is_placeholder(std::string_view part) { return part.starts_with("{"); }

bool matches(const route& r, const std::vector<std::string>& segments) {
    if (r.pattern.size() != segments.size()) {
        return false;
    }
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (is_placeholder(r.pattern[i]) ? segments[i].empty() : r.pattern[i] != segments[i]) {
            return false;
        }
    }
    return true;
}

// Path parameters and query values reach SQL as text: each must be valid UTF-8 without NUL.
void check_text(const route& r, const request_context& c) {
    std::vector<services::field_error> errors;
    for (std::size_t i = 0; i < r.pattern.size(); ++i) {
        if (is_placeholder(r.pattern[i]) && !workflow::is_clean_text(c.segments[i])) {
            const auto name = r.pattern[i].substr(1, r.pattern[i].size() - 2);
            errors.push_back({std::string{name}, "must be text (UTF-8, without NUL)"});
        }
    }
    for (const auto& [name, value] : c.query) {
        if (!workflow::is_clean_text(value)) {
            errors.push_back({workflow::is_clean_text(name) ? name : "(a parameter)",
                              "must be text (UTF-8, without NUL)"});
        }
    }
    if (!errors.empty()) {
        throw refusal{
            400, "invalid request: " + errors.front().field + " " + errors.front().message, errors};
    }
}

// What a session whose password an admin reset may do until the user changes it: see who they
// are, change the password, sign out.
bool allowed_before_password_change(const route& r) {
    const auto path = r.openapi_path;
    return path == "/api/v1/me" || (path == "/api/v1/session" && r.method != http::verb::post);
}

// What a session that must enrol in two-step sign-in (HOMEWARD_TWO_FACTOR=required) may do until
// the user has: enrol and confirm, see who they are, sign out.
bool allowed_before_enrolment(const route& r) {
    const auto path = r.openapi_path;
    return (path == "/api/v1/me" && r.method == http::verb::get) ||
           path == "/api/v1/session/totp" ||
           (path == "/api/v1/session" && r.method != http::verb::post);
}

} // namespace

std::optional<request_target> parse_request_target(std::string_view text) {
    const auto parsed = boost::urls::parse_origin_form(text);
    if (!parsed) {
        return std::nullopt;
    }
    request_target target;
    for (const auto segment : parsed->segments()) {
        target.segments.push_back(segment);
    }
    if (target.segments.empty()) {
        target.segments.emplace_back("");
    }
    for (const auto param : parsed->params()) {
        target.query[param.key] = param.value;
    }
    return target;
}

router::router(const services::environment& env, services::session_rules rules)
    : env_(env), rules_(rules), metrics_(std::make_unique<metrics>()) {}

router::~router() = default;

metrics& router::counters() { return *metrics_; }

void router::probe_readiness() { metrics_->set_database_ready(services::database_ready(env_)); }

const std::vector<route_info>& router::routes() {
    static const std::vector<route_info> infos = [] {
        std::vector<route_info> list;
        for (const auto& r : route_table()) {
            list.push_back({std::string{http::to_string(r.method)}, std::string{r.openapi_path}});
        }
        return list;
    }();
    return infos;
}

http_response router::refuse(const http_request& request, unsigned status,
                             const std::string& detail) {
    auto response = problem(request.version(), status, detail);
    response.set(http::field::strict_transport_security, "max-age=63072000; includeSubDomains");
    response.set("X-Request-Id", new_request_id());
    response.keep_alive(false);
    response.prepare_payload();
    metrics_->record_request(request.method_string(), "(refused)", status, 0);
    return response;
}

http_response router::handle(const http_request& request, const std::string& client_address) {
    auto routed = handle_streaming(request, client_address);
    if (routed.rest) {
        routed.head.chunked(false);
        std::string body;
        while (auto chunk = routed.rest()) {
            body += *chunk;
        }
        routed.head.body() = std::move(body);
        routed.head.prepare_payload();
    }
    return std::move(routed.head);
}

routed_response router::handle_streaming(const http_request& request,
                                         const std::string& client_address) {
    const auto started = std::chrono::steady_clock::now();
    request_context c{request,       client_address, new_request_id(), {},       {}, std::nullopt,
                      "(unmatched)", env_,           rules_,           *metrics_};
    http_response response;
    std::string allowed; // the methods of the path, for a 405's Allow (RFC 9110 15.5.6)
    try {
        auto target = parse_request_target(request.target());
        if (!target) {
            throw refusal{400, "the request target is malformed"};
        }
        c.segments = std::move(target->segments);
        c.query = std::move(target->query);
        const route* found = nullptr;
        bool path_known = false;
        for (const auto& r : route_table()) {
            if (matches(r, c.segments)) {
                path_known = true;
                if (r.method == request.method()) {
                    found = &r;
                    break;
                }
                const std::string method{http::to_string(r.method)};
                if (allowed.find(method) == std::string::npos) {
                    allowed += (allowed.empty() ? "" : ", ") + method;
                }
            }
        }
        if (on_route) {
            on_route(found != nullptr ? found->openapi_path : std::string_view{"(unmatched)"});
        }
        // Not an API route: the web application's assets and pages (web_assets.hpp).
        auto web_page = found == nullptr ? web::answer(request, c.segments) : std::nullopt;
        if (found == nullptr && !web_page) {
            throw refusal{path_known ? 405U : 404U,
                          path_known ? "this method is not allowed here" : "no such resource"};
        }
        if (web_page) {
            c.route = web_page->route;
            response = std::move(web_page->response);
        } else {
            c.route = std::string{found->openapi_path};
            check_text(*found, c);
            if (found->authenticated) {
                // A Bearer token, or the web application's cookie under its CSRF rules.
                const auto given = web::credential_of(request);
                if (given.source == web::credential_source::none) {
                    throw services::session_ended(
                        services::session_end::none,
                        "send Authorization: Bearer TOKEN from POST /api/v1/session");
                }
                if (const auto why = web::cookie_refusal(request, given)) {
                    throw refusal{403, *why};
                }
                c.who = services::authenticate(env_, given.token, c.request_id, rules_);
                if (c.who->password_change_required) {
                    if (!allowed_before_password_change(*found)) {
                        throw password_change_required{};
                    }
                } else if (c.who->enrolment_required && !allowed_before_enrolment(*found)) {
                    throw enrolment_required{};
                }
            }
            response = found->handle(c);
        }
    } catch (const refusal& refused) {
        response = problem(request.version(), refused.status, refused.detail, refused.fields);
    } catch (const password_change_required&) {
        response = problem(request.version(), 403,
                           "your password was reset: change it first (PATCH /api/v1/me with "
                           "current_password and password)");
        web::add_problem_member(response, "reason", "password_change_required");
    } catch (const enrolment_required&) {
        response = problem(request.version(), 403,
                           "two-step sign-in is required: enrol first (POST /api/v1/session/totp "
                           "with {\"action\": \"enrol\"}, then confirm with a code)");
        web::add_problem_member(response, "reason", "enrolment_required");
    } catch (const services::session_ended& ended) {
        // The web application tells the user why they must sign in again.
        response = problem(request.version(), 401, ended.detail());
        web::add_problem_member(response, "reason", services::to_string(ended.reason()));
    } catch (const failure& refused) {
        if (!refused.cause().empty()) {
            process_log().warn(
                "request_refused_by_fault",
                {{"request_id", c.request_id}, {"route", c.route}, {"cause", refused.cause()}});
        }
        response = problem(request.version(), status_of(refused.kind()), refused.detail(),
                           refused.fields(), refused.allowed_events());
    } catch (const std::exception& error) {
        // Unexpected: the log says what happened; the client only gets the request id.
        process_log().error(
            "request_failed",
            {{"request_id", c.request_id}, {"route", c.route}, {"error", error.what()}});
        response = problem(request.version(), 500,
                           "an unexpected error occurred; quote request id " + c.request_id);
    }
    if (response.result_int() >= 300) {
        c.stream = nullptr; // a refusal after a handler began a stream has no body to stream
    }
    if (response.result_int() == 405 && !allowed.empty()) {
        response.set(http::field::allow, allowed);
    }
    response.set(http::field::strict_transport_security, "max-age=63072000; includeSubDomains");
    response.set("X-Request-Id", c.request_id);
    response.set("X-Content-Type-Options", "nosniff");
    if (response.find(http::field::cache_control) == response.end()) {
        response.set(http::field::cache_control, "no-store");
    }
    response.keep_alive(request.keep_alive());
    // A streamed body goes in chunks (HTTP/1.1); an HTTP/1.0 client is sent it whole.
    if (c.stream && request.version() < 11) {
        std::string body;
        while (auto chunk = c.stream()) {
            body += *chunk;
        }
        response.body() = std::move(body);
        c.stream = nullptr;
    }
    if (c.stream) {
        response.chunked(true);
    } else {
        response.prepare_payload();
    }

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_->record_request(request.method_string(), c.route, response.result_int(), seconds);
    process_log().info("request",
                       {{"request_id", c.request_id},
                        {"method", method_label(request.method_string())},
                        {"route", c.route},
                        {"status", response.result_int()},
                        {"duration_ms", seconds * 1000.0},
                        {"user_id", c.who ? log_value{c.who->user_id} : log_value{nullptr}},
                        {"client", client_address}});
    return {std::move(response), std::move(c.stream)};
}

} // namespace homeward::api
