#pragma once
// The single authority on which event may move an episode from which state.
//
// The machine itself (Boost.MSM) lives in one translation unit behind this interface so that its
// template cost is paid once. Callers pass the stored state (never MSM's numeric ids), the facts
// the guards depend on, who is acting and the event with its data; they get back a decision.

#include "homeward/workflow/events.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace homeward::workflow {

// Who sends an event, and when.
struct event_sender {
    role actor_role{role::police};
    std::string actor_id;
    time_point now{};
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
decision decide(std::optional<episode_state> current, const event_sender& sender,
                const episode_facts& facts, const event_body& event);

// The events this role may send now, given the facts (without event data: rules about the data,
// such as its times, are checked by decide()).
std::vector<episode_event> allowed_events(std::optional<episode_state> current,
                                          const event_sender& sender, const episode_facts& facts);

// Which roles may send an event at all.
std::span<const role> roles_for(episode_event event);
bool role_may(role actor_role, episode_event event);

} // namespace homeward::workflow
