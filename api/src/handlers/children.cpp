// Children: add, search, read, and the child's own reviews.

#include "../csv_export.hpp"
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
    if (wants_csv(c) && !c.query_text("q") && !c.query_text("cse_risk")) {
        // Without a search: every child in the caller's scope (not paged, api.md).
        return replica_csv_export<db::child_record>(
            c, "children.csv",
            [who = c.caller()](const services::environment& env,
                               const std::optional<std::string>& cursor) {
                return services::children_in_scope(env, who, 500, cursor);
            });
    }
    const auto limit = c.limit();
    // A search as CSV: its one page (a search answers at most `limit` children).
    const bool csv = wants_csv(c);
    if (const auto levels = c.query_text("cse_risk")) {
        if (c.query_text("q")) {
            throw refusal{
                400, "give q or cse_risk, not both", {{"cse_risk", "cannot be given with q"}}};
        }
        if (csv) {
            return replica_csv_export<db::children::child_at_risk>(
                c, "children.csv",
                [who = c.caller(), levels = *levels, limit](const services::environment& env,
                                                            const std::optional<std::string>&) {
                    return services::children_at_risk(env, who, levels, limit);
                });
        }
        return json_response(c, 200, services::children_at_risk(c.env, c.caller(), *levels, limit));
    }
    const auto search = [who = c.caller(), q = c.query_text("q").value_or(""), limit,
                         born = c.query_text("date_of_birth")](const services::environment& env,
                                                               const std::optional<std::string>&) {
        return services::search_children(env, who, q, limit, born);
    };
    if (csv) {
        return replica_csv_export<db::child_record>(c, "children.csv", search);
    }
    return json_response(c, 200, search(c.env, std::nullopt));
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
