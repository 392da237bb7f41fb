// Notifications, the audit trail and the indicator catalogue as their users read them, and the
// database's readiness for operations.

#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/audit.hpp"
#include "homeward/db/notifications.hpp"
#include "homeward/db/pool.hpp"
#include "homeward/services/oversight.hpp"
#include "homeward/workflow/time_text.hpp"

namespace homeward::services {

using workflow::role;

namespace {

// Notifications carry case metadata (children, episodes, risks): admins see none.
constexpr std::initializer_list<role> case_roles{role::police, role::social_worker, role::manager,
                                                 role::cse_champion};

} // namespace

page<notification_item> list_notifications(const environment& env, const actor& who, int limit,
                                           std::optional<std::string> cursor) {
    return run_read(env, who, {"notification.list", "notification", ""},
                    [&](db::unit_of_work& uow, read_audit& audit) {
                        require_role(who, case_roles, "read case notifications");
                        check_limit(limit);
                        std::optional<workflow::time_point> before;
                        std::optional<std::string> before_id;
                        if (cursor) {
                            const auto after = parse_cursor(*cursor, cursor_key::uuid);
                            before = after.at;
                            before_id = after.key;
                        }
                        auto result = page_of(db::notifications::for_user(uow, scope_of(who), limit,
                                                                          before, before_id),
                                              limit, [](const notification_item& last) {
                                                  return cursor_text(last.created_at, last.id);
                                              });
                        // What the list showed, by id: a read of the episodes and children it
                        // names.
                        boost::json::array episode_ids;
                        boost::json::array child_ids;
                        for (const auto& item : result.items) {
                            if (item.episode_id) {
                                episode_ids.emplace_back(*item.episode_id);
                            }
                            if (item.child_id) {
                                child_ids.emplace_back(*item.child_id);
                            }
                        }
                        audit.read({"notification.list", "notification", ""},
                                   {{"episode_ids", std::move(episode_ids)},
                                    {"child_ids", std::move(child_ids)}});
                        return result;
                    });
}

long long unread_notifications(const environment& env, const actor& who) {
    // A count names no record: nothing to audit but that it was asked.
    return run_audited(env, who, {"notification.count", "notification", ""}, [&](auto& uow) {
        require_role(who, case_roles, "read case notifications");
        return db::notifications::unread_count(uow, scope_of(who));
    });
}

void mark_notification_read(const environment& env, const actor& who, std::string_view id) {
    const audit_target target{"notification.read", "notification", std::string{id}};
    run_audited(env, who, target, [&](db::unit_of_work& uow) {
        require_role(who, case_roles, "read case notifications");
        if (!db::notifications::mark_read(uow, scope_of(who), id)) {
            throw failure(failure_kind::not_found, "no such notification");
        }
        audit_success(uow, who, target);
    });
}

page<audit_item> list_audit(const environment& env, const actor& who, const audit_query& query) {
    return run_read(
        env, who, {"audit.read", "audit", ""}, [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, {role::cse_champion, role::admin}, "read the audit trail");
            check_limit(query.limit);
            db::audit::filter filter;
            std::vector<field_error> errors;
            if (query.entity_id &&
                (!workflow::is_clean_text(*query.entity_id) || query.entity_id->size() > 100)) {
                errors.push_back({"entity_id", "is not an id"});
            }
            filter.entity_id = query.entity_id;
            if (query.actor && !workflow::is_uuid(*query.actor)) {
                errors.push_back({"actor", "is not a user id"});
            }
            filter.actor_id = query.actor;
            const auto window = audit_window_in_query(query.from, query.to, query.cursor, errors);
            filter.from = window.from;
            filter.to = window.to;
            filter.before_id = window.before_id;
            if (!errors.empty()) {
                refuse_query(std::move(errors));
            }
            if (who.role == role::cse_champion) {
                filter.organisation_id = who.organisation_id;
            }
            filter.limit = query.limit;
            auto result = page_of(db::audit::list(uow, filter), query.limit,
                                  [](const audit_item& last) { return std::to_string(last.id); });
            audit.read({"audit.read", "audit", ""},
                       {{"entity_id", query.entity_id ? boost::json::value(*query.entity_id)
                                                      : boost::json::value(nullptr)}});
            return result;
        });
}

bool database_ready(const environment& env) {
    try {
        db::unit_of_work uow{env.pool};
        return db::ping(uow);
    } catch (const std::exception&) {
        // Any failure to reach or use the database means "not ready"; /readyz says so.
        return false;
    }
}

std::string database_metrics(const environment& env) {
    const auto stats = env.pool.stats();
    return "# HELP homeward_db_pool_connections Database connections by state.\n"
           "# TYPE homeward_db_pool_connections gauge\n"
           "homeward_db_pool_connections{state=\"size\"} " +
           std::to_string(stats.size) + "\nhomeward_db_pool_connections{state=\"open\"} " +
           std::to_string(stats.open) + "\nhomeward_db_pool_connections{state=\"in_use\"} " +
           std::to_string(stats.in_use) + "\nhomeward_db_pool_connections{state=\"waiting\"} " +
           std::to_string(stats.waiting) + "\n";
}

const workflow::indicator_catalogue& indicator_catalogue(const environment& env) {
    return env.catalogue;
}

} // namespace homeward::services
