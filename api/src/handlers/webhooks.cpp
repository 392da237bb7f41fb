// Organisations' webhooks and the outbox, for admins.

#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/webhooks.hpp"

namespace homeward::api {
namespace {

using v = boost::beast::http::verb;

http_response set(request_context& c) {
    return json_response(c, 200, services::set_webhook(c.env, c.caller(), c.segment(3), c.body()));
}

http_response get(request_context& c) {
    return json_response(c, 200, services::get_webhook(c.env, c.caller(), c.segment(3)));
}

http_response organisations(request_context& c) {
    return json_response(
        c, 200,
        boost::json::object{
            {"items", boost::json::value_from(services::list_organisations(c.env, c.caller()))}});
}

http_response remove(request_context& c) {
    services::remove_webhook(c.env, c.caller(), c.segment(3));
    return no_content(c);
}

http_response deliveries(request_context& c) {
    services::delivery_query query;
    query.status = c.query_text("status");
    query.organisation = c.query_text("organisation");
    query.cursor = c.query_text("cursor");
    query.limit = c.limit();
    return json_response(c, 200, services::list_deliveries(c.env, c.caller(), query));
}

http_response replay(request_context& c) {
    return json_response(c, 200, services::replay_delivery(c.env, c.caller(), c.segment(3)));
}

} // namespace

std::vector<route> webhook_routes() {
    return {
        {v::get, {"api", "v1", "organisations"}, "/api/v1/organisations", true, &organisations},
        {v::get,
         {"api", "v1", "organisations", "{code}", "webhook"},
         "/api/v1/organisations/{code}/webhook",
         true,
         &get},
        {v::put,
         {"api", "v1", "organisations", "{code}", "webhook"},
         "/api/v1/organisations/{code}/webhook",
         true,
         &set},
        {v::delete_,
         {"api", "v1", "organisations", "{code}", "webhook"},
         "/api/v1/organisations/{code}/webhook",
         true,
         &remove},
        {v::get,
         {"api", "v1", "webhook-deliveries"},
         "/api/v1/webhook-deliveries",
         true,
         &deliveries},
        {v::post,
         {"api", "v1", "webhook-deliveries", "{delivery_id}", "replay"},
         "/api/v1/webhook-deliveries/{delivery_id}/replay",
         true,
         &replay},
    };
}

} // namespace homeward::api
