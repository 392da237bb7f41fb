#pragma once
// The single authority on which event may move an episode from which state.
//
// The machine itself (Boost.MSM) lives in one translation unit behind this interface so that its
// template cost is paid once. Callers pass the stored state as text-backed enum (never MSM's
// numeric ids), the facts the guards depend on, and the event; they get back a decision.

#include "homeward/workflow/types.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace homeward::workflow {

// What the guards need to know about the episode as stored.
struct episode_facts {
    std::optional<time_point> last_seen_at;
    std::optional<time_point> returned_at;
    std::optional<time_point> interview_offered_at;
    std::optional<time_point> interview_at; // held or declined
    bool interview_declined{false};
    std::optional<time_point> safe_and_well_at;
    std::optional<cse_risk> interview_cse_risk;
    bool signed_off{false};
    int open_actions{0};
};

// The event as the caller sends it.
struct event_request {
    episode_event event{episode_event::report};
    role actor_role{role::police};
    time_point now{};
    // The time the event happened, as recorded by the user (last seen for a report, the return,
    // the check, the offer, the interview or the decline). Unset for events without one.
    std::optional<time_point> at{};
    bool assigning_self{false};    // assign: the worker named is the actor
    bool actor_owns_action{false}; // complete_action: the actor owns the action
    bool action_open{false};       // complete_action: the action is still open
};

enum class verdict {
    allowed,
    role_forbidden,      // this role never sends this event
    state_forbids,       // the current state has no transition for this event
    precondition_failed, // the state allows it but the episode is not ready (open actions, ...)
    invalid_input,       // the event's own data breaks a rule (times out of order, ...)
};

struct decision {
    verdict outcome{verdict::state_forbids};
    std::optional<episode_state> from;         // unset before the report
    std::optional<episode_state> to;           // set when allowed
    std::vector<episode_event> allowed_events; // what this role may send from `from` now
    std::string reason;                        // for refusals: what is wrong, in plain words
    std::string field;                         // for invalid_input: the field at fault
    bool allowed() const { return outcome == verdict::allowed; }
};

// Decides one event. `current` is unset for an episode not yet reported.
decision decide(std::optional<episode_state> current, const event_request& request,
                const episode_facts& facts);

// The events this role may send now, given the facts (without event data: time rules, which
// depend on the times the user will enter, are checked by decide()).
std::vector<episode_event> allowed_events(std::optional<episode_state> current, role actor_role,
                                          const episode_facts& facts, time_point now);

// Which roles may send an event at all: data, checked by decide().
std::span<const role> roles_for(episode_event event);
bool role_may(role actor_role, episode_event event);

} // namespace homeward::workflow
