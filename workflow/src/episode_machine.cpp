// The episode state machine: the only translation unit that instantiates Boost.MSM.
//
// Each call builds a fresh machine, enters the stored state through a `restore` event from the
// initial (unreported) state, and processes the requested event once. Each row's guard is the
// event's own (events.hpp); a guard that refuses records why in the shared context.

// The transition table has more rows than MPL's preprocessed default of 20.
#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_LIMIT_VECTOR_SIZE 40
#define BOOST_MPL_LIMIT_MAP_SIZE 40

#include "homeward/workflow/episode_machine.hpp"

#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace homeward::workflow {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
namespace ev = events;
using msm::front::none;
using msm::front::Row;

// One run of the machine: the guards' context, and the state entering the stored one reached.
struct run_state {
    guard_context& guard;
    std::optional<episode_state> restore_to{};
    std::optional<episode_state> entered{};
};

// ---- events: the machine's view of each event of events.hpp, and the restore ---------------

template <typename Event>
struct on {
    run_state* run;
    const Event* body; // null when probing for allowed events
};
struct restore_ev {
    run_state* run;
};

// ---- states -------------------------------------------------------------------------------

template <episode_state State>
struct stored_state : msm::front::state<> {
    template <typename Event, typename Fsm>
    void on_entry(const Event& event, Fsm& /*fsm*/) {
        if constexpr (requires { event.run; }) {
            event.run->entered = State;
        }
    }
};

struct unreported : msm::front::state<> {};
using missing_s = stored_state<episode_state::missing>;
using returned_s = stored_state<episode_state::returned>;
using offered_s = stored_state<episode_state::interview_offered>;
using interviewed_s = stored_state<episode_state::interviewed>;
using follow_up_s = stored_state<episode_state::follow_up>;
using closed_s = stored_state<episode_state::closed>;
using cancelled_s = stored_state<episode_state::cancelled>;

// ---- guards -------------------------------------------------------------------------------

template <typename Event>
struct guard_of {
    template <typename Fired, typename Fsm, typename Source, typename Target>
    bool operator()(const Fired& fired, Fsm& /*fsm*/, Source& /*source*/,
                    Target& /*target*/) const {
        return Event::guard(fired.run->guard, fired.body);
    }
};

template <episode_state State>
struct restores {
    template <typename Fired, typename Fsm, typename Source, typename Target>
    bool operator()(const Fired& fired, Fsm& /*fsm*/, Source& /*source*/,
                    Target& /*target*/) const {
        return fired.run->restore_to == State;
    }
};

// A row of the lifecycle: from a state, an event (guarded by its own guard) leads to a state.
template <typename From, typename Event, typename To>
using go = Row<From, on<Event>, To, none, guard_of<Event>>;
template <typename To, episode_state State>
using enter = Row<unreported, restore_ev, To, none, restores<State>>;

// ---- the machine --------------------------------------------------------------------------

struct episode_machine_def : msm::front::state_machine_def<episode_machine_def> {
    using initial_state = unreported;

    // clang-format off
    struct transition_table : mpl::vector<
        // entering the stored state
        enter<missing_s,     episode_state::missing>,
        enter<returned_s,    episode_state::returned>,
        enter<offered_s,     episode_state::interview_offered>,
        enter<interviewed_s, episode_state::interviewed>,
        enter<follow_up_s,   episode_state::follow_up>,
        enter<closed_s,      episode_state::closed>,
        enter<cancelled_s,   episode_state::cancelled>,
        // the lifecycle of domain.md:  from,  event,  to
        go<unreported,    ev::report,           missing_s>,
        go<missing_s,     ev::regrade_risk,     missing_s>,
        go<missing_s,     ev::record_return,    returned_s>,
        go<missing_s,     ev::cancel,           cancelled_s>,
        go<missing_s,     ev::assign,           missing_s>,
        go<returned_s,    ev::assign,           returned_s>,
        go<offered_s,     ev::assign,           offered_s>,
        go<interviewed_s, ev::assign,           interviewed_s>,
        go<follow_up_s,   ev::assign,           follow_up_s>,
        go<returned_s,    ev::safe_and_well,    returned_s>,
        go<offered_s,     ev::safe_and_well,    offered_s>,
        go<interviewed_s, ev::safe_and_well,    interviewed_s>,
        go<follow_up_s,   ev::safe_and_well,    follow_up_s>,
        go<returned_s,    ev::offer_interview,  offered_s>,
        go<interviewed_s, ev::offer_interview,  offered_s>,     // a further offer after a refusal
        go<returned_s,    ev::record_interview, interviewed_s>,
        go<offered_s,     ev::record_interview, interviewed_s>,
        go<returned_s,    ev::record_decline,   interviewed_s>,
        go<offered_s,     ev::record_decline,   interviewed_s>,
        go<interviewed_s, ev::raise_action,     follow_up_s>,
        go<follow_up_s,   ev::raise_action,     follow_up_s>,
        go<follow_up_s,   ev::complete_action,  follow_up_s>,
        go<follow_up_s,   ev::cancel_action,    follow_up_s>,
        go<follow_up_s,   ev::reassign_action,  follow_up_s>,
        go<interviewed_s, ev::sign_off,         interviewed_s>,
        go<follow_up_s,   ev::sign_off,         follow_up_s>,
        go<interviewed_s, ev::close,            closed_s>,
        go<follow_up_s,   ev::close,            closed_s>,
        go<closed_s,      ev::reopen,           follow_up_s>
    > {};
    // clang-format on

    // No row for the event in this state, or every guard refused: the caller reads the context.
    template <typename Fsm, typename Event>
    void no_transition(const Event& /*event*/, Fsm& /*fsm*/, int /*state*/) {}
};

using episode_machine = msm::back::state_machine<episode_machine_def>;

// Enters the stored state; a machine that cannot is a broken invariant, not bad input.
void restore(episode_machine& machine, run_state& run, std::optional<episode_state> current) {
    machine.start();
    if (!current) {
        return;
    }
    run.restore_to = current;
    const bool restored = machine.process_event(restore_ev{&run}) == msm::back::HANDLED_TRUE;
    if (!restored || run.entered != current) {
        throw std::logic_error("episode machine cannot enter stored state " +
                               std::string{to_string(*current)});
    }
    run.entered.reset();
}

template <typename Event>
bool fire(episode_machine& machine, run_state& run, const Event* body) {
    return machine.process_event(on<Event>{&run, body}) == msm::back::HANDLED_TRUE;
}

// Would this event, without its data, be allowed now?
bool probe(std::optional<episode_state> current, const event_sender& sender,
           const episode_facts& facts, episode_event event) {
    guard_context guard{current, sender.actor_role, sender.actor_id, sender.now, facts, true};
    run_state run{guard};
    episode_machine machine;
    restore(machine, run, current);
    bool moved = false;
    for_each_event([&]<typename Event>(std::type_identity<Event>) {
        if (Event::id == event) {
            moved = fire<Event>(machine, run, nullptr);
        }
    });
    return moved;
}

std::string join_events(const std::vector<episode_event>& events) {
    if (events.empty()) {
        return "none";
    }
    std::string text;
    for (const auto event : events) {
        text += (text.empty() ? "" : ", ") + std::string{to_string(event)};
    }
    return text;
}

episode_event id_of(const event_body& event) {
    return std::visit(
        []<typename Event>(const Event&) -> episode_event {
            if constexpr (std::is_same_v<Event, std::monostate>) {
                throw std::logic_error("decide() was given no event");
            } else {
                return Event::id;
            }
        },
        event);
}

} // namespace

std::span<const role> roles_for(episode_event event) { return traits_of(event).roles; }

bool role_may(role actor_role, episode_event event) {
    const auto roles = roles_for(event);
    return std::find(roles.begin(), roles.end(), actor_role) != roles.end();
}

std::vector<episode_event> allowed_events(std::optional<episode_state> current,
                                          const event_sender& sender, const episode_facts& facts) {
    std::vector<episode_event> allowed;
    for (const auto event : all_events()) {
        if (role_may(sender.actor_role, event) && probe(current, sender, facts, event)) {
            allowed.push_back(event);
        }
    }
    return allowed;
}

decision decide(std::optional<episode_state> current, const event_sender& sender,
                const episode_facts& facts, const event_body& event) {
    const episode_event id = id_of(event);
    decision result;
    result.from = current;
    result.allowed_events = allowed_events(current, sender, facts);
    const std::string state_name{current ? to_string(*current) : "unreported"};

    if (!role_may(sender.actor_role, id)) {
        result.outcome = verdict::role_forbidden;
        result.reason = "the role " + std::string{to_string(sender.actor_role)} +
                        " may not send the event " + std::string{to_string(id)};
        return result;
    }

    guard_context guard{current, sender.actor_role, sender.actor_id, sender.now, facts, false};
    run_state run{guard};
    episode_machine machine;
    restore(machine, run, current);
    const bool moved = std::visit(
        [&]<typename Event>(const Event& body) {
            if constexpr (std::is_same_v<Event, std::monostate>) {
                return false;
            } else {
                return fire<Event>(machine, run, &body);
            }
        },
        event);
    if (moved && guard.failure == verdict::allowed) {
        result.outcome = verdict::allowed;
        result.to = run.entered;
        return result;
    }
    if (guard.failure != verdict::allowed) {
        result.outcome = guard.failure;
        result.reason = guard.reason;
        result.field = guard.field;
        if (guard.failure == verdict::precondition_failed) {
            result.reason += " (episode is " + state_name +
                             "; allowed events: " + join_events(result.allowed_events) + ")";
        }
        return result;
    }
    result.outcome = verdict::state_forbids;
    result.reason = "the episode is " + state_name + ": " + std::string{to_string(id)} +
                    " is not allowed; allowed events: " + join_events(result.allowed_events);
    return result;
}

} // namespace homeward::workflow
