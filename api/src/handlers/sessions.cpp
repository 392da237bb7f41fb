// Signing in and out.

#include "../http.hpp"
#include "../qr_svg.hpp"
#include "../representation.hpp"
#include "../web_session.hpp"

#include "homeward/services/sessions.hpp"
#include "homeward/services/two_factor.hpp"

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
    services::session_view session;
    try {
        session = services::log_in(c.env, text("username"), text("password"), c.client_address,
                                   c.request_id, c.rules, text("totp"));
    } catch (const services::second_factor_needed& refused) {
        // The password was right: the sign-in page asks for the code from the user's app.
        auto response = problem(c.request.version(), 401, refused.detail());
        web::add_problem_flag(response, "totp_required", true);
        return response;
    }
    if (!web_sign_in) {
        return json_response(c, 201, session);
    }
    const std::string token = std::move(session.token);
    session.token.clear();
    auto response = json_response(c, 201, session);
    response.set(http::field::set_cookie, web::session_cookie(token));
    return response;
}

// {"action": "enrol" | "confirm" | "disable", "totp"?}: two-step sign-in (services/two_factor.hpp).
http_response two_factor(request_context& c) {
    const auto body = c.body();
    const auto text = [&](const char* name) -> std::string {
        const auto* value = body.if_contains(name);
        return value != nullptr && value->is_string() ? std::string{value->get_string()} : "";
    };
    const auto action = text("action");
    const auto code = text("totp");
    if (action == "enrol") {
        const auto offer =
            services::enrol_two_factor(c.env, c.caller(), c.rules, code, c.client_address);
        return json_response(c, 201,
                             boost::json::object{{"secret", offer.secret},
                                                 {"otpauth_uri", offer.otpauth_uri},
                                                 {"qr_svg", qr_svg(offer.otpauth_uri)}});
    }
    if (action == "confirm") {
        const auto codes =
            services::confirm_two_factor(c.env, c.caller(), c.rules, code, c.client_address);
        return json_response(
            c, 200,
            boost::json::object{{"two_factor", true},
                                {"recovery_codes", boost::json::value_from(codes)}});
    }
    if (action == "disable") {
        services::disable_two_factor(c.env, c.caller(), c.rules, code, c.client_address);
        return no_content(c);
    }
    throw services::failure(services::failure_kind::invalid_input,
                            "action must be enrol, confirm or disable",
                            {{"action", "must be enrol, confirm or disable"}});
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
        {v::post, {"api", "v1", "session", "totp"}, "/api/v1/session/totp", true, &two_factor},
    };
}

} // namespace homeward::api
