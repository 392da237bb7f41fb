// Reads of episodes: one episode with everything its page shows, its history, and lists.
// Every read of case content is audited.

#include "episode_view.hpp"
#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/services/episodes.hpp"

namespace homeward::services {
namespace {

using workflow::role;

constexpr std::initializer_list<role> case_roles{role::police, role::social_worker, role::manager,
                                                 role::cse_champion};

// The episode in the caller's scope as they may read it, or failure(not_found).
episode_view visible_episode(const environment& env, const actor& who, db::unit_of_work& uow,
                             std::string_view id) {
    auto record = db::episodes::find(uow, id, scope_of(who));
    if (!record) {
        throw failure(failure_kind::not_found, "no such episode");
    }
    auto actions = std::move(record->actions);
    // The clocks are the policy's rules applied to what is recorded: the same function the
    // transitions store them with.
    const auto clocks = clocks_of(env, *record, actions);
    return make_view(env, who, std::move(*record), std::move(actions), clocks, env.now());
}

} // namespace

episode_view get_episode(const environment& env, const actor& who, std::string_view id) {
    return run_read(
        env, who, {"episode.read", "episode", std::string{id}},
        [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, case_roles, "read an episode");
            auto view = visible_episode(env, who, uow, id);
            audit.read({"episode.read", "episode", view.episode.id});
            return view;
        },
        // The episode, its child and its actions come in one statement.
        db::unit_of_work::isolation::single_statement);
}

episode_report report_of_episode(const environment& env, const actor& who, std::string_view id) {
    return run_read(
        env, who, {"episode.print", "episode", std::string{id}},
        [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, case_roles, "print an episode's report");
            episode_report report{visible_episode(env, who, uow, id),
                                  {},
                                  env.now(),
                                  who.username,
                                  who.role,
                                  who.organisation_code};
            report.history = {db::episodes::history(uow, report.episode.episode.id), who.role};
            audit.read({"episode.print", "episode", report.episode.episode.id},
                       {{"route", "/api/v1/episodes/{id}/report"}});
            return report;
        },
        // The episode and its history as they were at one moment.
        db::unit_of_work::isolation::snapshot);
}

history_view episode_history(const environment& env, const actor& who, std::string_view id) {
    return run_read(env, who, {"episode.history", "episode", std::string{id}},
                    [&](db::unit_of_work& uow, read_audit& audit) {
                        require_role(who, case_roles, "read an episode's history");
                        if (!db::episodes::visible(uow, id, scope_of(who))) {
                            throw failure(failure_kind::not_found, "no such episode");
                        }
                        audit.read({"episode.history", "episode", std::string{id}});
                        return history_view{db::episodes::history(uow, id), who.role};
                    });
}

page<episode_summary> list_episodes(const environment& env, const actor& who,
                                    const episode_query& query) {
    return run_read(
        env, who, {"episode.list", "episode", ""}, [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, case_roles, "list episodes");
            std::vector<field_error> errors;
            db::episodes::filter filter;
            if (query.state) {
                std::size_t start = 0;
                while (start <= query.state->size()) {
                    const auto comma = query.state->find(',', start);
                    const auto name = query.state->substr(
                        start, comma == std::string::npos ? std::string::npos : comma - start);
                    if (const auto state = workflow::parse_episode_state(name)) {
                        filter.states.push_back(*state);
                    } else {
                        errors.push_back({"state",
                                          "is not a state of an episode, or a list of them "
                                          "separated by commas"});
                        break;
                    }
                    if (comma == std::string::npos) {
                        break;
                    }
                    start = comma + 1;
                }
            }
            if (query.child_id && !workflow::is_uuid(*query.child_id)) {
                errors.push_back({"child_id", "is not an id"});
            }
            if (query.assigned == "me") {
                filter.assigned_worker_id = who.user_id;
            } else if (query.assigned == "none") {
                filter.unassigned = true;
            } else if (query.assigned) {
                errors.push_back({"assigned", "must be me or none"});
            }
            if (query.awaiting_sign_off && *query.awaiting_sign_off != "true" &&
                *query.awaiting_sign_off != "false") {
                errors.push_back({"awaiting_sign_off", "must be true or false"});
            }
            filter.awaiting_sign_off = query.awaiting_sign_off == "true";
            if (query.team && !workflow::is_uuid(*query.team)) {
                errors.push_back({"team", "is not a team's id"});
            }
            filter.team_id = query.team;
            filter.child_id = query.child_id;
            if (query.limit < 1 || query.limit > 500) {
                errors.push_back({"limit", "must be from 1 to 500"});
            }
            filter.limit = query.limit;
            if (query.authority) {
                if (const auto organisation = db::organisations::by_code(uow, *query.authority)) {
                    filter.authority_id = organisation->id;
                } else {
                    errors.push_back({"authority", "no organisation has this code"});
                }
            }
            if (query.cursor) {
                const auto cursor = parse_cursor(*query.cursor, cursor_key::uuid);
                filter.after_reported_at = cursor.at;
                filter.after_id = cursor.key;
            }
            if (!errors.empty()) {
                refuse_query(std::move(errors));
            }
            auto result = page_of(
                db::episodes::list(uow, scope_of(who), filter), filter.limit,
                [](const episode_summary& last) { return cursor_text(last.reported_at, last.id); });
            boost::json::array ids;
            for (const auto& item : result.items) {
                ids.emplace_back(item.id);
            }
            audit.read({"episode.list", "episode", ""},
                       {{"state", query.state ? boost::json::value(*query.state) : nullptr},
                        {"episode_ids", std::move(ids)}});
            return result;
        });
}

} // namespace homeward::services
