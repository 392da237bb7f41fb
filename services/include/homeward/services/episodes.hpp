#pragma once
// Episodes: the report and every event of the lifecycle, one use case each. Each loads the
// episode in the caller's scope (locked), asks the workflow, and writes the new state, the
// history entry, the recomputed clocks, the audit entry and any notifications and webhook
// deliveries in one transaction. Failures are services::failure (see errors.hpp).

#include "homeward/services/environment.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace homeward::services {

// A report with an idempotency key already used by the same user returns the first episode;
// the same key with a different body is failure(idempotency_conflict).
boost::json::object report_episode(const environment& env, const actor& who,
                                   const boost::json::object& body,
                                   std::optional<std::string> idempotency_key);

// One event on an existing episode.
struct event_call {
    std::string episode_id;
    std::optional<int> expected_version; // If-Match
    boost::json::object body;
    std::string action_id; // for action-complete
};

boost::json::object regrade_risk(const environment& env, const actor& who, const event_call& call);
boost::json::object record_return(const environment& env, const actor& who, const event_call& call);
boost::json::object record_safe_and_well(const environment& env, const actor& who,
                                         const event_call& call);
boost::json::object assign_worker(const environment& env, const actor& who, const event_call& call);
boost::json::object offer_interview(const environment& env, const actor& who,
                                    const event_call& call);
boost::json::object record_interview(const environment& env, const actor& who,
                                     const event_call& call);
boost::json::object record_decline(const environment& env, const actor& who,
                                   const event_call& call);
// Answers {"action": the new action, "episode": the episode}.
boost::json::object raise_action(const environment& env, const actor& who, const event_call& call);
boost::json::object complete_action(const environment& env, const actor& who,
                                    const event_call& call);
boost::json::object sign_off(const environment& env, const actor& who, const event_call& call);
boost::json::object close_episode(const environment& env, const actor& who, const event_call& call);
boost::json::object cancel_episode(const environment& env, const actor& who,
                                   const event_call& call);
boost::json::object reopen_episode(const environment& env, const actor& who,
                                   const event_call& call);

using event_use_case = boost::json::object (*)(const environment&, const actor&, const event_call&);
// The use case for an event's API name ("return", "interview-offer", ...), for routing.
event_use_case event_use_case_for(std::string_view api_name);

// The episode with its interview, actions, deadlines and the events the caller may send now.
boost::json::object get_episode(const environment& env, const actor& who, std::string_view id);
boost::json::array episode_history(const environment& env, const actor& who, std::string_view id);

struct episode_query {
    std::optional<std::string> state;    // one state, or several separated by commas
    std::optional<std::string> assigned; // "me": assigned to the caller; "none": to nobody
    std::optional<std::string> child_id;
    std::optional<std::string> authority; // organisation code
    int limit{50};
    std::optional<std::string> cursor;
};
// {items, next_cursor}
boost::json::object list_episodes(const environment& env, const actor& who,
                                  const episode_query& query);

} // namespace homeward::services
