// The figures: the period checked, the statement run in the caller's scope, indicators labelled
// from the catalogue, and the read audited with the children the champion's list names.

#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/services/stats.hpp"
#include "homeward/workflow/time_text.hpp"

namespace homeward::services {
namespace {

using workflow::role;

// Ten years: a longer period is a mistake, and would make PostgreSQL count for nothing.
constexpr std::chrono::days longest_period{3660};

std::optional<std::chrono::sys_days> day_in_query(std::string_view name,
                                                  const std::optional<std::string>& text,
                                                  std::vector<field_error>& errors) {
    if (!text) {
        return std::nullopt;
    }
    const auto day = workflow::parse_date(*text);
    if (!day) {
        errors.push_back({std::string{name}, "must be a date, YYYY-MM-DD"});
    }
    return day;
}

// The period asked for, checked (400 naming the parameter at fault), with its defaults.
db::stats::period period_of(const environment& env, db::unit_of_work& uow,
                            const std::optional<std::string>& from_text,
                            const std::optional<std::string>& to_text) {
    std::vector<field_error> errors;
    const auto from = day_in_query("from", from_text, errors);
    const auto to = day_in_query("to", to_text, errors);
    if (!errors.empty()) {
        refuse_query(std::move(errors));
    }
    const auto days = db::stats::resolve(uow, from, to, env.now(), env.policy.time_zone);
    if (days.to < days.from) {
        refuse_query({{"to", "must not be before from"}});
    }
    if (days.to - days.from >= longest_period) {
        refuse_query({{"to", "must be at most 3660 days after from"}});
    }
    return days;
}

std::optional<std::string> authority_of(db::unit_of_work& uow,
                                        const std::optional<std::string>& code) {
    if (!code) {
        return std::nullopt;
    }
    return organisation_in_query(uow, "authority", *code);
}

constexpr std::initializer_list<role> figure_roles{role::manager, role::cse_champion};

} // namespace

stats_view figures(const environment& env, const actor& who, const stats_query& query) {
    return run_read(
        env, who, {"stats.read", "stats", ""}, [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, figure_roles, "read the figures");
            db::stats::query q;
            q.current = period_of(env, uow, query.from, query.to);
            q.organisation_id = who.organisation_id;
            q.team_id = id_in_query("team", query.team);
            q.authority_id = authority_of(uow, query.authority);
            q.now = env.now();
            q.time_zone = env.policy.time_zone;
            q.offer_due = env.policy.interview_offer_due;
            q.held_due = env.policy.interview_held_due;
            q.list_repeat_children = who.role == role::cse_champion;

            stats_view view;
            view.current = q.current;
            const auto days = q.current.to - q.current.from + std::chrono::days{1};
            view.previous = {q.current.from - days, q.current.from - std::chrono::days{1}};
            view.time_zone = q.time_zone;
            view.authority = query.authority.value_or(who.organisation_code);
            view.team = q.team_id;
            view.offer_due = env.policy.interview_offer_due;
            view.held_due = env.policy.interview_held_due;
            view.figures = db::stats::figures(uow, q);

            boost::json::array child_ids;
            for (auto& row : view.figures) {
                if (row.figure == "indicators") {
                    if (const auto* known = env.catalogue.find(row.key)) {
                        row.label = known->label;
                    }
                } else if (row.figure == "repeat_child") {
                    child_ids.emplace_back(row.key);
                }
            }
            // Counts name no one; the champion's list names children: a read of them.
            audit.read({"stats.read", "stats", ""},
                       {{"from", workflow::format_date(view.current.from)},
                        {"to", workflow::format_date(view.current.to)},
                        {"child_ids", std::move(child_ids)}});
            return view;
        });
}

page<statutory_line> statutory_return(const environment& env, const actor& who,
                                      const statutory_return_query& query) {
    return run_read(
        env, who, {"statutory_return.read", "episode", ""},
        [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, figure_roles, "export the statutory return");
            check_limit(query.limit);
            db::stats::return_query q;
            q.days = period_of(env, uow, query.from, query.to);
            q.organisation_id = who.organisation_id;
            q.authority_id = authority_of(uow, query.authority);
            q.time_zone = env.policy.time_zone;
            q.limit = query.limit;
            if (query.cursor) {
                auto after = parse_cursor(*query.cursor, cursor_key::uuid);
                q.after_reported_at = after.at;
                q.after_id = std::move(after.key);
            }
            const auto now = env.now();
            std::vector<statutory_line> lines;
            boost::json::array episode_ids;
            for (auto& episode : db::stats::statutory_return(uow, q)) {
                statutory_line line;
                if (episode.returned_at) {
                    const auto returned = *episode.returned_at;
                    const auto held_due = returned + env.policy.interview_held_due;
                    line.offered_within_standard =
                        episode.offered_at &&
                        *episode.offered_at <= returned + env.policy.interview_offer_due;
                    if (episode.held_at) {
                        line.within_standard = *episode.held_at <= held_due ? "yes" : "no";
                        line.hours_to_interview = std::chrono::duration<double, std::ratio<3600>>(
                                                      *episode.held_at - returned)
                                                      .count();
                    } else if (episode.declined_at) {
                        line.within_standard = "declined";
                    } else {
                        line.within_standard = now > held_due ? "no" : "not_due";
                    }
                } else {
                    line.within_standard = "not_returned";
                }
                episode_ids.emplace_back(episode.episode_id);
                line.episode = std::move(episode);
                lines.push_back(std::move(line));
            }
            // Each line names a child (by id and date of birth): a read of those episodes.
            audit.read({"statutory_return.read", "episode", ""},
                       {{"episode_ids", std::move(episode_ids)}});
            return page_of(std::move(lines), query.limit, [](const statutory_line& last) {
                return cursor_text(last.episode.reported_at, last.episode.episode_id);
            });
        });
}

} // namespace homeward::services
