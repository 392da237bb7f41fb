// The overdue queue, and the sweeper that announces clocks as they fall due.

#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/clocks.hpp"
#include "homeward/db/notifications.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace homeward::services {
namespace {

using workflow::role;
namespace json = boost::json;

constexpr int sweep_batch = 500;

void announce(db::unit_of_work& uow, const db::clocks::claimed_clock& clock, bool overdue) {
    if (!clock.holder_organisation_id) {
        return;
    }
    const std::string kind = overdue ? "clock_overdue" : "clock_due_soon";
    const std::string title = std::string{overdue ? "Overdue: " : "Due soon: "} + clock.kind;
    const std::string body = json::serialize(json::object{
        {"clock_id", clock.id},
        {"kind", clock.kind},
        {"subject", clock.subject},
        {"due_at", workflow::format_rfc3339(clock.due_at)},
        {"episode_id", clock.episode_id ? json::value(*clock.episode_id) : json::value(nullptr)},
        {"child_id", clock.child_id}});
    const std::string key = kind + ":" + std::to_string(clock.id) + ":" +
                            std::to_string(clock.due_at.time_since_epoch().count());
    const auto send = [&](const std::string& organisation, std::optional<role> recipient,
                          std::optional<std::string> user, const std::string& who) {
        db::notifications::raise(uow,
                                 {organisation, recipient, std::move(user), kind, clock.episode_id,
                                  clock.child_id, title, body, key + ":" + who});
    };
    const auto& holder_org = *clock.holder_organisation_id;
    if (clock.holder_user_id) {
        send(holder_org, std::nullopt, clock.holder_user_id, "holder");
    } else if (!overdue) {
        send(holder_org, std::nullopt, std::nullopt, "holder-org");
    }
    if (overdue) {
        const auto clock_kind = workflow::parse_clock_kind(clock.kind);
        // The holder's managers (for police clocks, the force as a whole).
        const bool police_clock =
            clock_kind && workflow::holder_of(*clock_kind) == workflow::clock_holder::police;
        send(holder_org, police_clock ? std::nullopt : std::optional{role::manager}, std::nullopt,
             "managers");
        // A child placed across a boundary: the host authority hears what the responsible
        // authority hears, its managers of social work's late work and its champion.
        const auto& host = clock.host_authority_id;
        const bool cross_border = host && host != clock.responsible_authority_id;
        if (cross_border && !police_clock && *host != holder_org) {
            send(*host, role::manager, std::nullopt, "host-managers");
        }
        if (clock_kind == workflow::clock_kind::long_missing ||
            clock_kind == workflow::clock_kind::repeat_missing_review) {
            const auto champion_org = clock.responsible_authority_id.value_or(holder_org);
            send(champion_org, role::cse_champion, std::nullopt, "champion");
            if (cross_border && *host != champion_org) {
                send(*host, role::cse_champion, std::nullopt, "host-champion");
            }
        }
    }
}

} // namespace

namespace {

// The filter the queue and its summary share, checked: 400 naming each parameter at fault.
db::clocks::overdue_filter filter_of(const environment& env, db::unit_of_work& uow,
                                     const overdue_query& query) {
    db::clocks::overdue_filter filter;
    filter.now = env.now();
    filter.window = env.policy.due_soon_window;
    filter.due_soon = query.due_soon;
    filter.open = query.open;
    if (query.open && query.due_soon) {
        refuse_query({{"open", "cannot be given with due_soon"}});
    }
    filter.limit = query.limit;
    if (query.kind) {
        if (!workflow::parse_clock_kind(*query.kind)) {
            refuse_query({{"kind", "is not a kind of clock"}});
        }
        filter.kind = query.kind;
    }
    filter.worker_id = id_in_query("worker_id", query.worker_id);
    filter.team_id = id_in_query("team", query.team);
    if (query.authority) {
        filter.authority_id = organisation_in_query(uow, "authority", *query.authority);
    }
    return filter;
}

constexpr std::initializer_list<role> clock_roles{role::police, role::social_worker, role::manager,
                                                  role::cse_champion};

} // namespace

page<overdue_view> overdue_queue(const environment& env, const actor& who,
                                 const overdue_query& query) {
    return run_read(
        env, who, {"overdue.read", "clock", ""}, [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, clock_roles, "read the overdue queue");
            check_limit(query.limit);
            auto filter = filter_of(env, uow, query);
            if (query.cursor) {
                const auto cursor = parse_cursor(*query.cursor, cursor_key::number);
                filter.after_due = cursor.at;
                filter.after_id = std::stoll(cursor.key);
            }
            std::vector<overdue_view> lines;
            json::array episode_ids;
            for (auto& item : db::clocks::overdue(uow, scope_of(who), filter)) {
                if (item.episode_id) {
                    episode_ids.emplace_back(*item.episode_id);
                }
                lines.push_back({std::move(item), filter.now});
            }
            // The queue shows children's names: a read of those episodes.
            audit.read({"overdue.read", "clock", ""}, {{"episode_ids", std::move(episode_ids)}});
            return page_of(std::move(lines), query.limit, [](const overdue_view& last) {
                return cursor_text(last.item.due_at, std::to_string(last.item.clock_id));
            });
        });
}

overdue_summary summarise_overdue(const environment& env, const actor& who,
                                  const overdue_query& query) {
    return run_read(
        env, who, {"overdue.summary", "clock", ""}, [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, clock_roles, "read the overdue queue");
            const auto filter = filter_of(env, uow, query);
            overdue_summary summary;
            for (const auto& row : db::clocks::summary(uow, scope_of(who), filter)) {
                auto kind = std::find_if(summary.by_kind.begin(), summary.by_kind.end(),
                                         [&](const auto& k) { return k.kind == row.kind; });
                if (kind == summary.by_kind.end()) {
                    kind = summary.by_kind.insert(summary.by_kind.end(), {row.kind, 0, 0});
                }
                kind->overdue += row.overdue;
                kind->due_soon += row.due_soon;
                auto worker =
                    std::find_if(summary.by_worker.begin(), summary.by_worker.end(),
                                 [&](const auto& w) { return w.user_id == row.holder_user_id; });
                if (worker == summary.by_worker.end()) {
                    worker = summary.by_worker.insert(
                        summary.by_worker.end(),
                        {row.holder_user_id, row.holder_username, row.holder_team, 0, 0});
                }
                worker->overdue += row.overdue;
                worker->due_soon += row.due_soon;
            }
            audit.read({"overdue.summary", "clock", ""});
            return summary;
        });
}

sweep_report sweep_clocks(const environment& env) {
    sweep_report report;
    const auto now = env.now();
    for (const bool overdue : {true, false}) {
        while (true) {
            db::unit_of_work uow{env.pool};
            const auto claimed =
                db::clocks::claim(uow, overdue, now, env.policy.due_soon_window, sweep_batch);
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
