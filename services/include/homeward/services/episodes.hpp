#pragma once
// Episodes: the report (reporting.cpp), every event of the lifecycle (events/), and reads
// (episode_reads.cpp). Every write loads the episode in the caller's scope (locked), asks the
// workflow, and writes the new state, the history entry, the recomputed clocks, the audit entry and
// any notifications and webhook deliveries in one transaction. Failures are services::failure.

#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace homeward::services {

// A report with an idempotency key already used by the same user returns the first episode;
// the same key with a different body is failure(idempotency_conflict).
episode_view report_episode(const environment& env, const actor& who,
                            const boost::json::object& body,
                            std::optional<std::string> idempotency_key);

// One event on an existing episode (or on one of its actions).
struct event_call {
    workflow::episode_event event{workflow::episode_event::regrade_risk};
    std::string episode_id;
    std::optional<int> expected_version; // If-Match
    boost::json::object body;
    std::string action_id; // for an event on an action
};
event_result send_event(const environment& env, const actor& who, const event_call& call);

// The episode with its interview, actions, deadlines and the events the caller may send now.
episode_view get_episode(const environment& env, const actor& who, std::string_view id);
history_view episode_history(const environment& env, const actor& who, std::string_view id);
// Everything about one episode for the printed report: the episode and its timeline as the reader
// may see them (the same views, and audiences, as the two JSON reads), and who printed it when.
struct episode_report {
    episode_view episode;
    history_view history;
    time_point printed_at{};
    std::string printed_by; // username
    workflow::role printed_by_role{workflow::role::police};
    std::string printed_by_organisation; // organisation code
};
// The episode and its history read at one moment, for the printed report; audited as
// "episode.print" (the route in its detail; "episode.report" is the report of a missing child).
episode_report report_of_episode(const environment& env, const actor& who, std::string_view id);

struct episode_query {
    std::optional<std::string> state; // one state, or several separated by commas
    std::optional<std::string> child_id;
    std::optional<std::string> authority;         // organisation code
    std::optional<std::string> assigned;          // "me" or "none"
    std::optional<std::string> awaiting_sign_off; // "true": CSE risk medium/high, not signed off
    std::optional<std::string> team;              // a team's id: assigned to one of its workers
    int limit{50};
    std::optional<std::string> cursor;
};
page<episode_summary> list_episodes(const environment& env, const actor& who,
                                    const episode_query& query);

} // namespace homeward::services
