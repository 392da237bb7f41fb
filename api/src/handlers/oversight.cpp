// What managers, the champion and everyone with case work watch: the overdue queue, their
// notifications, the audit trail and the indicator catalogue.

#include "../csv_export.hpp"
#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/clocks.hpp"
#include "homeward/services/oversight.hpp"

namespace homeward::api {
namespace {

using v = boost::beast::http::verb;

services::overdue_query overdue_query_of(const request_context& c) {
    services::overdue_query query;
    query.kind = c.query_text("kind");
    query.authority = c.query_text("authority");
    query.worker_id = c.query_text("worker_id");
    query.team = c.query_text("team");
    query.cursor = c.query_text("cursor");
    query.limit = c.limit();
    const auto due_soon = c.query_text("due_soon");
    if (due_soon && *due_soon != "true" && *due_soon != "false") {
        throw refusal{
            400, "due_soon must be true or false", {{"due_soon", "must be true or false"}}};
    }
    query.due_soon = due_soon == "true";
    const auto open = c.query_text("open");
    if (open && *open != "true" && *open != "false") {
        throw refusal{400, "open must be true or false", {{"open", "must be true or false"}}};
    }
    query.open = open == "true";
    return query;
}

// CSV exports are not paged (api.md): every row in scope, fetched a page of the most at a time.
constexpr int export_page = 500;

http_response overdue(request_context& c) {
    if (wants_csv(c)) {
        auto query = overdue_query_of(c);
        query.limit = export_page;
        return replica_csv_export<services::overdue_view>(
            c, "overdue.csv",
            [who = c.caller(), query](const services::environment& env,
                                      const std::optional<std::string>& cursor) mutable {
                query.cursor = cursor;
                return services::overdue_queue(env, who, query);
            });
    }
    return json_response(c, 200, services::overdue_queue(c.env, c.caller(), overdue_query_of(c)));
}

http_response overdue_summary(request_context& c) {
    return json_response(c, 200,
                         services::summarise_overdue(c.env, c.caller(), overdue_query_of(c)));
}

http_response indicators(request_context& c) {
    return json_response(c, 200, services::indicator_catalogue(c.env));
}

http_response audit(request_context& c) {
    services::audit_query query;
    query.entity_id = c.query_text("entity_id");
    query.actor = c.query_text("actor");
    query.from = c.query_text("from");
    query.to = c.query_text("to");
    if (wants_csv(c)) {
        query.limit = export_page;
        return replica_csv_export<db::audit_item>(
            c, "audit.csv",
            [who = c.caller(), query](const services::environment& env,
                                      const std::optional<std::string>& cursor) mutable {
                query.cursor = cursor;
                return services::list_audit(env, who, query);
            });
    }
    query.cursor = c.query_text("cursor");
    query.limit = c.limit();
    return json_response(c, 200, services::list_audit(c.env, c.caller(), query));
}

http_response notifications(request_context& c) {
    if (wants_csv(c)) {
        return replica_csv_export<db::notification_item>(
            c, "notifications.csv",
            [who = c.caller()](const services::environment& env,
                               const std::optional<std::string>& cursor) {
                return services::list_notifications(env, who, export_page, cursor);
            });
    }
    return json_response(
        c, 200, services::list_notifications(c.env, c.caller(), c.limit(), c.query_text("cursor")));
}

http_response unread(request_context& c) {
    return json_response(
        c, 200, boost::json::object{{"unread", services::unread_notifications(c.env, c.caller())}});
}

http_response notification_read(request_context& c) {
    services::mark_notification_read(c.env, c.caller(), c.segment(3));
    return no_content(c);
}

} // namespace

std::vector<route> oversight_routes() {
    return {
        {v::get, {"api", "v1", "indicators"}, "/api/v1/indicators", true, &indicators},
        {v::get, {"api", "v1", "overdue"}, "/api/v1/overdue", true, &overdue},
        {v::get,
         {"api", "v1", "overdue", "summary"},
         "/api/v1/overdue/summary",
         true,
         &overdue_summary},
        {v::get, {"api", "v1", "audit"}, "/api/v1/audit", true, &audit},
        {v::get, {"api", "v1", "notifications"}, "/api/v1/notifications", true, &notifications},
        {v::get,
         {"api", "v1", "notifications", "unread-count"},
         "/api/v1/notifications/unread-count",
         true,
         &unread},
        {v::post,
         {"api", "v1", "notifications", "{id}", "read"},
         "/api/v1/notifications/{id}/read",
         true,
         &notification_read},
    };
}

} // namespace homeward::api
