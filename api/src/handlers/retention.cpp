// The retention schedule: what falls due (the data-protection officer's list) and the authority's
// rule.

#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/retention.hpp"

namespace homeward::api {
namespace {

using v = boost::beast::http::verb;

http_response due(request_context& c) {
    services::retention_due_query query;
    query.days = c.query_text("days");
    query.cursor = c.query_text("cursor");
    query.limit = c.limit();
    return json_response(c, 200, services::retention_due(c.env, c.caller(), query));
}

http_response policy(request_context& c) {
    return json_response(c, 200, services::retention_policy(c.env, c.caller()));
}

http_response set_policy(request_context& c) {
    return json_response(c, 200, services::set_retention_policy(c.env, c.caller(), c.body()));
}

} // namespace

std::vector<route> retention_routes() {
    return {
        {v::get, {"api", "v1", "retention", "due"}, "/api/v1/retention/due", true, &due},
        {v::get, {"api", "v1", "retention", "policy"}, "/api/v1/retention/policy", true, &policy},
        {v::put,
         {"api", "v1", "retention", "policy"},
         "/api/v1/retention/policy",
         true,
         &set_policy},
    };
}

} // namespace homeward::api
