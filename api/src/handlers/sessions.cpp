// Signing in and out.

#include "../http.hpp"
#include "../representation.hpp"

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
    return json_response(c, 201,
                         services::log_in(c.env, text("username"), text("password"),
                                          c.client_address, c.request_id, c.rules));
}

http_response describe(request_context& c) {
    return json_response(c, 200, services::describe_session(c.caller(), c.rules));
}

http_response remove(request_context& c) {
    const auto header = c.request[http::field::authorization];
    services::log_out(c.env, c.caller(), std::string{header.substr(7)});
    return no_content(c);
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
