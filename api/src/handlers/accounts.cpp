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

// A worker as the assign form needs them: no email address, no account settings.
http_response workers(request_context& c) {
    boost::json::array items;
    for (const auto& w :
         services::workers_of_my_organisation(c.env, c.caller(), c.query_text("team"))) {
        items.push_back(boost::json::object{
            {"id", w.id},
            {"username", w.username},
            {"role", workflow::to_string(w.user_role)},
            {"team", w.team_id ? boost::json::value(boost::json::object{
                                     {"id", *w.team_id}, {"name", w.team.value_or("")}})
                               : boost::json::value(nullptr)}});
    }
    return json_response(c, 200, boost::json::object{{"items", std::move(items)}});
}

} // namespace

std::vector<route> account_routes() {
    return {
        {v::get, {"api", "v1", "me"}, "/api/v1/me", true, &read},
        {v::patch, {"api", "v1", "me"}, "/api/v1/me", true, &update},
        {v::get, {"api", "v1", "teams"}, "/api/v1/teams", true, &teams},
        {v::get, {"api", "v1", "workers"}, "/api/v1/workers", true, &workers},
    };
}

} // namespace homeward::api
