#include "homeward/services/clocks.hpp"

#include "homeward/db/repository.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/time_text.hpp"
#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace homeward::services {
namespace {

using workflow::role;
using workflow::time_point;
namespace json = boost::json;

constexpr int sweep_batch = 500;

[[noreturn]] void invalid_query(std::string field, std::string message) {
    refuse_query({{std::move(field), std::move(message)}});
}

void announce(db::unit_of_work& uow, const db::claimed_clock& clock, bool overdue) {
    const std::string kind = overdue ? "clock_overdue" : "clock_due_soon";
    const std::string when = format_rfc3339(clock.due_at);
    const std::string title = std::string{overdue ? "Overdue: " : "Due soon: "} + clock.kind;
    const std::string body = json::serialize(json::object{
        {"clock_id", clock.id},
        {"kind", clock.kind},
        {"subject", clock.subject},
        {"due_at", when},
        {"episode_id", clock.episode_id ? json::value(*clock.episode_id) : json::value(nullptr)},
        {"child_id", clock.child_id}});
    const std::string key = kind + ":" + std::to_string(clock.id) + ":" +
                            std::to_string(clock.due_at.time_since_epoch().count());
    const auto send = [&](const std::string& organisation, std::optional<std::string> role_name,
                          std::optional<std::string> user, const std::string& who) {
        db::notify(uow, {organisation, std::move(role_name), std::move(user), kind,
                         clock.episode_id, clock.child_id, title, body, key + ":" + who});
    };
    if (!clock.holder_organisation_id) {
        return;
    }
    const auto& holder_org = *clock.holder_organisation_id;
    if (clock.holder_user_id) {
        send(holder_org, std::nullopt, clock.holder_user_id, "holder");
    } else if (!overdue) {
        send(holder_org, std::nullopt, std::nullopt, "holder-org");
    }
    if (overdue) {
        // The holder's managers (for police clocks, the force as a whole).
        const bool police_clock = clock.kind == "safe_and_well" || clock.kind == "long_missing";
        send(holder_org, police_clock ? std::nullopt : std::optional<std::string>{"manager"},
             std::nullopt, "managers");
        if (clock.kind == "long_missing" || clock.kind == "repeat_missing_review") {
            const auto champion_org = clock.responsible_authority_id.value_or(holder_org);
            send(champion_org, "cse_champion", std::nullopt, "champion");
        }
    }
}

} // namespace

json::object overdue_queue(const environment& env, const actor& who, const overdue_query& query) {
    return run_audited(env, who, {"overdue.read", "clock", ""}, [&](db::unit_of_work& uow) {
        require_role(who, {role::police, role::social_worker, role::manager, role::cse_champion},
                     "read the overdue queue");
        check_limit(query.limit);
        db::overdue_filter filter;
        filter.now = env.now();
        filter.window = env.policy.due_soon_window;
        filter.due_soon = query.due_soon;
        filter.limit = query.limit;
        if (query.kind) {
            if (!workflow::parse_clock_kind(*query.kind)) {
                invalid_query("kind", "is not a kind of clock");
            }
            filter.kind = query.kind;
        }
        if (query.worker_id) {
            if (query.worker_id->size() != 36) {
                invalid_query("worker_id", "is not a user id");
            }
            filter.worker_id = query.worker_id;
        }
        if (query.authority) {
            filter.authority_id = organisation_in_query(uow, "authority", *query.authority);
        }
        if (query.cursor) {
            const auto cursor = parse_cursor(*query.cursor, cursor_key::number);
            filter.after_due = cursor.at;
            filter.after_id = std::stoll(cursor.key);
        }
        return page_of(json::parse(db::overdue_json(uow, scope_of(who), filter)).as_array(),
                       query.limit, "due_at", "clock_id");
    });
}

sweep_report sweep_clocks(const environment& env) {
    sweep_report report;
    const auto now = env.now();
    for (const bool overdue : {true, false}) {
        while (true) {
            db::unit_of_work uow{env.pool};
            const auto claimed =
                db::claim_clocks(uow, overdue, now, env.policy.due_soon_window, sweep_batch);
            for (const auto& clock : claimed) {
                announce(uow, clock, overdue);
            }
            uow.commit();
            (overdue ? report.overdue : report.due_soon) += static_cast<int>(claimed.size());
            if (static_cast<int>(claimed.size()) < sweep_batch) {
                break;
            }
        }
    }
    return report;
}

} // namespace homeward::services
