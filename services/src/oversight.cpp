#include "homeward/services/oversight.hpp"

#include "homeward/db/repository.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/time_text.hpp"
#include "support.hpp"

#include <boost/json/parse.hpp>

namespace homeward::services {
namespace {

using workflow::role;

} // namespace

boost::json::object list_notifications(const environment& env, const actor& who, int limit,
                                       std::optional<std::string> cursor) {
    return run_audited(
        env, who, {"notification.list", "notification", ""}, [&](db::unit_of_work& uow) {
            check_limit(limit);
            std::optional<workflow::time_point> before;
            std::optional<std::string> before_id;
            if (cursor) {
                const auto after = parse_cursor(*cursor, cursor_key::uuid);
                before = after.at;
                before_id = after.key;
            }
            return page_of(boost::json::parse(
                               db::notifications_json(uow, scope_of(who), limit, before, before_id))
                               .as_array(),
                           limit, "created_at", "id");
        });
}

void mark_notification_read(const environment& env, const actor& who, std::string_view id) {
    run_audited(env, who, {"notification.read", "notification", std::string{id}},
                [&](db::unit_of_work& uow) {
                    if (!db::mark_notification_read(uow, scope_of(who), id)) {
                        throw failure(failure_kind::not_found, "no such notification");
                    }
                    return boost::json::object{};
                });
}

boost::json::object list_audit(const environment& env, const actor& who, const audit_query& query) {
    return run_audited(env, who, {"audit.read", "audit", ""}, [&](db::unit_of_work& uow) {
        require_role(who, {role::cse_champion, role::admin}, "read the audit trail");
        check_limit(query.limit);
        db::audit_filter filter;
        std::vector<field_error> errors;
        filter.entity_id = query.entity_id;
        if (query.actor) {
            if (query.actor->size() != 36) {
                errors.push_back({"actor", "is not a user id"});
            }
            filter.actor_id = query.actor;
        }
        for (const auto& [name, text, target] : {std::tuple{"from", query.from, &filter.from},
                                                 std::tuple{"to", query.to, &filter.to}}) {
            if (text) {
                *target = parse_rfc3339(*text);
                if (!*target) {
                    errors.push_back({name, "must be an RFC 3339 time with offset"});
                }
            }
        }
        if (query.cursor) {
            try {
                filter.before_seq = std::stoll(*query.cursor);
            } catch (const std::logic_error&) {
                errors.push_back({"cursor", "is not a cursor this server gave"});
            }
        }
        if (!errors.empty()) {
            refuse_query(std::move(errors));
        }
        if (who.role == role::cse_champion) {
            filter.organisation_id = who.organisation_id;
        }
        filter.limit = query.limit;
        auto items = boost::json::parse(db::audit_json(uow, filter)).as_array();
        boost::json::object result;
        result["next_cursor"] = nullptr;
        if (static_cast<int>(items.size()) == query.limit) {
            result["next_cursor"] = std::to_string(items.back().as_object().at("seq").as_int64());
        }
        result["items"] = std::move(items);
        audit_success(uow, who, {"audit.read", "audit", ""},
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

boost::json::object indicator_catalogue_json(const environment& env) {
    boost::json::array indicators;
    for (const auto& item : env.catalogue.indicators()) {
        indicators.push_back(boost::json::object{{"code", item.code},
                                                 {"category", workflow::to_string(item.category)},
                                                 {"label", item.label},
                                                 {"weight", item.weight}});
    }
    boost::json::array bands;
    for (const auto& band : env.catalogue.bands()) {
        bands.push_back(boost::json::object{{"min_score", band.min_score},
                                            {"level", workflow::to_string(band.level)}});
    }
    return {{"indicators", std::move(indicators)}, {"bands", std::move(bands)}};
}

} // namespace homeward::services
