#include "episode_view.hpp"

#include "homeward/workflow/episode_machine.hpp"

#include <algorithm>

namespace homeward::services {

workflow::episode_facts facts_of(const db::episode_row& row) {
    workflow::episode_facts facts;
    facts.last_seen_at = row.last_seen_at;
    facts.returned_at = row.returned_at;
    facts.interview_offered_at = row.interview_offered_at;
    facts.interview_at = row.interview_at;
    facts.interview_declined = row.interview == workflow::interview_outcome::declined;
    facts.safe_and_well_at = row.safe_and_well_at;
    facts.interview_cse_risk = row.interview_cse_risk;
    facts.signed_off = row.signed_off_at.has_value();
    facts.open_actions = row.open_actions;
    return facts;
}

workflow::episode_facts facts_of(const db::episode_record& record,
                                 const std::vector<db::action_record>& actions) {
    workflow::episode_facts facts;
    facts.last_seen_at = record.last_seen_at;
    facts.returned_at = record.returned_at;
    if (record.offer) {
        facts.interview_offered_at = record.offer->offered_at;
    }
    if (record.interview) {
        facts.interview_at = record.interview->conducted_at;
        facts.interview_declined =
            record.interview->outcome == workflow::interview_outcome::declined;
        facts.interview_cse_risk = record.interview->risk;
    }
    if (record.safe_and_well) {
        facts.safe_and_well_at = record.safe_and_well->conducted_at;
    }
    facts.signed_off = record.sign_off.has_value();
    facts.open_actions = static_cast<int>(
        std::count_if(actions.begin(), actions.end(), [](const db::action_record& action) {
            return action.status == workflow::action_status::open;
        }));
    return facts;
}

std::vector<db::clock_row> clocks_of(const environment& env, const db::episode_record& record,
                                     const std::vector<db::action_record>& actions) {
    workflow::clock_inputs in;
    in.reported_at = record.reported_at;
    in.risk = record.risk;
    in.returned_at = record.returned_at;
    if (record.safe_and_well) {
        in.safe_and_well_at = record.safe_and_well->conducted_at;
    }
    if (record.offer) {
        in.interview_offered_at = record.offer->offered_at;
        in.further_offer_at = record.offer->further_offer_at;
    }
    if (record.interview) {
        (record.interview->outcome == workflow::interview_outcome::held
             ? in.interview_held_at
             : in.interview_declined_at) = record.interview->conducted_at;
        in.interview_cse_risk = record.interview->risk;
    }
    for (const auto& action : actions) {
        in.actions.push_back({action.id, action.raised_at, action.due_at, action.completed_at});
    }
    if (record.state == workflow::episode_state::closed) {
        in.stopped_at = record.closed_at;
    } else if (record.state == workflow::episode_state::cancelled) {
        in.stopped_at = record.cancelled_at;
    }
    std::vector<db::clock_row> rows;
    for (const auto& clock : workflow::episode_deadlines(env.policy, in)) {
        db::clock_row out{std::string{workflow::to_string(clock.kind)},
                          clock.subject,
                          clock.starts_at,
                          clock.due_at,
                          clock.met_at,
                          clock.stopped_at,
                          std::nullopt,
                          std::nullopt};
        switch (workflow::holder_of(clock.kind)) {
        case workflow::clock_holder::police:
            out.holder_organisation_id = record.police_force_id;
            break;
        case workflow::clock_holder::social_work:
        case workflow::clock_holder::manager_and_champion:
            out.holder_organisation_id = record.responsible_authority_id;
            out.holder_user_id = record.assigned_worker_id;
            break;
        case workflow::clock_holder::action_owner:
            out.holder_organisation_id = record.responsible_authority_id;
            for (const auto& action : actions) {
                if (action.id == clock.subject) {
                    out.holder_user_id = action.owner_id;
                }
            }
            break;
        }
        rows.push_back(std::move(out));
    }
    return rows;
}

std::vector<clock_view> clock_views(const environment& env, const std::vector<db::clock_row>& rows,
                                    workflow::time_point now) {
    std::vector<clock_view> views;
    for (const auto& row : rows) {
        const auto kind = workflow::parse_clock_kind(row.kind);
        if (!kind) {
            continue;
        }
        const workflow::deadline clock{*kind,      row.subject, row.starts_at,
                                       row.due_at, row.met_at,  row.stopped_at};
        views.push_back({row.kind, row.subject.empty() ? std::nullopt : std::optional{row.subject},
                         row.starts_at, row.due_at, row.met_at,
                         workflow::classify(clock, now, env.policy), row.holder_user_id});
    }
    return views;
}

episode_view make_view(const environment& env, const actor& who, db::episode_record record,
                       std::vector<db::action_record> actions,
                       const std::vector<db::clock_row>& clocks, workflow::time_point now) {
    episode_view view;
    const auto facts = facts_of(record, actions);
    view.allowed_events =
        workflow::allowed_events(record.state, {who.role, who.user_id, now}, facts);
    view.deadlines = clock_views(env, clocks, now);
    view.episode = std::move(record);
    view.actions = std::move(actions);
    view.audience = who.role;
    return view;
}

} // namespace homeward::services
