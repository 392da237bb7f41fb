// Every event on an existing episode, run the same way: lock the episode in the caller's scope,
// check If-Match, read the body with the event's own reader, let the database checks and the
// workflow decide, then write the event's effects and the move (which reads the episode back as
// they left it), the recomputed clocks and the audit entry in one transaction, and answer with the
// episode as the caller now sees it.

#include "effects.hpp"

#include "../episode_view.hpp"
#include "../use_case.hpp"
#include "homeward/db/actions.hpp"
#include "homeward/db/clocks.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/workflow/episode_machine.hpp"

#include <boost/json/serialize.hpp>

namespace homeward::services {
namespace {

using workflow::verdict;

std::vector<std::string> names_of(const std::vector<workflow::episode_event>& events) {
    std::vector<std::string> names;
    for (const auto event : events) {
        names.emplace_back(workflow::to_string(event));
    }
    return names;
}

failure refusal(const workflow::decision& decision) {
    switch (decision.outcome) {
    case verdict::role_forbidden:
        return failure(failure_kind::forbidden, decision.reason);
    case verdict::invalid_input:
        return failure(failure_kind::invalid_input, decision.reason,
                       {{decision.field, decision.reason}});
    case verdict::state_forbids:
    case verdict::precondition_failed:
    case verdict::allowed:
        break;
    }
    return failure(failure_kind::state_conflict, decision.reason, {},
                   names_of(decision.allowed_events));
}

template <typename Event>
event_result run_event(const environment& env, const actor& who, const event_call& call) {
    const std::string name{Event::name};
    const audit_target target{"episode." + name, "episode", call.episode_id};
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        // The only role check: the event's own roles, before anything is read.
        if (!workflow::role_may(who.role, Event::id)) {
            throw failure(failure_kind::forbidden, "the role " +
                                                       std::string{workflow::to_string(who.role)} +
                                                       " may not send the event " + name);
        }
        const auto now = env.now();
        const auto row = db::episodes::lock(uow, call.episode_id, scope_of(who));
        if (!row) {
            throw failure(failure_kind::not_found, "no such episode");
        }
        if (call.expected_version && *call.expected_version != row->version) {
            throw failure(failure_kind::stale_version,
                          "the episode is at version " + std::to_string(row->version) + ", not " +
                              std::to_string(*call.expected_version) + ": reload it and try again");
        }
        workflow::input_reader input{call.body, Event::fields};
        Event body = Event::read(input, {now, &env.catalogue});
        if constexpr (Event::target == workflow::event_target::action) {
            body.action_id = call.action_id;
        }
        auto facts = facts_of(*row);
        events::check_context checking{env, uow, who, *row, input, facts};
        events::check(checking, body);

        const auto decision =
            workflow::decide(row->state, {who.role, who.user_id, now}, facts, body);
        if (decision.outcome == verdict::state_forbids ||
            decision.outcome == verdict::precondition_failed ||
            decision.outcome == verdict::role_forbidden) {
            throw refusal(decision);
        }
        finish(input);
        if (!decision.allowed()) {
            throw refusal(decision);
        }

        events::event_context effects{env, uow, who, *row, *decision.to, now, Event::id};
        auto moved = events::apply(effects, body);
        if (!moved) {
            throw failure(failure_kind::stale_version, "the episode changed meanwhile");
        }
        if (env.fault_injection) {
            env.fault_injection("after_state_write");
        }
        auto record = std::move(*moved);
        auto actions = std::move(record.actions);
        const auto clocks = clocks_of(env, record, actions);
        db::clocks::save(uow, row->id, row->child_id, clocks,
                         success_entry(who, {"episode." + name, "episode", row->id},
                                       {{"event", name},
                                        {"from_state", workflow::to_string(row->state)},
                                        {"to_state", workflow::to_string(*decision.to)},
                                        {"version", record.version}}));
        event_result result{make_view(env, who, std::move(record), std::move(actions), clocks, now),
                            std::nullopt};
        if (effects.created_action_id) {
            for (const auto& action : result.episode.actions) {
                if (action.id == *effects.created_action_id) {
                    result.created_action = action;
                }
            }
        }
        return result;
    });
}

} // namespace

namespace events {

db::episodes::move event_context::move(const boost::json::object& history_detail) const {
    return {episode.id,
            episode.version,
            episode.state,
            to,
            now,
            who.user_id,
            who.role,
            event,
            boost::json::serialize(history_detail)};
}

} // namespace events

event_result send_event(const environment& env, const actor& who, const event_call& call) {
    event_result (*runner)(const environment&, const actor&, const event_call&) = nullptr;
    workflow::for_each_event([&]<typename Event>(std::type_identity<Event>) {
        if constexpr (Event::target != workflow::event_target::new_episode) {
            if (Event::id == call.event) {
                runner = &run_event<Event>;
            }
        }
    });
    if (runner == nullptr) {
        throw failure(failure_kind::not_found, "no such event");
    }
    return runner(env, who, call);
}

} // namespace homeward::services
