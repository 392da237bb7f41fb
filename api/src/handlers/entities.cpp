// People, places and vehicles of concern: linked to an episode, listed across children, read one
// at a time with the children and episodes it links in the caller's scope, and merged.

#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/entities.hpp"

#include <boost/json/array.hpp>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;
using v = http::verb;

// 201 when the link is new; 200 when the entity was already linked to the episode in this way.
http_response link(request_context& c) {
    const auto result = services::link_entity(c.env, c.caller(), c.segment(3), c.body());
    return json_response(c, result.linked ? 201 : 200, result);
}

http_response of_episode(request_context& c) {
    const auto items = services::episode_entities(c.env, c.caller(), c.segment(3));
    return json_response(c, 200, boost::json::object{{"items", boost::json::value_from(items)}});
}

http_response list(request_context& c) {
    const auto items = services::list_entities(c.env, c.caller(), c.query_text("kind"),
                                               c.query_text("min_children"), c.limit());
    return json_response(c, 200, boost::json::object{{"items", boost::json::value_from(items)}});
}

http_response read(request_context& c) {
    return json_response(c, 200, services::get_entity(c.env, c.caller(), c.segment(3)));
}

http_response merge(request_context& c) {
    return json_response(c, 200, services::merge_entity(c.env, c.caller(), c.segment(3), c.body()));
}

} // namespace

std::vector<route> entity_routes() {
    return {
        {v::post,
         {"api", "v1", "episodes", "{id}", "entities"},
         "/api/v1/episodes/{id}/entities",
         true,
         &link},
        {v::get,
         {"api", "v1", "episodes", "{id}", "entities"},
         "/api/v1/episodes/{id}/entities",
         true,
         &of_episode},
        {v::get, {"api", "v1", "entities"}, "/api/v1/entities", true, &list},
        {v::get, {"api", "v1", "entities", "{id}"}, "/api/v1/entities/{id}", true, &read},
        {v::post,
         {"api", "v1", "entities", "{id}", "merge"},
         "/api/v1/entities/{id}/merge",
         true,
         &merge},
    };
}

} // namespace homeward::api
