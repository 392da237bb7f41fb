#include "homeward/api/router.hpp"

#include "metrics.hpp"
#include "openapi_document.hpp"
#include "web_assets.hpp"
#include "web_session.hpp"

#include "homeward/services/children.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/oversight.hpp"
#include "homeward/services/sessions.hpp"
#include "homeward/services/time_text.hpp"
#include "homeward/services/webhooks.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>
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

// ---- requests
// ------------------------------------------------------------------------------------

struct call {
    const http_request& request;
    const std::string& client_address;
    std::string request_id;
    std::vector<std::string> segments; // decoded path segments
    std::map<std::string, std::string> query;
    std::optional<services::actor> who;
    std::string route; // the matched template, for logs and metrics
};

// A request the router refuses before any use case: status and detail.
struct refusal {
    unsigned status;
    std::string detail;
    std::vector<services::field_error> fields{};
};

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

json::object body_object(const call& c) {
    const auto type = c.request[http::field::content_type];
    if (!type.starts_with("application/json")) {
        throw refusal{415, "the body must be application/json"};
    }
    json::error_code ec;
    auto value = json::parse(c.request.body(), ec);
    if (ec) {
        throw refusal{400, "the body is not valid JSON: " + ec.message()};
    }
    if (!value.is_object()) {
        throw refusal{400, "the body must be a JSON object"};
    }
    return std::move(value.as_object());
}

std::optional<std::string> query_text(const call& c, const std::string& name) {
    const auto it = c.query.find(name);
    if (it == c.query.end() || it->second.empty()) {
        return std::nullopt;
    }
    return it->second;
}

int query_limit(const call& c) {
    const auto text = query_text(c, "limit");
    if (!text) {
        return 50;
    }
    int value = 0;
    std::size_t used = 0;
    try {
        value = std::stoi(*text, &used);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used != text->size() || used == 0 || value < 1 || value > 500) {
        throw refusal{400,
                      "limit must be a whole number from 1 to 500",
                      {{"limit", "must be a whole number from 1 to 500"}}};
    }
    return value;
}

std::optional<int> if_match(const call& c) {
    auto text = std::string{c.request[http::field::if_match]};
    if (text.empty()) {
        return std::nullopt;
    }
    if (text.starts_with("W/")) {
        text = text.substr(2);
    }
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        text = text.substr(1, text.size() - 2);
    }
    try {
        std::size_t used = 0;
        const int version = std::stoi(text, &used);
        if (used == text.size() && version > 0) {
            return version;
        }
    } catch (const std::logic_error&) {
        // falls through to the refusal below
    }
    throw refusal{400, "If-Match must name a version, e.g. \"3\""};
}

// ---- responses
// -----------------------------------------------------------------------------------

http_response json_response(const call& c, unsigned status, const json::value& body) {
    http_response response{static_cast<http::status>(status), c.request.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = json::serialize(body);
    return response;
}

http_response episode_response(const call& c, unsigned status, const json::object& episode) {
    auto response = json_response(c, status, episode);
    response.set(http::field::etag, "\"" + std::to_string(episode.at("version").as_int64()) + "\"");
    return response;
}

std::string_view title_of(unsigned status) {
    switch (status) {
    case 400:
        return "Bad request";
    case 401:
        return "Unauthenticated";
    case 403:
        return "Forbidden";
    case 404:
        return "Not found";
    case 405:
        return "Method not allowed";
    case 409:
        return "Conflict with the episode's state";
    case 412:
        return "Version no longer current";
    case 413:
        return "Body too large";
    case 415:
        return "Unsupported media type";
    case 422:
        return "Invalid fields";
    case 429:
        return "Too many requests";
    case 503:
        return "Service unavailable";
    default:
        return "Internal server error";
    }
}

http_response problem(unsigned version, unsigned status, const std::string& detail,
                      const std::vector<services::field_error>& fields = {},
                      const std::vector<std::string>& allowed_events = {}) {
    json::object body{{"type", "https://homeward.invalid/problems/" + std::to_string(status)},
                      {"title", title_of(status)},
                      {"status", status},
                      {"detail", detail}};
    if (!fields.empty()) {
        json::array errors;
        for (const auto& field : fields) {
            errors.push_back(json::object{{"field", field.field}, {"message", field.message}});
        }
        body["errors"] = std::move(errors);
    }
    if (!allowed_events.empty() || status == 409) {
        json::array allowed;
        for (const auto& event : allowed_events) {
            allowed.emplace_back(event);
        }
        body["allowed_events"] = std::move(allowed);
    }
    http_response response{static_cast<http::status>(status), version};
    response.set(http::field::content_type, "application/problem+json");
    response.body() = json::serialize(body);
    if (status == 503) {
        response.set(http::field::retry_after, "5");
    }
    if (status == 401) {
        response.set(http::field::www_authenticate, "Bearer");
    }
    return response;
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
    case failure_kind::too_many_requests:
        return 429;
    case failure_kind::unavailable:
        return 503;
    }
    return 500;
}

// ---- routes
// --------------------------------------------------------------------------------------

using handler = http_response (*)(const services::environment&, const services::session_rules&,
                                  metrics&, call&);

struct route {
    http::verb method;
    std::vector<std::string_view> pattern; // "{}" matches one segment
    std::string_view openapi_path;
    bool authenticated;
    handler handle;
};

http_response healthz(const services::environment&, const services::session_rules&, metrics&,
                      call& c) {
    return json_response(c, 200, json::object{{"status", "ok"}});
}

http_response readyz(const services::environment& env, const services::session_rules&, metrics&,
                     call& c) {
    if (!services::database_ready(env)) {
        return problem(c.request.version(), 503, "the database is unreachable");
    }
    return json_response(c, 200, json::object{{"status", "ready"}});
}

http_response metrics_text(const services::environment& env, const services::session_rules&,
                           metrics& counters, call& c) {
    http_response response{http::status::ok, c.request.version()};
    response.set(http::field::content_type, "text/plain; version=0.0.4");
    response.body() = counters.render(services::database_metrics(env));
    return response;
}

http_response openapi(const services::environment&, const services::session_rules&, metrics&,
                      call& c) {
    http_response response{http::status::ok, c.request.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = std::string{openapi_document()};
    return response;
}

// The web application's page (web_assets.cpp); its other pages and assets are answered before
// routing fails (router::handle).
http_response home(const services::environment&, const services::session_rules&, metrics&,
                   call& c) {
    auto page = web::answer(c.request, c.segments);
    if (!page) {
        throw refusal{404, "the web application is not built into this homeward"};
    }
    return std::move(page->response);
}

http_response session_create(const services::environment& env, const services::session_rules& rules,
                             metrics&, call& c) {
    const auto body = body_object(c);
    const auto text = [&](const char* name) -> std::string {
        const auto* value = body.if_contains(name);
        return value != nullptr && value->is_string() ? std::string{value->get_string()} : "";
    };
    std::vector<services::field_error> errors;
    for (const char* name : {"username", "password"}) {
        if (text(name).empty()) {
            errors.push_back({name, "is required"});
        }
    }
    if (!errors.empty()) {
        throw failure(failure_kind::invalid_input, "username and password are required", errors);
    }
    // The web application signs in with X-Homeward-Web: 1 from its own origin: the token goes
    // into an HttpOnly cookie and is left out of the body (web_session.hpp).
    const bool web_sign_in = web::from_web_application(c.request);
    if (web_sign_in) {
        if (const auto why = web::forgery_refusal(c.request)) {
            throw refusal{403, *why};
        }
    }
    auto session = services::log_in(env, text("username"), text("password"), c.client_address,
                                    c.request_id, rules);
    if (!web_sign_in) {
        return json_response(c, 201, session);
    }
    const std::string token{session.at("token").as_string()};
    session.erase("token");
    auto response = json_response(c, 201, session);
    response.set(http::field::set_cookie, web::session_cookie(token));
    return response;
}

http_response session_get(const services::environment& env, const services::session_rules& rules,
                          metrics&, call& c) {
    return json_response(
        c, 200,
        services::describe_session(env, *c.who, web::credential_of(c.request).token, rules));
}

http_response session_delete(const services::environment& env, const services::session_rules&,
                             metrics&, call& c) {
    const auto given = web::credential_of(c.request);
    services::log_out(env, *c.who, given.token);
    http_response response{http::status::no_content, c.request.version()};
    if (given.source == web::credential_source::cookie) {
        response.set(http::field::set_cookie, web::cleared_session_cookie());
    }
    return response;
}

http_response children_create(const services::environment& env, const services::session_rules&,
                              metrics&, call& c) {
    return json_response(c, 201, services::create_child(env, *c.who, body_object(c)));
}

http_response children_search(const services::environment& env, const services::session_rules&,
                              metrics&, call& c) {
    const auto limit = query_limit(c);
    return json_response(c, 200,
                         services::search_children(env, *c.who, query_text(c, "q").value_or(""),
                                                   limit, query_text(c, "date_of_birth")));
}

http_response children_get(const services::environment& env, const services::session_rules&,
                           metrics&, call& c) {
    return json_response(c, 200, services::get_child(env, *c.who, c.segments[3]));
}

http_response children_repeat_review(const services::environment& env,
                                     const services::session_rules&, metrics&, call& c) {
    return json_response(
        c, 200, services::record_repeat_review(env, *c.who, c.segments[3], body_object(c)));
}

http_response children_cse_reassessment(const services::environment& env,
                                        const services::session_rules&, metrics&, call& c) {
    return json_response(
        c, 200, services::record_cse_reassessment(env, *c.who, c.segments[3], body_object(c)));
}

http_response episodes_create(const services::environment& env, const services::session_rules&,
                              metrics& counters, call& c) {
    const auto key = c.request["Idempotency-Key"];
    auto episode = services::report_episode(
        env, *c.who, body_object(c),
        key.empty() ? std::nullopt : std::optional<std::string>{std::string(key)});
    counters.record_transition("report");
    auto response = episode_response(c, 201, episode);
    response.set(http::field::location,
                 "/api/v1/episodes/" + std::string(episode.at("id").as_string()));
    return response;
}

http_response episodes_list(const services::environment& env, const services::session_rules&,
                            metrics&, call& c) {
    services::episode_query query;
    query.state = query_text(c, "state");
    query.assigned = query_text(c, "assigned");
    query.child_id = query_text(c, "child_id");
    query.authority = query_text(c, "authority");
    query.cursor = query_text(c, "cursor");
    query.limit = query_limit(c);
    return json_response(c, 200, services::list_episodes(env, *c.who, query));
}

http_response episodes_get(const services::environment& env, const services::session_rules&,
                           metrics&, call& c) {
    return episode_response(c, 200, services::get_episode(env, *c.who, c.segments[3]));
}

http_response episodes_history(const services::environment& env, const services::session_rules&,
                               metrics&, call& c) {
    return json_response(
        c, 200, json::object{{"items", services::episode_history(env, *c.who, c.segments[3])}});
}

http_response episodes_event(const services::environment& env, const services::session_rules&,
                             metrics& counters, call& c) {
    const std::string name = c.segments[4];
    const auto use_case = services::event_use_case_for(name);
    if (use_case == nullptr || name == "action-complete") {
        throw refusal{404, "no such event: " + name};
    }
    services::event_call event{c.segments[3], if_match(c), body_object(c), ""};
    auto result = use_case(env, *c.who, event);
    counters.record_transition(name);
    if (name == "actions") {
        auto response = json_response(c, 201, result.at("action"));
        response.set(http::field::etag,
                     "\"" + std::to_string(result.at("episode").at("version").as_int64()) + "\"");
        return response;
    }
    return episode_response(c, 200, result);
}

http_response action_complete(const services::environment& env, const services::session_rules&,
                              metrics& counters, call& c) {
    services::event_call event{c.segments[3], if_match(c), body_object(c), c.segments[5]};
    auto episode = services::complete_action(env, *c.who, event);
    counters.record_transition("action-complete");
    return episode_response(c, 200, episode);
}

http_response overdue(const services::environment& env, const services::session_rules&, metrics&,
                      call& c) {
    services::overdue_query query;
    query.kind = query_text(c, "kind");
    query.authority = query_text(c, "authority");
    query.worker_id = query_text(c, "worker_id");
    query.cursor = query_text(c, "cursor");
    query.limit = query_limit(c);
    const auto due_soon = query_text(c, "due_soon");
    if (due_soon && *due_soon != "true" && *due_soon != "false") {
        throw refusal{
            400, "due_soon must be true or false", {{"due_soon", "must be true or false"}}};
    }
    query.due_soon = due_soon == "true";
    return json_response(c, 200, services::overdue_queue(env, *c.who, query));
}

http_response indicators(const services::environment& env, const services::session_rules&, metrics&,
                         call& c) {
    return json_response(c, 200, services::indicator_catalogue_json(env));
}

http_response audit(const services::environment& env, const services::session_rules&, metrics&,
                    call& c) {
    services::audit_query query;
    query.entity_id = query_text(c, "entity_id");
    query.actor = query_text(c, "actor");
    query.from = query_text(c, "from");
    query.to = query_text(c, "to");
    query.cursor = query_text(c, "cursor");
    query.limit = query_limit(c);
    return json_response(c, 200, services::list_audit(env, *c.who, query));
}

http_response notifications(const services::environment& env, const services::session_rules&,
                            metrics&, call& c) {
    return json_response(
        c, 200, services::list_notifications(env, *c.who, query_limit(c), query_text(c, "cursor")));
}

http_response notification_read(const services::environment& env, const services::session_rules&,
                                metrics&, call& c) {
    services::mark_notification_read(env, *c.who, c.segments[3]);
    return http_response{http::status::no_content, c.request.version()};
}

http_response webhook_set(const services::environment& env, const services::session_rules&,
                          metrics&, call& c) {
    return json_response(c, 200, services::set_webhook(env, *c.who, c.segments[3], body_object(c)));
}

http_response webhook_remove(const services::environment& env, const services::session_rules&,
                             metrics&, call& c) {
    services::remove_webhook(env, *c.who, c.segments[3]);
    return http_response{http::status::no_content, c.request.version()};
}

http_response webhook_deliveries(const services::environment& env, const services::session_rules&,
                                 metrics&, call& c) {
    services::delivery_query query;
    query.status = query_text(c, "status");
    query.organisation = query_text(c, "organisation");
    query.cursor = query_text(c, "cursor");
    query.limit = query_limit(c);
    return json_response(c, 200, services::list_deliveries(env, *c.who, query));
}

http_response webhook_replay(const services::environment& env, const services::session_rules&,
                             metrics&, call& c) {
    return json_response(c, 200, services::replay_delivery(env, *c.who, c.segments[3]));
}

const std::vector<route>& route_table() {
    using v = http::verb;
    static const std::vector<route> table{
        {v::get, {""}, "/", false, &home},
        {v::get, {"healthz"}, "/healthz", false, &healthz},
        {v::get, {"readyz"}, "/readyz", false, &readyz},
        {v::get, {"metrics"}, "/metrics", false, &metrics_text},
        {v::get, {"api", "v1", "openapi.json"}, "/api/v1/openapi.json", false, &openapi},
        {v::post, {"api", "v1", "session"}, "/api/v1/session", false, &session_create},
        {v::get, {"api", "v1", "session"}, "/api/v1/session", true, &session_get},
        {v::delete_, {"api", "v1", "session"}, "/api/v1/session", true, &session_delete},
        {v::post, {"api", "v1", "children"}, "/api/v1/children", true, &children_create},
        {v::get, {"api", "v1", "children"}, "/api/v1/children", true, &children_search},
        {v::get, {"api", "v1", "children", "{}"}, "/api/v1/children/{id}", true, &children_get},
        {v::post,
         {"api", "v1", "children", "{}", "repeat-missing-review"},
         "/api/v1/children/{id}/repeat-missing-review",
         true,
         &children_repeat_review},
        {v::post,
         {"api", "v1", "children", "{}", "cse-reassessment"},
         "/api/v1/children/{id}/cse-reassessment",
         true,
         &children_cse_reassessment},
        {v::post, {"api", "v1", "episodes"}, "/api/v1/episodes", true, &episodes_create},
        {v::get, {"api", "v1", "episodes"}, "/api/v1/episodes", true, &episodes_list},
        {v::get, {"api", "v1", "episodes", "{}"}, "/api/v1/episodes/{id}", true, &episodes_get},
        {v::get,
         {"api", "v1", "episodes", "{}", "history"},
         "/api/v1/episodes/{id}/history",
         true,
         &episodes_history},
        {v::post,
         {"api", "v1", "episodes", "{}", "{}"},
         "/api/v1/episodes/{id}/{event}",
         true,
         &episodes_event},
        {v::post,
         {"api", "v1", "episodes", "{}", "actions", "{}", "complete"},
         "/api/v1/episodes/{id}/actions/{action_id}/complete",
         true,
         &action_complete},
        {v::get, {"api", "v1", "indicators"}, "/api/v1/indicators", true, &indicators},
        {v::get, {"api", "v1", "overdue"}, "/api/v1/overdue", true, &overdue},
        {v::get, {"api", "v1", "audit"}, "/api/v1/audit", true, &audit},
        {v::get, {"api", "v1", "notifications"}, "/api/v1/notifications", true, &notifications},
        {v::post,
         {"api", "v1", "notifications", "{}", "read"},
         "/api/v1/notifications/{id}/read",
         true,
         &notification_read},
        {v::put,
         {"api", "v1", "organisations", "{}", "webhook"},
         "/api/v1/organisations/{code}/webhook",
         true,
         &webhook_set},
        {v::delete_,
         {"api", "v1", "organisations", "{}", "webhook"},
         "/api/v1/organisations/{code}/webhook",
         true,
         &webhook_remove},
        {v::get,
         {"api", "v1", "webhook-deliveries"},
         "/api/v1/webhook-deliveries",
         true,
         &webhook_deliveries},
        {v::post,
         {"api", "v1", "webhook-deliveries", "{}", "replay"},
         "/api/v1/webhook-deliveries/{delivery_id}/replay",
         true,
         &webhook_replay},
    };
    return table;
}

bool matches(const route& r, const std::vector<std::string>& segments) {
    if (r.pattern.size() != segments.size()) {
        return false;
    }
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (r.pattern[i] != "{}" && r.pattern[i] != segments[i]) {
            return false;
        }
        if (r.pattern[i] == "{}" && segments[i].empty()) {
            return false;
        }
    }
    return true;
}

std::mutex log_mutex;

void log_line(const json::object& line) {
    const std::string text = json::serialize(line);
    std::lock_guard lock{log_mutex};
    std::cout << text << '\n' << std::flush;
}

std::string utc_now() {
    return services::format_rfc3339(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
}

} // namespace

router::router(const services::environment& env, services::session_rules rules)
    : env_(env), rules_(rules), metrics_(std::make_unique<metrics>()) {}

router::~router() = default;

metrics& router::counters() { return *metrics_; }

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
    metrics_->record_request(std::string{request.method_string()}, "(refused)", status, 0);
    return response;
}

http_response router::handle(const http_request& request, const std::string& client_address) {
    const auto started = std::chrono::steady_clock::now();
    call c{request, client_address, new_request_id(), {}, {}, std::nullopt, "(unmatched)"};
    http_response response;
    try {
        const auto parsed = boost::urls::parse_origin_form(request.target());
        if (!parsed) {
            throw refusal{400, "the request target is malformed"};
        }
        for (const auto segment : parsed->segments()) {
            c.segments.push_back(segment);
        }
        if (c.segments.empty()) {
            c.segments.emplace_back("");
        }
        for (const auto param : parsed->params()) {
            c.query[param.key] = param.value;
        }
        const route* found = nullptr;
        bool path_known = false;
        for (const auto& r : route_table()) {
            if (matches(r, c.segments)) {
                path_known = true;
                if (r.method == request.method()) {
                    found = &r;
                    break;
                }
            }
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
            }
            response = found->handle(env_, rules_, *metrics_, c);
        }
    } catch (const refusal& refused) {
        response = problem(request.version(), refused.status, refused.detail, refused.fields);
    } catch (const services::session_ended& ended) {
        // The web application tells the user why they must sign in again.
        response = problem(request.version(), 401, ended.detail());
        web::add_problem_member(response, "reason", services::to_string(ended.reason()));
    } catch (const failure& refused) {
        response = problem(request.version(), status_of(refused.kind()), refused.detail(),
                           refused.fields(), refused.allowed_events());
    } catch (const std::exception& error) {
        // Unexpected: the log says what happened; the client only gets the request id.
        log_line({{"ts", utc_now()},
                  {"level", "error"},
                  {"request_id", c.request_id},
                  {"route", c.route},
                  {"error", error.what()}});
        response = problem(request.version(), 500,
                           "an unexpected error occurred; quote request id " + c.request_id);
    }
    response.set(http::field::strict_transport_security, "max-age=63072000; includeSubDomains");
    response.set("X-Request-Id", c.request_id);
    response.set("X-Content-Type-Options", "nosniff");
    if (response.find(http::field::cache_control) == response.end()) {
        response.set(http::field::cache_control, "no-store");
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_->record_request(std::string{request.method_string()}, c.route, response.result_int(),
                             seconds);
    log_line({{"ts", utc_now()},
              {"level", "info"},
              {"request_id", c.request_id},
              {"method", request.method_string()},
              {"route", c.route},
              {"status", response.result_int()},
              {"duration_ms", seconds * 1000.0},
              {"user_id", c.who ? json::value(c.who->user_id) : json::value(nullptr)},
              {"client", client_address}});
    return response;
}

} // namespace homeward::api
