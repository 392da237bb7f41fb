// The episode state machine: the only translation unit that instantiates Boost.MSM.
//
// Each call builds a fresh machine, enters the stored state through a `restore` event from the
// initial (unreported) state, and processes the requested event once. Guards record why they
// refuse in the shared context, so a refusal can say what is wrong.

// The transition table has more rows than MPL's preprocessed default of 20.
#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_LIMIT_VECTOR_SIZE 40
#define BOOST_MPL_LIMIT_MAP_SIZE 40

#include "homeward/workflow/episode_machine.hpp"

#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

namespace homeward::workflow {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using msm::front::none;
using msm::front::Row;

// Shared between the caller and the guards of one run.
struct context {
    context(const event_request& req, const episode_facts& episode, bool probe)
        : request(req), facts(episode), probing(probe) {}

    const event_request& request;
    const episode_facts& facts;
    bool probing; // allowed_events(): no event data, check only what the facts decide
    std::optional<episode_state> restore_to{};
    std::optional<episode_state> entered{};
    verdict failure{verdict::allowed};
    std::string reason{};
    std::string field{};

    bool refuse(verdict why, std::string text, std::string at_field = {}) {
        failure = why;
        reason = std::move(text);
        field = std::move(at_field);
        return false;
    }
};

// ---- events -------------------------------------------------------------------------------

struct event_base {
    context* ctx;
};
struct restore_ev : event_base {};
struct report_ev : event_base {};
struct regrade_ev : event_base {};
struct return_ev : event_base {};
struct safe_and_well_ev : event_base {};
struct assign_ev : event_base {};
struct offer_ev : event_base {};
struct interview_ev : event_base {};
struct decline_ev : event_base {};
struct raise_action_ev : event_base {};
struct complete_action_ev : event_base {};
struct sign_off_ev : event_base {};
struct close_ev : event_base {};
struct cancel_ev : event_base {};
struct reopen_ev : event_base {};

// ---- states -------------------------------------------------------------------------------

template <episode_state State>
struct stored_state : msm::front::state<> {
    template <typename Event, typename Fsm>
    void on_entry(const Event& event, Fsm& /*fsm*/) {
        if constexpr (requires { event.ctx; }) {
            event.ctx->entered = State;
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

std::string_view time_field(episode_event event) {
    switch (event) {
    case episode_event::report:
        return "last_seen_at";
    case episode_event::record_return:
        return "returned_at";
    case episode_event::safe_and_well:
    case episode_event::record_interview:
        return "conducted_at";
    case episode_event::offer_interview:
        return "offered_at";
    case episode_event::record_decline:
        return "declined_at";
    default:
        return "at";
    }
}

struct earlier_time {
    std::optional<time_point> value;
    std::string_view name;
};

// The event's own time must be given, not in the future, and not before the episode's own
// earlier times.
bool time_in_order(context& ctx, std::initializer_list<earlier_time> earlier) {
    if (ctx.probing) {
        return true;
    }
    const std::string field{time_field(ctx.request.event)};
    if (!ctx.request.at) {
        return ctx.refuse(verdict::invalid_input, field + " is required", field);
    }
    const time_point at = *ctx.request.at;
    if (at > ctx.request.now) {
        return ctx.refuse(verdict::invalid_input, field + " is in the future", field);
    }
    for (const auto& bound : earlier) {
        if (bound.value && at < *bound.value) {
            return ctx.refuse(verdict::invalid_input,
                              field + " is before the episode's " + std::string{bound.name}, field);
        }
    }
    return true;
}

bool cse_risk_needs_sign_off(const episode_facts& facts) {
    return facts.interview_cse_risk == cse_risk::medium ||
           facts.interview_cse_risk == cse_risk::high;
}

bool check_restore_missing(context& ctx) { return ctx.restore_to == episode_state::missing; }
bool check_restore_returned(context& ctx) { return ctx.restore_to == episode_state::returned; }
bool check_restore_offered(context& ctx) {
    return ctx.restore_to == episode_state::interview_offered;
}
bool check_restore_interviewed(context& ctx) {
    return ctx.restore_to == episode_state::interviewed;
}
bool check_restore_follow_up(context& ctx) { return ctx.restore_to == episode_state::follow_up; }
bool check_restore_closed(context& ctx) { return ctx.restore_to == episode_state::closed; }
bool check_restore_cancelled(context& ctx) { return ctx.restore_to == episode_state::cancelled; }

bool check_report(context& ctx) { return time_in_order(ctx, {}); }

bool check_return(context& ctx) {
    return time_in_order(ctx, {{ctx.facts.last_seen_at, "last seen time"}});
}

bool check_safe_and_well(context& ctx) {
    if (ctx.facts.safe_and_well_at) {
        return ctx.refuse(verdict::precondition_failed,
                          "the safe-and-well check is already recorded");
    }
    return time_in_order(ctx, {{ctx.facts.returned_at, "return time"}});
}

bool check_assign(context& ctx) {
    if (!ctx.probing && ctx.request.actor_role == role::social_worker &&
        !ctx.request.assigning_self) {
        return ctx.refuse(verdict::invalid_input,
                          "a social worker may assign an episode only to themselves", "worker_id");
    }
    return true;
}

bool check_offer(context& ctx) {
    return time_in_order(ctx, {{ctx.facts.returned_at, "return time"}});
}

// A further offer after the child declined (never after an interview that was held).
bool check_further_offer(context& ctx) {
    if (!ctx.facts.interview_declined) {
        return ctx.refuse(verdict::precondition_failed,
                          "the interview was held; a further offer follows only a refusal");
    }
    return time_in_order(
        ctx, {{ctx.facts.returned_at, "return time"}, {ctx.facts.interview_at, "declined time"}});
}

bool check_interview(context& ctx) {
    return time_in_order(ctx, {{ctx.facts.returned_at, "return time"},
                               {ctx.facts.interview_offered_at, "offer time"}});
}

bool check_interview_after_further_offer(context& ctx) {
    return time_in_order(ctx, {{ctx.facts.returned_at, "return time"},
                               {ctx.facts.interview_offered_at, "offer time"},
                               {ctx.facts.interview_at, "declined time"}});
}

bool check_raise_action(context& /*ctx*/) { return true; }

bool check_complete_action(context& ctx) {
    if (ctx.probing) {
        if (ctx.facts.open_actions == 0) {
            return ctx.refuse(verdict::precondition_failed, "no action is open");
        }
        return true;
    }
    if (!ctx.request.action_open) {
        return ctx.refuse(verdict::precondition_failed, "the action is already done or cancelled");
    }
    if (ctx.request.actor_role != role::manager && !ctx.request.actor_owns_action) {
        return ctx.refuse(verdict::precondition_failed,
                          "only the action's owner or a manager may complete it");
    }
    return true;
}

bool check_sign_off(context& ctx) {
    if (!cse_risk_needs_sign_off(ctx.facts)) {
        return ctx.refuse(verdict::precondition_failed,
                          "sign-off is needed only when the CSE risk is medium or high");
    }
    if (ctx.facts.signed_off) {
        return ctx.refuse(verdict::precondition_failed, "the episode is already signed off");
    }
    return true;
}

bool check_close(context& ctx) {
    if (ctx.facts.open_actions > 0) {
        return ctx.refuse(verdict::precondition_failed, std::to_string(ctx.facts.open_actions) +
                                                            " follow-up action(s) are still open");
    }
    if (cse_risk_needs_sign_off(ctx.facts) && !ctx.facts.signed_off) {
        return ctx.refuse(verdict::precondition_failed,
                          "the CSE risk is medium or high: the CSE champion must sign off first");
    }
    return true;
}

bool check_always(context& /*ctx*/) { return true; }

template <bool (*Check)(context&)>
struct guard {
    template <typename Event, typename Fsm, typename Source, typename Target>
    bool operator()(const Event& event, Fsm& /*fsm*/, Source& /*source*/,
                    Target& /*target*/) const {
        return Check(*event.ctx);
    }
};

// ---- the machine --------------------------------------------------------------------------

struct episode_machine_def : msm::front::state_machine_def<episode_machine_def> {
    using initial_state = unreported;

    // clang-format off
    struct transition_table : mpl::vector<
        //  from            event               to              action  guard
        // entering the stored state
        Row<unreported,     restore_ev,         missing_s,      none,   guard<check_restore_missing>>,
        Row<unreported,     restore_ev,         returned_s,     none,   guard<check_restore_returned>>,
        Row<unreported,     restore_ev,         offered_s,      none,   guard<check_restore_offered>>,
        Row<unreported,     restore_ev,         interviewed_s,  none,   guard<check_restore_interviewed>>,
        Row<unreported,     restore_ev,         follow_up_s,    none,   guard<check_restore_follow_up>>,
        Row<unreported,     restore_ev,         closed_s,       none,   guard<check_restore_closed>>,
        Row<unreported,     restore_ev,         cancelled_s,    none,   guard<check_restore_cancelled>>,
        // the lifecycle of domain.md
        Row<unreported,     report_ev,          missing_s,      none,   guard<check_report>>,
        Row<missing_s,      regrade_ev,         missing_s,      none,   guard<check_always>>,
        Row<missing_s,      return_ev,          returned_s,     none,   guard<check_return>>,
        Row<missing_s,      cancel_ev,          cancelled_s,    none,   guard<check_always>>,
        Row<missing_s,      assign_ev,          missing_s,      none,   guard<check_assign>>,
        Row<returned_s,     assign_ev,          returned_s,     none,   guard<check_assign>>,
        Row<offered_s,      assign_ev,          offered_s,      none,   guard<check_assign>>,
        Row<interviewed_s,  assign_ev,          interviewed_s,  none,   guard<check_assign>>,
        Row<follow_up_s,    assign_ev,          follow_up_s,    none,   guard<check_assign>>,
        Row<returned_s,     safe_and_well_ev,   returned_s,     none,   guard<check_safe_and_well>>,
        Row<offered_s,      safe_and_well_ev,   offered_s,      none,   guard<check_safe_and_well>>,
        Row<interviewed_s,  safe_and_well_ev,   interviewed_s,  none,   guard<check_safe_and_well>>,
        Row<follow_up_s,    safe_and_well_ev,   follow_up_s,    none,   guard<check_safe_and_well>>,
        Row<returned_s,     offer_ev,           offered_s,      none,   guard<check_offer>>,
        Row<interviewed_s,  offer_ev,           offered_s,      none,   guard<check_further_offer>>,
        Row<returned_s,     interview_ev,       interviewed_s,  none,   guard<check_interview>>,
        Row<offered_s,      interview_ev,       interviewed_s,  none,   guard<check_interview_after_further_offer>>,
        Row<returned_s,     decline_ev,         interviewed_s,  none,   guard<check_interview>>,
        Row<offered_s,      decline_ev,         interviewed_s,  none,   guard<check_interview_after_further_offer>>,
        Row<interviewed_s,  raise_action_ev,    follow_up_s,    none,   guard<check_raise_action>>,
        Row<follow_up_s,    raise_action_ev,    follow_up_s,    none,   guard<check_raise_action>>,
        Row<follow_up_s,    complete_action_ev, follow_up_s,    none,   guard<check_complete_action>>,
        Row<interviewed_s,  sign_off_ev,        interviewed_s,  none,   guard<check_sign_off>>,
        Row<follow_up_s,    sign_off_ev,        follow_up_s,    none,   guard<check_sign_off>>,
        Row<interviewed_s,  close_ev,           closed_s,       none,   guard<check_close>>,
        Row<follow_up_s,    close_ev,           closed_s,       none,   guard<check_close>>,
        Row<closed_s,       reopen_ev,          follow_up_s,    none,   guard<check_always>>
    > {};
    // clang-format on

    // No row for the event in this state, or every guard refused: the caller reads the context.
    template <typename Fsm, typename Event>
    void no_transition(const Event& /*event*/, Fsm& /*fsm*/, int /*state*/) {}
};

using episode_machine = msm::back::state_machine<episode_machine_def>;

template <typename Event>
bool fire(episode_machine& machine, context& ctx) {
    return machine.process_event(Event{{&ctx}}) == msm::back::HANDLED_TRUE;
}

bool process(episode_machine& machine, context& ctx) {
    switch (ctx.request.event) {
    case episode_event::report:
        return fire<report_ev>(machine, ctx);
    case episode_event::regrade_risk:
        return fire<regrade_ev>(machine, ctx);
    case episode_event::record_return:
        return fire<return_ev>(machine, ctx);
    case episode_event::safe_and_well:
        return fire<safe_and_well_ev>(machine, ctx);
    case episode_event::assign:
        return fire<assign_ev>(machine, ctx);
    case episode_event::offer_interview:
        return fire<offer_ev>(machine, ctx);
    case episode_event::record_interview:
        return fire<interview_ev>(machine, ctx);
    case episode_event::record_decline:
        return fire<decline_ev>(machine, ctx);
    case episode_event::raise_action:
        return fire<raise_action_ev>(machine, ctx);
    case episode_event::complete_action:
        return fire<complete_action_ev>(machine, ctx);
    case episode_event::sign_off:
        return fire<sign_off_ev>(machine, ctx);
    case episode_event::close:
        return fire<close_ev>(machine, ctx);
    case episode_event::cancel:
        return fire<cancel_ev>(machine, ctx);
    case episode_event::reopen:
        return fire<reopen_ev>(machine, ctx);
    }
    return false;
}

// Runs one event from the stored state; the context holds the outcome.
bool run(std::optional<episode_state> current, context& ctx) {
    episode_machine machine;
    machine.start();
    if (current) {
        ctx.restore_to = current;
        const bool restored = fire<restore_ev>(machine, ctx);
        if (!restored || ctx.entered != current) {
            // Every state has a restore row; failing here is a broken invariant, not bad input.
            throw std::logic_error("episode machine cannot enter stored state " +
                                   std::string{to_string(*current)});
        }
        ctx.entered.reset();
    }
    return process(machine, ctx);
}

// ---- who may send what: data ------------------------------------------------------------

constexpr std::array police_only{role::police};
constexpr std::array social_work{role::social_worker, role::manager};
constexpr std::array action_completers{role::social_worker, role::manager, role::police};
constexpr std::array champion_only{role::cse_champion};
constexpr std::array manager_only{role::manager};

constexpr std::array<std::pair<episode_event, std::span<const role>>, 14> event_roles{{
    {episode_event::report, police_only},
    {episode_event::regrade_risk, police_only},
    {episode_event::record_return, police_only},
    {episode_event::safe_and_well, police_only},
    {episode_event::assign, social_work},
    {episode_event::offer_interview, social_work},
    {episode_event::record_interview, social_work},
    {episode_event::record_decline, social_work},
    {episode_event::raise_action, social_work},
    {episode_event::complete_action, action_completers},
    {episode_event::sign_off, champion_only},
    {episode_event::close, social_work},
    {episode_event::cancel, police_only},
    {episode_event::reopen, manager_only},
}};

std::string join_events(const std::vector<episode_event>& events) {
    if (events.empty()) {
        return "none";
    }
    std::string text;
    for (const auto event : events) {
        if (!text.empty()) {
            text += ", ";
        }
        text += to_string(event);
    }
    return text;
}

} // namespace

std::span<const role> roles_for(episode_event event) {
    for (const auto& [candidate, roles] : event_roles) {
        if (candidate == event) {
            return roles;
        }
    }
    return {};
}

bool role_may(role actor_role, episode_event event) {
    const auto roles = roles_for(event);
    return std::find(roles.begin(), roles.end(), actor_role) != roles.end();
}

std::vector<episode_event> allowed_events(std::optional<episode_state> current, role actor_role,
                                          const episode_facts& facts, time_point now) {
    std::vector<episode_event> allowed;
    for (const auto event : all_events()) {
        if (!role_may(actor_role, event)) {
            continue;
        }
        const event_request probe{.event = event, .actor_role = actor_role, .now = now};
        context ctx{probe, facts, true};
        if (run(current, ctx)) {
            allowed.push_back(event);
        }
    }
    return allowed;
}

decision decide(std::optional<episode_state> current, const event_request& request,
                const episode_facts& facts) {
    decision result;
    result.from = current;
    result.allowed_events = allowed_events(current, request.actor_role, facts, request.now);
    const std::string state_name{current ? to_string(*current) : "unreported"};

    if (!role_may(request.actor_role, request.event)) {
        result.outcome = verdict::role_forbidden;
        result.reason = "the role " + std::string{to_string(request.actor_role)} +
                        " may not send the event " + std::string{to_string(request.event)};
        return result;
    }

    context ctx{request, facts, false};
    const bool moved = run(current, ctx);
    if (moved && ctx.failure == verdict::allowed) {
        result.outcome = verdict::allowed;
        result.to = ctx.entered;
        return result;
    }
    if (ctx.failure != verdict::allowed) {
        result.outcome = ctx.failure;
        result.reason = ctx.reason;
        result.field = ctx.field;
        if (ctx.failure == verdict::precondition_failed) {
            result.reason += " (episode is " + state_name +
                             "; allowed events: " + join_events(result.allowed_events) + ")";
        }
        return result;
    }
    result.outcome = verdict::state_forbids;
    result.reason = "the episode is " + state_name + ": " + std::string{to_string(request.event)} +
                    " is not allowed; allowed events: " + join_events(result.allowed_events);
    return result;
}

} // namespace homeward::workflow
