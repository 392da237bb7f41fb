#pragma once
// The events of an episode, each declared once, here: its stable name and the path it is sent
// to, the roles that may send it, its fields and their reader, and its guard. The state machine
// (episode_machine.cpp) takes its rows' guards from here, the services take the reader, and the
// router and the OpenAPI test resolve names through parse_episode_event() and event_for_path().
//
// Adding an event: its struct below and its name in HOMEWARD_EPISODE_EVENTS; its row(s) in the
// machine's table; and its effects (what it writes, whom it tells) in one services file,
// services/src/events/<name>.cpp.

#include "homeward/workflow/indicators.hpp"
#include "homeward/workflow/input.hpp"
#include "homeward/workflow/types.hpp"

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace homeward::workflow {

// Every event of the lifecycle, in its order; X(name) for each. The order is the order in which
// allowed events are listed.
#define HOMEWARD_EPISODE_EVENTS(X)                                                                 \
    X(report)                                                                                      \
    X(regrade_risk)                                                                                \
    X(record_return)                                                                               \
    X(safe_and_well)                                                                               \
    X(assign)                                                                                      \
    X(offer_interview)                                                                             \
    X(record_interview)                                                                            \
    X(record_decline)                                                                              \
    X(raise_action)                                                                                \
    X(complete_action)                                                                             \
    X(cancel_action)                                                                               \
    X(reassign_action)                                                                             \
    X(sign_off)                                                                                    \
    X(close)                                                                                       \
    X(cancel)                                                                                      \
    X(reopen)

#define HOMEWARD_EVENT_ENUMERATOR(name) name,
enum class episode_event { HOMEWARD_EPISODE_EVENTS(HOMEWARD_EVENT_ENUMERATOR) };
#undef HOMEWARD_EVENT_ENUMERATOR

// What an event is sent to: it makes a new episode, moves an existing one, or acts on one of an
// episode's follow-up actions (POST /episodes/{id}/actions/{action_id}/{path}).
enum class event_target { new_episode, episode, action };

// The stable name stored in the history ("return", "action-complete", ...).
std::string_view to_string(episode_event value);
std::optional<episode_event> parse_episode_event(std::string_view name);
// The event sent to this path segment of this target ("return" on an episode, "complete" on an
// action); nullopt for any other text.
std::optional<episode_event> event_for_path(event_target target, std::string_view path);
std::span<const episode_event> all_events();

// ---- what guards decide with --------------------------------------------------------------

// The episode as stored, as far as the guards need it.
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
    // For an event on an action: that action, when the episode has it.
    struct action {
        std::string owner_id;
        bool open{false};
    };
    std::optional<action> target_action;
};

enum class verdict {
    allowed,
    role_forbidden,      // this role never sends this event
    state_forbids,       // the current state has no transition for this event
    precondition_failed, // the state allows it but the episode is not ready (open actions, ...)
    invalid_input,       // the event's own data breaks a rule (times out of order, ...)
};

// Shared by the machine and the guards of one run; a guard that refuses says why here.
struct guard_context {
    std::optional<episode_state> from;
    role actor_role{role::police};
    std::string_view actor_id;
    time_point now{};
    const episode_facts& facts;
    // allowed_events(): no event data; guards check only what the facts decide.
    bool probing{false};

    verdict failure{verdict::allowed};
    std::string reason{};
    std::string field{};

    bool refuse(verdict why, std::string text, std::string at_field = {}) {
        failure = why;
        reason = std::move(text);
        field = std::move(at_field);
        return false;
    }

    struct earlier_time {
        std::optional<time_point> value;
        std::string_view name;
    };
    // The event's own time must not be in the future nor before the episode's earlier times.
    bool time_in_order(std::string_view name, time_point at,
                       std::initializer_list<earlier_time> earlier) {
        const std::string field_name{name};
        if (at > now) {
            return refuse(verdict::invalid_input, field_name + " is in the future", field_name);
        }
        for (const auto& bound : earlier) {
            if (bound.value && at < *bound.value) {
                return refuse(verdict::invalid_input,
                              field_name + " is before the episode's " + std::string{bound.name},
                              field_name);
            }
        }
        return true;
    }
};

// What a reader may need besides the body.
struct read_context {
    time_point now{};
    const indicator_catalogue* catalogue{nullptr};
};

namespace events {

// ---- the events ---------------------------------------------------------------------------

struct report {
    static constexpr episode_event id = episode_event::report;
    static constexpr std::string_view name = "report";
    static constexpr event_target target = event_target::new_episode;
    static constexpr std::string_view path = "";
    static constexpr role roles[] = {role::police};
    static constexpr std::string_view fields[] = {
        "child_id",   "last_seen_at",     "last_seen_location", "circumstances",
        "risk_level", "police_reference", "missing_or_away"};

    std::string child_id;
    time_point last_seen_at{};
    std::string last_seen_location;
    std::string circumstances;
    risk_level risk{risk_level::medium};
    std::string police_reference;
    absence_kind absence{absence_kind::missing};

    static report read(input_reader& in, const read_context&) {
        report e;
        e.child_id = in.id("child_id");
        e.last_seen_at = in.time("last_seen_at");
        e.last_seen_location = in.text("last_seen_location", 500);
        e.circumstances = in.text("circumstances", 10000);
        e.risk = in.choice<risk_level>("risk_level", parse_risk_level, choices_of(risk_level{}))
                     .value_or(risk_level::medium);
        e.police_reference = in.text("police_reference", 100);
        e.absence = in.choice<absence_kind>("missing_or_away", parse_absence_kind,
                                            choices_of(absence_kind{}))
                        .value_or(absence_kind::missing);
        return e;
    }
    static bool guard(guard_context& ctx, const report* e) {
        return e == nullptr || ctx.time_in_order("last_seen_at", e->last_seen_at, {});
    }
};

struct regrade_risk {
    static constexpr episode_event id = episode_event::regrade_risk;
    static constexpr std::string_view name = "risk";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::police};
    static constexpr std::string_view fields[] = {"risk_level", "reason"};

    risk_level level{risk_level::medium};
    std::string reason;

    static regrade_risk read(input_reader& in, const read_context&) {
        regrade_risk e;
        e.level = in.choice<risk_level>("risk_level", parse_risk_level, choices_of(risk_level{}))
                      .value_or(risk_level::medium);
        e.reason = in.text("reason", 10000);
        return e;
    }
    static bool guard(guard_context&, const regrade_risk*) { return true; }
};

struct record_return {
    static constexpr episode_event id = episode_event::record_return;
    static constexpr std::string_view name = "return";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::police};
    static constexpr std::string_view fields[] = {"returned_at", "found_location", "returned_to",
                                                  "found_by"};

    time_point returned_at{};
    std::string found_location;
    std::string returned_to;
    std::optional<std::string> found_by;

    static record_return read(input_reader& in, const read_context&) {
        record_return e;
        e.returned_at = in.time("returned_at");
        e.found_location = in.text("found_location", 2000);
        e.returned_to = in.text("returned_to", 2000);
        e.found_by = in.optional_text("found_by", 2000);
        return e;
    }
    static bool guard(guard_context& ctx, const record_return* e) {
        return e == nullptr || ctx.time_in_order("returned_at", e->returned_at,
                                                 {{ctx.facts.last_seen_at, "last seen time"}});
    }
};

struct safe_and_well {
    static constexpr episode_event id = episode_event::safe_and_well;
    static constexpr std::string_view name = "safe-and-well";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::police};
    static constexpr std::string_view fields[] = {"conducted_at", "notes", "concerns"};

    time_point conducted_at{};
    std::string notes;
    std::optional<std::string> concerns;

    static safe_and_well read(input_reader& in, const read_context&) {
        safe_and_well e;
        e.conducted_at = in.time("conducted_at");
        e.notes = in.text("notes", 10000);
        e.concerns = in.optional_text("concerns", 10000);
        return e;
    }
    static bool guard(guard_context& ctx, const safe_and_well* e) {
        if (ctx.facts.safe_and_well_at) {
            return ctx.refuse(verdict::precondition_failed,
                              "the safe-and-well check is already recorded");
        }
        return e == nullptr || ctx.time_in_order("conducted_at", e->conducted_at,
                                                 {{ctx.facts.returned_at, "return time"}});
    }
};

struct assign {
    static constexpr episode_event id = episode_event::assign;
    static constexpr std::string_view name = "assign";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::social_worker, role::manager};
    static constexpr std::string_view fields[] = {"worker_id"};

    std::string worker_id;

    static assign read(input_reader& in, const read_context&) {
        assign e;
        e.worker_id = in.id("worker_id");
        return e;
    }
    static bool guard(guard_context& ctx, const assign* e) {
        if (e != nullptr && ctx.actor_role == role::social_worker && e->worker_id != ctx.actor_id) {
            return ctx.refuse(verdict::invalid_input,
                              "a social worker may assign an episode only to themselves",
                              "worker_id");
        }
        return true;
    }
};

struct offer_interview {
    static constexpr episode_event id = episode_event::offer_interview;
    static constexpr std::string_view name = "interview-offer";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::social_worker, role::manager};
    static constexpr std::string_view fields[] = {"offered_at", "scheduled_for", "interviewer_id",
                                                  "independent"};

    time_point offered_at{};
    time_point scheduled_for{};
    std::optional<std::string> interviewer_id;
    bool independent{false};

    static offer_interview read(input_reader& in, const read_context&) {
        offer_interview e;
        const auto offered = in.required_time("offered_at");
        const auto scheduled = in.required_time("scheduled_for");
        e.interviewer_id = in.optional_id("interviewer_id");
        e.independent = in.boolean("independent");
        if (offered && scheduled && *scheduled < *offered) {
            in.add("scheduled_for", "is before offered_at");
        }
        e.offered_at = offered.value_or(time_point{});
        e.scheduled_for = scheduled.value_or(time_point{});
        return e;
    }
    // From `interviewed`, an offer is a further offer: only after the child declined.
    static bool guard(guard_context& ctx, const offer_interview* e) {
        const bool further = ctx.from == episode_state::interviewed;
        if (further && !ctx.facts.interview_declined) {
            return ctx.refuse(verdict::precondition_failed,
                              "the interview was held; a further offer follows only a refusal");
        }
        return e == nullptr || ctx.time_in_order("offered_at", e->offered_at,
                                                 {{ctx.facts.returned_at, "return time"},
                                                  {further ? ctx.facts.interview_at : std::nullopt,
                                                   "declined time"}});
    }
};

// The interview's own time must follow the return, the offer and any earlier refusal.
inline bool interview_time_in_order(guard_context& ctx, std::string_view field, time_point at) {
    return ctx.time_in_order(field, at,
                             {{ctx.facts.returned_at, "return time"},
                              {ctx.facts.interview_offered_at, "offer time"},
                              {ctx.facts.interview_at, "declined time"}});
}

struct record_interview {
    static constexpr episode_event id = episode_event::record_interview;
    static constexpr std::string_view name = "interview";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::social_worker, role::manager};
    static constexpr std::string_view fields[] = {
        "conducted_at",   "location",       "where_stayed",        "with_whom",      "push_factors",
        "pull_factors",   "harm_disclosed", "harm_details",        "indicators",     "cse_risk",
        "risk_rationale", "child_views",    "police_intelligence", "interviewer_id", "independent"};

    time_point conducted_at{};
    std::string location;
    std::string where_stayed;
    std::string with_whom;
    std::vector<std::string> push_factors;
    std::vector<std::string> pull_factors;
    bool harm_disclosed{false};
    std::optional<std::string> harm_details;
    std::vector<std::string> indicators;
    cse_risk risk{cse_risk::none};
    // What the indicators suggest, by the catalogue's weights and bands.
    int indicator_score{0};
    cse_risk suggested{cse_risk::none};
    std::optional<std::string> risk_rationale;
    std::string child_views;
    std::optional<std::string> police_intelligence;
    std::optional<std::string> interviewer_id;
    std::optional<bool> independent;

    static record_interview read(input_reader& in, const read_context& context) {
        record_interview e;
        e.conducted_at = in.time("conducted_at");
        e.location = in.text("location", 500);
        e.where_stayed = in.text("where_stayed", 10000);
        e.with_whom = in.text("with_whom", 10000);
        e.push_factors = in.text_list("push_factors");
        e.pull_factors = in.text_list("pull_factors");
        e.harm_disclosed = in.boolean("harm_disclosed");
        e.harm_details = in.optional_text("harm_details", 10000);
        e.indicators = in.text_list("indicators", 200);
        const auto level = in.choice<cse_risk>("cse_risk", parse_cse_risk, choices_of(cse_risk{}));
        e.risk_rationale = in.optional_text("risk_rationale", 10000);
        e.child_views = in.text("child_views", 10000);
        e.police_intelligence = in.optional_text("police_intelligence", 10000);
        e.interviewer_id = in.optional_id("interviewer_id");
        e.independent = in.optional_boolean("independent");
        if (e.harm_disclosed && !e.harm_details) {
            in.add("harm_details", "is required when harm_disclosed is true");
        }
        const auto faults = context.catalogue->unknown_or_repeated(e.indicators);
        if (!faults.empty()) {
            std::string names;
            for (const auto& code : faults) {
                names += (names.empty() ? "" : ", ") + code;
            }
            in.add("indicators", "has unknown or repeated codes: " + names);
        } else {
            const auto scored = context.catalogue->score(e.indicators);
            e.indicator_score = scored.score;
            e.suggested = scored.suggested;
            if (level && *level < scored.suggested && !e.risk_rationale) {
                in.add("risk_rationale",
                       "is required when cse_risk is lower than the level the indicators "
                       "suggest (" +
                           std::string{to_string(scored.suggested)} + ")");
            }
        }
        e.risk = level.value_or(cse_risk::none);
        return e;
    }
    static bool guard(guard_context& ctx, const record_interview* e) {
        return e == nullptr || interview_time_in_order(ctx, "conducted_at", e->conducted_at);
    }
};

struct record_decline {
    static constexpr episode_event id = episode_event::record_decline;
    static constexpr std::string_view name = "interview-declined";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::social_worker, role::manager};
    static constexpr std::string_view fields[] = {"declined_at", "reason", "attempts",
                                                  "carers_account"};

    time_point declined_at{};
    std::string reason;
    std::optional<std::string> attempts;
    std::optional<std::string> carers_account;

    static record_decline read(input_reader& in, const read_context&) {
        record_decline e;
        e.declined_at = in.time("declined_at");
        e.reason = in.text("reason", 10000);
        e.attempts = in.optional_text("attempts", 10000);
        e.carers_account = in.optional_text("carers_account", 10000);
        return e;
    }
    static bool guard(guard_context& ctx, const record_decline* e) {
        return e == nullptr || interview_time_in_order(ctx, "declined_at", e->declined_at);
    }
};

struct raise_action {
    static constexpr episode_event id = episode_event::raise_action;
    static constexpr std::string_view name = "actions";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::social_worker, role::manager};
    static constexpr std::string_view fields[] = {"type", "description", "owner_id", "due_at"};

    action_type type{action_type::safety_plan};
    std::string description;
    std::string owner_id;
    time_point due_at{};

    static raise_action read(input_reader& in, const read_context& context) {
        raise_action e;
        e.type = in.choice<action_type>("type", parse_action_type, choices_of(action_type{}))
                     .value_or(action_type::safety_plan);
        e.description = in.text("description", 10000);
        e.owner_id = in.id("owner_id");
        const auto due = in.required_time("due_at");
        if (due && *due <= context.now) {
            in.add("due_at", "must be in the future");
        }
        e.due_at = due.value_or(time_point{});
        return e;
    }
    static bool guard(guard_context&, const raise_action*) { return true; }
};

// The guard every event on one action shares: some action is open (when only probing which
// events are allowed), the target action is open, and the caller owns it or is a manager.
inline bool open_action_guard(guard_context& ctx, bool probing, std::string_view verb) {
    if (probing) {
        return ctx.facts.open_actions > 0 ||
               ctx.refuse(verdict::precondition_failed, "no action is open");
    }
    const auto& action = ctx.facts.target_action;
    if (!action || !action->open) {
        return ctx.refuse(verdict::precondition_failed, "the action is already done or cancelled");
    }
    if (ctx.actor_role != role::manager && action->owner_id != ctx.actor_id) {
        return ctx.refuse(verdict::precondition_failed,
                          "only the action's owner or a manager may " + std::string{verb} + " it");
    }
    return true;
}

struct complete_action {
    static constexpr episode_event id = episode_event::complete_action;
    static constexpr std::string_view name = "action-complete";
    static constexpr event_target target = event_target::action;
    static constexpr std::string_view path = "complete";
    // Police own actions raised for them (e.g. passing intelligence) and complete them.
    static constexpr role roles[] = {role::social_worker, role::manager, role::police};
    static constexpr std::string_view fields[] = {"outcome"};

    std::string action_id; // from the path
    std::string outcome;

    static complete_action read(input_reader& in, const read_context&) {
        complete_action e;
        e.outcome = in.text("outcome", 10000);
        return e;
    }
    static bool guard(guard_context& ctx, const complete_action* e) {
        return open_action_guard(ctx, e == nullptr, "complete");
    }
};

// An action that is no longer needed, with the reason, by its owner or a manager: closing the
// episode asks that every action be done or cancelled.
struct cancel_action {
    static constexpr episode_event id = episode_event::cancel_action;
    static constexpr std::string_view name = "action-cancel";
    static constexpr event_target target = event_target::action;
    static constexpr std::string_view path = "cancel";
    static constexpr role roles[] = {role::social_worker, role::manager, role::police};
    static constexpr std::string_view fields[] = {"reason"};

    std::string action_id; // from the path
    std::string reason;

    static cancel_action read(input_reader& in, const read_context&) {
        cancel_action e;
        e.reason = in.text("reason", 10000);
        return e;
    }
    static bool guard(guard_context& ctx, const cancel_action* e) {
        return open_action_guard(ctx, e == nullptr, "cancel");
    }
};

// An open action given to another owner by a manager; the new owner is told.
struct reassign_action {
    static constexpr episode_event id = episode_event::reassign_action;
    static constexpr std::string_view name = "action-reassign";
    static constexpr event_target target = event_target::action;
    static constexpr std::string_view path = "reassign";
    static constexpr role roles[] = {role::manager};
    static constexpr std::string_view fields[] = {"owner_id"};

    std::string action_id; // from the path
    std::string owner_id;

    static reassign_action read(input_reader& in, const read_context&) {
        reassign_action e;
        e.owner_id = in.id("owner_id");
        return e;
    }
    static bool guard(guard_context& ctx, const reassign_action* e) {
        if (!open_action_guard(ctx, e == nullptr, "reassign")) {
            return false;
        }
        if (e != nullptr && e->owner_id == ctx.facts.target_action->owner_id) {
            return ctx.refuse(verdict::invalid_input, "is already the action's owner", "owner_id");
        }
        return true;
    }
};

struct sign_off {
    static constexpr episode_event id = episode_event::sign_off;
    static constexpr std::string_view name = "sign-off";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::cse_champion};
    static constexpr std::string_view fields[] = {"note"};

    std::string note;

    static sign_off read(input_reader& in, const read_context&) {
        sign_off e;
        e.note = in.text("note", 10000);
        return e;
    }
    static bool guard(guard_context& ctx, const sign_off*) {
        if (!ctx.facts.interview_cse_risk || !needs_champion(*ctx.facts.interview_cse_risk)) {
            return ctx.refuse(verdict::precondition_failed,
                              "sign-off is needed only when the CSE risk is medium or high");
        }
        if (ctx.facts.signed_off) {
            return ctx.refuse(verdict::precondition_failed, "the episode is already signed off");
        }
        return true;
    }
};

struct close {
    static constexpr episode_event id = episode_event::close;
    static constexpr std::string_view name = "close";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::social_worker, role::manager};
    static constexpr std::string_view fields[] = {"summary"};

    std::string summary;

    static close read(input_reader& in, const read_context&) {
        close e;
        e.summary = in.text("summary", 10000);
        return e;
    }
    static bool guard(guard_context& ctx, const close*) {
        if (ctx.facts.open_actions > 0) {
            return ctx.refuse(verdict::precondition_failed,
                              std::to_string(ctx.facts.open_actions) +
                                  " follow-up action(s) are still open");
        }
        if (ctx.facts.interview_cse_risk && needs_champion(*ctx.facts.interview_cse_risk) &&
            !ctx.facts.signed_off) {
            return ctx.refuse(
                verdict::precondition_failed,
                "the CSE risk is medium or high: the CSE champion must sign off first");
        }
        return true;
    }
};

struct cancel {
    static constexpr episode_event id = episode_event::cancel;
    static constexpr std::string_view name = "cancel";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::police};
    static constexpr std::string_view fields[] = {"reason"};

    std::string reason;

    static cancel read(input_reader& in, const read_context&) {
        cancel e;
        e.reason = in.text("reason", 10000);
        return e;
    }
    static bool guard(guard_context&, const cancel*) { return true; }
};

struct reopen {
    static constexpr episode_event id = episode_event::reopen;
    static constexpr std::string_view name = "reopen";
    static constexpr event_target target = event_target::episode;
    static constexpr std::string_view path = name;
    static constexpr role roles[] = {role::manager};
    static constexpr std::string_view fields[] = {"reason"};

    std::string reason;

    static reopen read(input_reader& in, const read_context&) {
        reopen e;
        e.reason = in.text("reason", 10000);
        return e;
    }
    static bool guard(guard_context&, const reopen*) { return true; }
};

} // namespace events

// One event with its data, whichever it is.
#define HOMEWARD_EVENT_TYPE(name) events::name,
using event_body = std::variant<HOMEWARD_EPISODE_EVENTS(HOMEWARD_EVENT_TYPE) std::monostate>;
#undef HOMEWARD_EVENT_TYPE

// Calls f(std::type_identity<events::E>{}) for every event, in the order of the lifecycle.
template <typename F>
void for_each_event(F&& f) {
#define HOMEWARD_EVENT_VISIT(name) f(std::type_identity<events::name>{});
    HOMEWARD_EPISODE_EVENTS(HOMEWARD_EVENT_VISIT)
#undef HOMEWARD_EVENT_VISIT
}

// The static facts of an event, for code that holds only its id (the OpenAPI test, messages).
struct event_traits {
    episode_event id;
    std::string_view name;
    event_target target;
    std::string_view path;
    std::span<const role> roles;
    std::span<const std::string_view> fields;
};
const event_traits& traits_of(episode_event event);

} // namespace homeward::workflow
