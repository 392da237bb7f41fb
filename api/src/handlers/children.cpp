// Children: add, search, read, and the child's own reviews.

#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/children.hpp"

namespace homeward::api {
namespace {

using v = boost::beast::http::verb;

http_response create(request_context& c) {
    return json_response(c, 201, services::create_child(c.env, c.caller(), c.body()));
}

// By name (q, and date_of_birth for an exact lookup), or by CSE risk (cse_risk).
http_response search(request_context& c) {
    const auto limit = c.limit();
    if (const auto levels = c.query_text("cse_risk")) {
        if (c.query_text("q")) {
            throw refusal{
                400, "give q or cse_risk, not both", {{"cse_risk", "cannot be given with q"}}};
        }
        return json_response(c, 200, services::children_at_risk(c.env, c.caller(), *levels, limit));
    }
    return json_response(c, 200,
                         services::search_children(c.env, c.caller(),
                                                   c.query_text("q").value_or(""), limit,
                                                   c.query_text("date_of_birth")));
}

http_response read(request_context& c) {
    return json_response(c, 200, services::get_child(c.env, c.caller(), c.segment(3)));
}

http_response repeat_review(request_context& c) {
    return json_response(c, 200,
                         services::record_repeat_review(c.env, c.caller(), c.segment(3), c.body()));
}

http_response cse_reassessment(request_context& c) {
    return json_response(
        c, 200, services::record_cse_reassessment(c.env, c.caller(), c.segment(3), c.body()));
}

} // namespace

std::vector<route> child_routes() {
    return {
        {v::post, {"api", "v1", "children"}, "/api/v1/children", true, &create},
        {v::get, {"api", "v1", "children"}, "/api/v1/children", true, &search},
        {v::get, {"api", "v1", "children", "{id}"}, "/api/v1/children/{id}", true, &read},
        {v::post,
         {"api", "v1", "children", "{id}", "repeat-missing-review"},
         "/api/v1/children/{id}/repeat-missing-review",
         true,
         &repeat_review},
        {v::post,
         {"api", "v1", "children", "{id}", "cse-reassessment"},
         "/api/v1/children/{id}/cse-reassessment",
         true,
         &cse_reassessment},
    };
}

} // namespace homeward::api
