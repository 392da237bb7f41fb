// The signed-in user's own account and email alerts, and their organisation's teams.

#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/accounts.hpp"

namespace homeward::api {
namespace {

using v = boost::beast::http::verb;

http_response read(request_context& c) {
    return json_response(c, 200, services::my_account(c.env, c.caller()));
}

http_response update(request_context& c) {
    return json_response(c, 200, services::update_my_account(c.env, c.caller(), c.body()));
}

http_response teams(request_context& c) {
    return json_response(
        c, 200,
        boost::json::object{{"items", boost::json::value_from(
                                          services::teams_of_my_organisation(c.env, c.caller()))}});
}

} // namespace

std::vector<route> account_routes() {
    return {
        {v::get, {"api", "v1", "me"}, "/api/v1/me", true, &read},
        {v::patch, {"api", "v1", "me"}, "/api/v1/me", true, &update},
        {v::get, {"api", "v1", "teams"}, "/api/v1/teams", true, &teams},
    };
}

} // namespace homeward::api
