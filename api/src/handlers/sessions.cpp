// Signing in and out.

#include "../http.hpp"
#include "../representation.hpp"
#include "../web_session.hpp"

#include "homeward/services/sessions.hpp"

#include <boost/beast/http/field.hpp>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;
using v = http::verb;

http_response create(request_context& c) {
    const auto body = c.body();
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
        throw services::failure(services::failure_kind::invalid_input,
                                "username and password are required", errors);
    }
    // The web application signs in with X-Homeward-Web: 1 from its own origin: the token goes
    // into an HttpOnly cookie and is left out of the body (web_session.hpp).
    const bool web_sign_in = web::from_web_application(c.request);
    if (web_sign_in) {
        if (const auto why = web::forgery_refusal(c.request)) {
            throw refusal{403, *why};
        }
    }
    auto session = services::log_in(c.env, text("username"), text("password"), c.client_address,
                                    c.request_id, c.rules);
    if (!web_sign_in) {
        return json_response(c, 201, session);
    }
    const std::string token = std::move(session.token);
    session.token.clear();
    auto response = json_response(c, 201, session);
    response.set(http::field::set_cookie, web::session_cookie(token));
    return response;
}

http_response describe(request_context& c) {
    return json_response(c, 200, services::describe_session(c.caller(), c.rules));
}

http_response remove(request_context& c) {
    const auto given = web::credential_of(c.request);
    services::log_out(c.env, c.caller(), given.token);
    auto response = no_content(c);
    if (given.source == web::credential_source::cookie) {
        response.set(http::field::set_cookie, web::cleared_session_cookie());
    }
    return response;
}

} // namespace

std::vector<route> session_routes() {
    return {
        {v::post, {"api", "v1", "session"}, "/api/v1/session", false, &create},
        {v::get, {"api", "v1", "session"}, "/api/v1/session", true, &describe},
        {v::delete_, {"api", "v1", "session"}, "/api/v1/session", true, &remove},
    };
}

} // namespace homeward::api
