// An admin's accounts and organisations (GET /api/v1/organisations is webhooks.cpp's, with each
// organisation's webhook).

#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/administration.hpp"

namespace homeward::api {
namespace {

using v = boost::beast::http::verb;

http_response list_users(request_context& c) {
    return json_response(c, 200,
                         services::list_users(c.env, c.caller(), c.limit(), c.query_text("cursor"),
                                              c.query_text("organisation")));
}

http_response create_user(request_context& c) {
    return json_response(c, 201, services::create_user(c.env, c.caller(), c.body()));
}

http_response get_user(request_context& c) {
    return json_response(c, 200, services::get_user(c.env, c.caller(), c.segment(3)));
}

http_response update_user(request_context& c) {
    return json_response(c, 200, services::update_user(c.env, c.caller(), c.segment(3), c.body()));
}

http_response unlock_user(request_context& c) {
    return json_response(c, 200, services::unlock_user(c.env, c.caller(), c.segment(3)));
}

http_response reset_password(request_context& c) {
    return json_response(c, 200, services::reset_password(c.env, c.caller(), c.segment(3)));
}

http_response create_organisation(request_context& c) {
    return json_response(c, 201, services::create_organisation(c.env, c.caller(), c.body()));
}

http_response update_organisation(request_context& c) {
    return json_response(c, 200,
                         services::update_organisation(c.env, c.caller(), c.segment(3), c.body()));
}

} // namespace

std::vector<route> administration_routes() {
    return {
        {v::get, {"api", "v1", "users"}, "/api/v1/users", true, &list_users},
        {v::post, {"api", "v1", "users"}, "/api/v1/users", true, &create_user},
        {v::get, {"api", "v1", "users", "{id}"}, "/api/v1/users/{id}", true, &get_user},
        {v::patch, {"api", "v1", "users", "{id}"}, "/api/v1/users/{id}", true, &update_user},
        {v::post,
         {"api", "v1", "users", "{id}", "unlock"},
         "/api/v1/users/{id}/unlock",
         true,
         &unlock_user},
        {v::post,
         {"api", "v1", "users", "{id}", "password-reset"},
         "/api/v1/users/{id}/password-reset",
         true,
         &reset_password},
        {v::post,
         {"api", "v1", "organisations"},
         "/api/v1/organisations",
         true,
         &create_organisation},
        {v::patch,
         {"api", "v1", "organisations", "{code}"},
         "/api/v1/organisations/{code}",
         true,
         &update_organisation},
    };
}

} // namespace homeward::api
