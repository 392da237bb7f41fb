#pragma once
// Notifications, the audit trail and the indicator catalogue, as their users read them; and the
// database's readiness and gauges for operations.

#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace homeward::services {

page<notification_item> list_notifications(const environment& env, const actor& who, int limit,
                                           std::optional<std::string> cursor);
// How many of the caller's notifications they have not read (the header's count).
long long unread_notifications(const environment& env, const actor& who);
void mark_notification_read(const environment& env, const actor& who, std::string_view id);

struct audit_query {
    std::optional<std::string> entity_id;
    std::optional<std::string> actor;
    std::optional<std::string> from; // RFC 3339
    std::optional<std::string> to;
    int limit{50};
    std::optional<std::string> cursor;
};
// cse_champion: entries of their authority; admin: all.
page<audit_item> list_audit(const environment& env, const actor& who, const audit_query& query);

// Can a database connection be had and used now?
bool database_ready(const environment& env);
// The pool's gauges in Prometheus text format.
std::string database_metrics(const environment& env);

// The CSE indicator catalogue: every indicator and the score bands.
const workflow::indicator_catalogue& indicator_catalogue(const environment& env);

} // namespace homeward::services
