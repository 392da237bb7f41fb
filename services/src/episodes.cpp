// The episode use cases. Each event has a reader that turns the request body into the columns it
// writes and the facts the workflow's guards need; transition() does the rest the same way for
// all of them, in one transaction.

#include "homeward/services/episodes.hpp"

#include "child_clocks.hpp"
#include "homeward/db/repository.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/time_text.hpp"
#include "homeward/workflow/episode_machine.hpp"
#include "input.hpp"
#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

namespace homeward::services {
namespace {

using workflow::episode_event;
using workflow::role;
using workflow::time_point;
namespace json = boost::json;

std::string epoch_text(time_point at) { return std::to_string(at.time_since_epoch().count()); }

db::column_value time_column(std::string column, std::optional<time_point> at) {
    return {std::move(column), at ? std::optional{epoch_text(*at)} : std::nullopt, true};
}

db::column_value text_column(std::string column, std::optional<std::string> value) {
    return {std::move(column), std::move(value), false};
}

db::column_value bool_column(std::string column, std::optional<bool> value) {
    return {std::move(column),
            value ? std::optional<std::string>{*value ? "true" : "false"} : std::nullopt, false};
}

template <typename Enum>
std::optional<Enum> parse_enum(std::optional<std::string> text,
                               std::optional<Enum> (*parse)(std::string_view)) {
    return text ? parse(*text) : std::nullopt;
}

workflow::episode_facts facts_of(const db::episode_row& row) {
    workflow::episode_facts facts;
    facts.last_seen_at = row.last_seen_at;
    facts.returned_at = row.returned_at;
    facts.interview_offered_at = row.interview_offered_at;
    facts.interview_at = row.interview_at;
    facts.interview_declined = row.interview_outcome == "declined";
    facts.safe_and_well_at = row.safe_and_well_at;
    facts.interview_cse_risk = parse_enum(row.interview_cse_risk, &workflow::parse_cse_risk);
    facts.signed_off = row.signed_off_at.has_value();
    facts.open_actions = row.open_actions;
    return facts;
}

std::vector<std::string> event_names(const std::vector<episode_event>& events) {
    std::vector<std::string> names;
    for (const auto event : events) {
        names.emplace_back(workflow::to_string(event));
    }
    return names;
}

// ---- clocks ------------------------------------------------------------------------------------

workflow::clock_inputs clock_inputs_of(const db::episode_row& row,
                                       const std::vector<db::action_row>& actions) {
    workflow::clock_inputs in;
    in.reported_at = row.reported_at;
    in.risk = workflow::parse_risk_level(row.risk_level).value_or(workflow::risk_level::medium);
    in.returned_at = row.returned_at;
    in.safe_and_well_at = row.safe_and_well_at;
    in.interview_offered_at = row.interview_offered_at;
    if (row.interview_outcome == "held") {
        in.interview_held_at = row.interview_at;
    } else if (row.interview_outcome == "declined") {
        in.interview_declined_at = row.interview_at;
    }
    in.further_offer_at = row.further_offer_at;
    in.interview_cse_risk = parse_enum(row.interview_cse_risk, &workflow::parse_cse_risk);
    for (const auto& action : actions) {
        in.actions.push_back({action.id, action.raised_at, action.due_at, action.completed_at});
    }
    if (row.state == "closed") {
        in.stopped_at = row.closed_at;
    } else if (row.state == "cancelled") {
        in.stopped_at = row.cancelled_at;
    }
    return in;
}

// Recomputes every clock of the episode from its stored facts, with the policy's rules.
void save_clocks(const environment& env, db::unit_of_work& uow, const db::episode_row& row) {
    const auto actions = db::actions_of(uow, row.id);
    std::vector<db::clock_row> rows;
    for (const auto& clock :
         workflow::episode_deadlines(env.policy, clock_inputs_of(row, actions))) {
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
            out.holder_organisation_id = row.police_force_id;
            break;
        case workflow::clock_holder::social_work:
        case workflow::clock_holder::manager_and_champion:
            out.holder_organisation_id = row.responsible_authority_id;
            out.holder_user_id = row.assigned_worker_id;
            break;
        case workflow::clock_holder::action_owner:
            out.holder_organisation_id = row.responsible_authority_id;
            for (const auto& action : actions) {
                if (action.id == clock.subject) {
                    out.holder_user_id = action.owner_id;
                }
            }
            break;
        }
        rows.push_back(std::move(out));
    }
    db::save_clocks(uow, row.id, row.child_id, rows);
}

// The episode as the caller may see it, with its child, clocks and the events allowed now.
json::object episode_view(const environment& env, db::unit_of_work& uow, const actor& who,
                          const db::episode_row& row, time_point now) {
    auto view = parse_object(db::episode_json(uow, row.id, who.role != role::police));
    const auto child = db::child_json(uow, row.child_id, scope_of(who));
    view["child"] = child ? json::value(parse_object(*child)) : json::value(nullptr);
    view["deadlines"] = clocks_json(env, db::clocks_of(uow, row.id), now);
    const auto state = workflow::parse_episode_state(row.state);
    json::array allowed;
    for (const auto& name :
         event_names(workflow::allowed_events(state, who.role, facts_of(row), now))) {
        allowed.emplace_back(name);
    }
    view["allowed_events"] = std::move(allowed);
    return view;
}

// ---- notifications -----------------------------------------------------------------------------

void notify_authorities(db::unit_of_work& uow, const db::episode_row& row, std::string_view kind,
                        std::string_view title, json::object body) {
    body["episode_id"] = row.id;
    body["child_id"] = row.child_id;
    const std::string body_text = json::serialize(body);
    std::vector<std::string> authorities{row.responsible_authority_id};
    if (row.host_authority_id && *row.host_authority_id != row.responsible_authority_id) {
        authorities.push_back(*row.host_authority_id);
    }
    for (const auto& authority : authorities) {
        db::notify(uow, {authority, std::nullopt, std::nullopt, std::string{kind}, row.id,
                         row.child_id, std::string{title}, body_text,
                         std::string{kind} + ":" + row.id + ":" + authority + ":v" +
                             std::to_string(row.version)});
    }
}

// ---- the shared transition ---------------------------------------------------------------------

// What one event's reader makes of the request: the time the guards check, the columns to
// write, and anything else to write after the state (an interview, an action).
struct event_effect {
    std::optional<time_point> at;
    bool assigning_self{false};
    bool actor_owns_action{false};
    bool action_open{false};
    std::vector<db::column_value> columns;
    json::object history_detail;
    std::function<void(db::unit_of_work&, const db::episode_row&, time_point)> write_more;
};

using effect_reader = std::function<event_effect(input_reader&, db::unit_of_work&,
                                                 const db::episode_row&, const actor&, time_point)>;

struct event_spec {
    episode_event event;
    std::vector<std::string_view> fields;
    effect_reader read;
};

failure refusal(const workflow::decision& decision) {
    const auto allowed = event_names(decision.allowed_events);
    switch (decision.outcome) {
    case workflow::verdict::role_forbidden:
        return failure(failure_kind::forbidden, decision.reason);
    case workflow::verdict::invalid_input:
        return failure(failure_kind::invalid_input, decision.reason,
                       {{decision.field, decision.reason}});
    case workflow::verdict::state_forbids:
    case workflow::verdict::precondition_failed:
    case workflow::verdict::allowed:
        break;
    }
    return failure(failure_kind::state_conflict, decision.reason, {}, allowed);
}

json::object transition(const environment& env, const actor& who, const event_call& call,
                        const event_spec& spec) {
    const std::string event_name{workflow::to_string(spec.event)};
    const audit_target target{"episode." + event_name, "episode", call.episode_id};
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        if (!workflow::role_may(who.role, spec.event)) {
            throw failure(failure_kind::forbidden, "the role " +
                                                       std::string{workflow::to_string(who.role)} +
                                                       " may not send the event " + event_name);
        }
        const time_point now = env.now();
        const auto row = db::lock_episode(uow, call.episode_id, scope_of(who));
        if (!row) {
            throw failure(failure_kind::not_found, "no such episode");
        }
        if (call.expected_version && *call.expected_version != row->version) {
            throw failure(failure_kind::stale_version,
                          "the episode is at version " + std::to_string(row->version) + ", not " +
                              std::to_string(*call.expected_version) + ": reload it and try again");
        }
        input_reader input{call.body, spec.fields};
        auto effect = spec.read(input, uow, *row, who, now);

        workflow::event_request request;
        request.event = spec.event;
        request.actor_role = who.role;
        request.now = now;
        request.at = effect.at;
        request.assigning_self = effect.assigning_self;
        request.actor_owns_action = effect.actor_owns_action;
        request.action_open = effect.action_open;
        const auto state = workflow::parse_episode_state(row->state);
        const auto decision = workflow::decide(state, request, facts_of(*row));
        if (decision.outcome == workflow::verdict::state_forbids ||
            decision.outcome == workflow::verdict::precondition_failed ||
            decision.outcome == workflow::verdict::role_forbidden) {
            throw refusal(decision);
        }
        input.finish();
        if (!decision.allowed()) {
            throw refusal(decision);
        }

        const std::string to_state{workflow::to_string(*decision.to)};
        if (!db::update_episode(uow, row->id, row->version, to_state, effect.columns)) {
            throw failure(failure_kind::stale_version, "the episode changed meanwhile");
        }
        if (env.fault_injection) {
            env.fault_injection("after_state_write");
        }
        if (effect.write_more) {
            effect.write_more(uow, *row, now);
        }
        const int version = row->version + 1;
        db::insert_history(uow, row->id, version, who.user_id, workflow::to_string(who.role),
                           event_name, row->state, to_state, json::serialize(effect.history_detail),
                           now);
        const auto updated = db::lock_episode(uow, row->id, scope_of(who));
        save_clocks(env, uow, *updated);
        if (spec.event == episode_event::record_interview && updated->interview_at) {
            if (const auto risk =
                    workflow::parse_cse_risk(updated->interview_cse_risk.value_or(""))) {
                const auto holder = who.role == role::social_worker ? std::optional{who.user_id}
                                                                    : updated->assigned_worker_id;
                note_cse_assessment(env, uow,
                                    {updated->child_id, updated->responsible_authority_id, holder,
                                     *updated->interview_at, *risk});
            }
        }
        if (spec.event == episode_event::record_return) {
            notify_authorities(uow, *updated, "child_returned", "Child returned",
                               {{"returned_at", time_json(updated->returned_at)}});
        }
        if (spec.event == episode_event::record_interview &&
            (updated->interview_cse_risk == "medium" || updated->interview_cse_risk == "high")) {
            db::notify(
                uow, {updated->responsible_authority_id, "cse_champion", std::nullopt,
                      "cse_risk_raised", updated->id, updated->child_id,
                      "Interview records CSE risk " + *updated->interview_cse_risk,
                      json::serialize(json::object{{"episode_id", updated->id},
                                                   {"cse_risk", *updated->interview_cse_risk}}),
                      "cse_risk_raised:" + updated->id + ":v" + std::to_string(updated->version)});
        }
        json::object detail{{"event", event_name},
                            {"from_state", row->state},
                            {"to_state", to_state},
                            {"version", version}};
        audit_success(uow, who, {"episode." + event_name, "episode", row->id}, detail);
        return episode_view(env, uow, who, *updated, now);
    });
}

// ---- the events --------------------------------------------------------------------------------

std::optional<std::string> risk_text(input_reader& input, std::string_view field) {
    const auto level =
        input.choice<workflow::risk_level>(field, workflow::parse_risk_level, "low, medium, high");
    return level ? std::optional<std::string>{workflow::to_string(*level)} : std::nullopt;
}

const event_spec regrade_spec{episode_event::regrade_risk,
                              {"risk_level", "reason"},
                              [](input_reader& input, db::unit_of_work&, const db::episode_row& row,
                                 const actor&, time_point) {
                                  event_effect effect;
                                  const auto level = risk_text(input, "risk_level");
                                  const auto reason = input.text("reason");
                                  effect.columns.push_back(text_column("risk_level", level));
                                  effect.history_detail = {{"from_risk", row.risk_level},
                                                           {"to_risk", level.value_or("")},
                                                           {"reason", reason}};
                                  return effect;
                              }};

const event_spec return_spec{
    episode_event::record_return,
    {"returned_at", "found_location", "returned_to", "found_by"},
    [](input_reader& input, db::unit_of_work&, const db::episode_row&, const actor&, time_point) {
        event_effect effect;
        effect.at = input.required_time("returned_at");
        effect.columns = {time_column("returned_at", effect.at),
                          text_column("found_location", input.text("found_location")),
                          text_column("returned_to", input.text("returned_to")),
                          text_column("found_by", input.optional_text("found_by"))};
        return effect;
    }};

const event_spec safe_and_well_spec{
    episode_event::safe_and_well,
    {"conducted_at", "notes", "concerns"},
    [](input_reader& input, db::unit_of_work&, const db::episode_row&, const actor& who,
       time_point) {
        event_effect effect;
        effect.at = input.required_time("conducted_at");
        effect.columns = {
            time_column("safe_and_well_at", effect.at),
            text_column("safe_and_well_by", who.user_id),
            text_column("safe_and_well_notes", input.text("notes", 10000)),
            text_column("safe_and_well_concerns", input.optional_text("concerns", 10000))};
        return effect;
    }};

const event_spec assign_spec{
    episode_event::assign,
    {"worker_id"},
    [](input_reader& input, db::unit_of_work& uow, const db::episode_row& row, const actor& who,
       time_point now) {
        event_effect effect;
        const auto worker = input.text("worker_id", 64);
        std::vector<std::string> authorities{row.responsible_authority_id};
        if (row.host_authority_id) {
            authorities.push_back(*row.host_authority_id);
        }
        if (!worker.empty() &&
            !db::is_worker_of(uow, worker, authorities, {"social_worker", "manager"})) {
            input.add("worker_id", "must be a social worker or manager of the child's authorities");
        }
        effect.assigning_self = worker == who.user_id;
        effect.columns = {text_column("assigned_worker_id", worker),
                          time_column("assigned_at", now)};
        effect.history_detail = {{"worker_id", worker}};
        return effect;
    }};

const event_spec offer_spec{
    episode_event::offer_interview,
    {"offered_at", "scheduled_for", "interviewer_id", "independent"},
    [](input_reader& input, db::unit_of_work& uow, const db::episode_row& row, const actor&,
       time_point) {
        event_effect effect;
        effect.at = input.required_time("offered_at");
        const auto scheduled = input.time("scheduled_for");
        const auto interviewer = input.optional_text("interviewer_id", 64);
        const bool independent = input.boolean("independent");
        if (effect.at && input.ok() && scheduled < *effect.at) {
            input.add("scheduled_for", "is before offered_at");
        }
        if (interviewer && !db::find_user_by_id(uow, *interviewer)) {
            input.add("interviewer_id", "is not a user of Homeward");
        }
        // After a refusal the offer is a further offer; the first offer's time stays.
        const bool further = row.state == "interviewed";
        effect.columns = {
            time_column(further ? "further_offer_at" : "interview_offered_at", effect.at),
            time_column("interview_scheduled_for", scheduled),
            text_column("interviewer_id", interviewer),
            bool_column("interviewer_independent", independent)};
        if (further && !row.interview_offered_at) {
            effect.columns.push_back(time_column("interview_offered_at", effect.at));
        }
        effect.history_detail = {{"further_offer", further}};
        return effect;
    }};

const std::vector<std::string_view> interview_fields{
    "conducted_at",   "location",       "where_stayed",        "with_whom",      "push_factors",
    "pull_factors",   "harm_disclosed", "harm_details",        "indicators",     "cse_risk",
    "risk_rationale", "child_views",    "police_intelligence", "interviewer_id", "independent"};

event_effect read_interview(const environment& env, input_reader& input, const actor& who) {
    event_effect effect;
    effect.at = input.required_time("conducted_at");
    auto record = std::make_shared<db::interview_record>();
    record->outcome = "held";
    record->recorded_by = who.user_id;
    record->location = input.text("location", 500);
    record->where_stayed = input.text("where_stayed", 10000);
    record->with_whom = input.text("with_whom", 10000);
    record->push_factors = input.text_list("push_factors");
    record->pull_factors = input.text_list("pull_factors");
    record->harm_disclosed = input.boolean("harm_disclosed");
    record->harm_details = input.optional_text("harm_details", 10000);
    record->indicators = input.text_list("indicators", 200);
    const auto faults = env.catalogue.unknown_or_repeated(record->indicators);
    if (!faults.empty()) {
        std::string names;
        for (const auto& code : faults) {
            names += (names.empty() ? "" : ", ") + code;
        }
        input.add("indicators", "has unknown or repeated codes: " + names);
    }
    const auto level = input.choice<workflow::cse_risk>("cse_risk", workflow::parse_cse_risk,
                                                        "none, low, medium, high");
    record->risk_rationale = input.optional_text("risk_rationale", 10000);
    record->child_views = input.text("child_views", 10000);
    record->police_intelligence = input.optional_text("police_intelligence", 10000);
    record->interviewer_id = input.optional_text("interviewer_id", 64);
    record->interviewer_independent = input.optional_boolean("independent");
    if (record->harm_disclosed == true && !record->harm_details) {
        input.add("harm_details", "is required when harm_disclosed is true");
    }
    if (faults.empty()) {
        const auto scored = env.catalogue.score(record->indicators);
        record->indicator_score = scored.score;
        record->suggested_cse_risk = std::string{workflow::to_string(scored.suggested)};
        if (level && *level < scored.suggested && !record->risk_rationale) {
            input.add("risk_rationale",
                      "is required when cse_risk is lower than the level the indicators suggest (" +
                          std::string{workflow::to_string(scored.suggested)} + ")");
        }
    }
    if (level) {
        record->cse_risk = std::string{workflow::to_string(*level)};
    }
    effect.history_detail = {{"cse_risk", record->cse_risk.value_or("")},
                             {"suggested_cse_risk", record->suggested_cse_risk.value_or("")}};
    effect.write_more = [record, at = effect.at](db::unit_of_work& uow, const db::episode_row& row,
                                                 time_point now) {
        record->conducted_at = *at;
        db::insert_interview(uow, row.id, *record, now);
    };
    return effect;
}

const event_spec decline_spec{
    episode_event::record_decline,
    {"declined_at", "reason", "attempts", "carers_account"},
    [](input_reader& input, db::unit_of_work&, const db::episode_row&, const actor& who,
       time_point) {
        event_effect effect;
        effect.at = input.required_time("declined_at");
        auto record = std::make_shared<db::interview_record>();
        record->outcome = "declined";
        record->recorded_by = who.user_id;
        record->declined_reason = input.text("reason", 10000);
        record->attempts = input.optional_text("attempts", 10000);
        record->carers_account = input.optional_text("carers_account", 10000);
        effect.write_more = [record, at = effect.at](db::unit_of_work& uow,
                                                     const db::episode_row& row, time_point now) {
            record->conducted_at = *at;
            db::insert_interview(uow, row.id, *record, now);
        };
        return effect;
    }};

std::optional<std::string> parse_action_type(std::string_view text) {
    for (const std::string_view type :
         {"child_protection_referral", "cse_referral", "health", "education", "police_intelligence",
          "safety_plan", "multi_agency_meeting"}) {
        if (text == type) {
            return std::string{type};
        }
    }
    return std::nullopt;
}

// Events that stamp the time they are sent, one text the user gives (and, for a sign-off, who):
// sign-off, close, cancel, reopen. The text is kept in the history too.
event_spec stamped(episode_event event, std::string_view field, std::string at_column,
                   std::string note_column, std::string actor_column = "") {
    return {event,
            {field},
            [field, at_column, note_column, actor_column](input_reader& input, db::unit_of_work&,
                                                          const db::episode_row&, const actor& who,
                                                          time_point now) {
                event_effect effect;
                const auto text = input.text(field, 10000);
                effect.columns = {time_column(at_column, now), text_column(note_column, text)};
                if (!actor_column.empty()) {
                    effect.columns.push_back(text_column(actor_column, who.user_id));
                }
                effect.history_detail = {{field, text}};
                return effect;
            }};
}

const event_spec sign_off_spec =
    stamped(episode_event::sign_off, "note", "signed_off_at", "sign_off_note", "signed_off_by");
const event_spec close_spec =
    stamped(episode_event::close, "summary", "closed_at", "close_summary");
const event_spec cancel_spec =
    stamped(episode_event::cancel, "reason", "cancelled_at", "cancel_reason");
const event_spec reopen_spec =
    stamped(episode_event::reopen, "reason", "reopened_at", "reopen_reason");

// When this report brings the child's reports within the policy's window to the threshold, the
// repeat-missing review clock opens and the authority's managers and champion are told.
void note_repeat_missing(const environment& env, db::unit_of_work& uow, const db::episode_row& row,
                         time_point now) {
    const auto reports = db::child_report_times(uow, row.child_id);
    if (workflow::recent_reports(env.policy, reports, now) != env.policy.repeat_threshold) {
        return;
    }
    const auto review = workflow::repeat_review_deadline(env.policy, now, std::nullopt);
    const db::clock_row clock{std::string{workflow::to_string(review.kind)},
                              "",
                              review.starts_at,
                              review.due_at,
                              std::nullopt,
                              std::nullopt,
                              row.responsible_authority_id,
                              std::nullopt};
    if (!db::save_child_clock(uow, row.child_id, clock)) {
        return;
    }
    const auto body =
        json::serialize(json::object{{"child_id", row.child_id},
                                     {"episode_id", row.id},
                                     {"reports_in_window", env.policy.repeat_threshold},
                                     {"window_days", env.policy.repeat_window.count()},
                                     {"review_due_at", format_rfc3339(review.due_at)}});
    for (const char* role_name : {"manager", "cse_champion"}) {
        db::notify(uow,
                   {row.responsible_authority_id, std::string{role_name}, std::nullopt,
                    "repeat_missing", row.id, row.child_id,
                    "Repeat missing: a multi-agency review is due", body,
                    "repeat_missing:" + row.child_id + ":" + epoch_text(now) + ":" + role_name});
    }
}

std::string request_hash(const json::object& body) { return sha256(json::serialize(body)); }

// Thrown (not a failure, so not audited) when another report with the same idempotency key
// committed first: this attempt is rolled back and answered with the first result.
struct idempotency_race {
    db::idempotent_result first;
};

} // namespace

// ---- report ------------------------------------------------------------------------------------

json::object report_episode(const environment& env, const actor& who, const json::object& body,
                            std::optional<std::string> idempotency_key) {
    if (idempotency_key && (idempotency_key->empty() || idempotency_key->size() > 200)) {
        throw failure(failure_kind::invalid_input, "Idempotency-Key must be 1 to 200 characters",
                      {{"Idempotency-Key", "must be 1 to 200 characters"}});
    }
    const std::string hash = request_hash(body);
    // The first result of a key, when the key was used before.
    const auto replay = [&](db::unit_of_work& uow,
                            const db::idempotent_result& first) -> json::object {
        if (first.request_hash != hash) {
            throw failure(failure_kind::idempotency_conflict,
                          "this Idempotency-Key was used for a different report");
        }
        const auto row = db::load_episode(uow, first.episode_id, scope_of(who));
        if (!row) {
            throw failure(failure_kind::not_found, "no such episode");
        }
        audit_success(uow, who, {"episode.report.replay", "episode", row->id});
        return episode_view(env, uow, who, *row, env.now());
    };
    const auto report = [&](db::unit_of_work& uow) -> json::object {
        require_role(who, {role::police}, "report an episode");
        if (idempotency_key) {
            if (const auto first = db::find_idempotency_key(uow, who.user_id, *idempotency_key)) {
                return replay(uow, *first);
            }
        }
        const time_point now = env.now();
        input_reader input{body,
                           {"child_id", "last_seen_at", "last_seen_location", "circumstances",
                            "risk_level", "police_reference", "missing_or_away"}};
        const auto child_id = input.text("child_id", 64);
        const auto last_seen = input.required_time("last_seen_at");
        db::new_episode episode;
        episode.last_seen_location = input.text("last_seen_location", 500);
        episode.circumstances = input.text("circumstances", 10000);
        episode.risk_level = risk_text(input, "risk_level").value_or("");
        episode.police_reference = input.text("police_reference", 100);
        const auto absence = input.choice<workflow::absence_kind>(
            "missing_or_away", workflow::parse_absence_kind, "missing, away");
        episode.absence_kind = absence ? std::string{workflow::to_string(*absence)} : "";
        std::optional<db::child_authorities> authorities;
        if (!child_id.empty()) {
            authorities = db::child_authorities_of(uow, child_id, scope_of(who));
            if (!authorities) {
                input.add("child_id", "no child has this id");
            }
        }
        workflow::event_request request;
        request.event = episode_event::report;
        request.actor_role = who.role;
        request.now = now;
        request.at = last_seen;
        const auto decision = workflow::decide(std::nullopt, request, {});
        input.finish();
        if (!decision.allowed()) {
            throw refusal(decision);
        }
        episode.child_id = child_id;
        episode.police_force_id = who.organisation_id;
        episode.authorities = *authorities;
        episode.reported_at = now;
        episode.reported_by = who.user_id;
        episode.last_seen_at = *last_seen;
        const std::string id = db::insert_episode(uow, episode);
        if (idempotency_key) {
            if (auto first =
                    db::claim_idempotency_key(uow, who.user_id, *idempotency_key, hash, id)) {
                throw idempotency_race{std::move(*first)};
            }
        }
        db::insert_history(uow, id, 1, who.user_id, workflow::to_string(who.role), "report",
                           std::nullopt, "missing", "{}", now);
        const auto row = db::lock_episode(uow, id, scope_of(who));
        save_clocks(env, uow, *row);
        note_repeat_missing(env, uow, *row, now);
        notify_authorities(
            uow, *row, "episode_reported", "Child reported missing",
            {{"risk_level", row->risk_level}, {"last_seen_at", time_json(row->last_seen_at)}});
        audit_success(uow, who, {"episode.report", "episode", id},
                      {{"child_id", child_id}, {"risk_level", row->risk_level}});
        return episode_view(env, uow, who, *row, now);
    };
    const audit_target target{"episode.report", "episode", ""};
    try {
        return run_audited(env, who, target, report);
    } catch (const idempotency_race& race) {
        return run_audited(env, who, target,
                           [&](db::unit_of_work& uow) { return replay(uow, race.first); });
    }
}

// ---- the events --------------------------------------------------------------------------------

json::object regrade_risk(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, regrade_spec);
}
json::object record_return(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, return_spec);
}
json::object record_safe_and_well(const environment& env, const actor& who,
                                  const event_call& call) {
    return transition(env, who, call, safe_and_well_spec);
}
json::object assign_worker(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, assign_spec);
}
json::object offer_interview(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, offer_spec);
}
json::object record_interview(const environment& env, const actor& who, const event_call& call) {
    const event_spec spec{episode_event::record_interview, interview_fields,
                          [&env](input_reader& input, db::unit_of_work&, const db::episode_row&,
                                 const actor& caller,
                                 time_point) { return read_interview(env, input, caller); }};
    return transition(env, who, call, spec);
}
json::object record_decline(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, decline_spec);
}

json::object raise_action(const environment& env, const actor& who, const event_call& call) {
    auto raised = std::make_shared<std::string>();
    const event_spec spec{
        episode_event::raise_action,
        {"type", "description", "owner_id", "due_at"},
        [raised](input_reader& input, db::unit_of_work& uow, const db::episode_row& row,
                 const actor& caller, time_point now) {
            event_effect effect;
            const auto type = input.choice<std::string>(
                "type", parse_action_type,
                "child_protection_referral, cse_referral, health, education, "
                "police_intelligence, safety_plan, multi_agency_meeting");
            const auto description = input.text("description", 10000);
            const auto owner = input.text("owner_id", 64);
            const auto due = input.time("due_at");
            if (input.ok() && due <= now) {
                input.add("due_at", "must be in the future");
            }
            std::vector<std::string> organisations{row.responsible_authority_id,
                                                   row.police_force_id};
            if (row.host_authority_id) {
                organisations.push_back(*row.host_authority_id);
            }
            if (!owner.empty() &&
                !db::is_worker_of(uow, owner, organisations,
                                  {"social_worker", "manager", "police", "cse_champion"})) {
                input.add("owner_id", "must be a user of the episode's authorities or force");
            }
            effect.history_detail = {{"type", type.value_or("")}, {"owner_id", owner}};
            effect.write_more = [raised, type, description, owner, due, raised_by = caller.user_id](
                                    db::unit_of_work& tx, const db::episode_row& episode,
                                    time_point at) {
                *raised = db::insert_action(tx, episode.id, *type, description, owner, raised_by,
                                            at, due);
            };
            return effect;
        }};
    auto episode = transition(env, who, call, spec);
    json::object action;
    for (const auto& item : episode.at("actions").as_array()) {
        if (item.as_object().at("id").as_string() == *raised) {
            action = item.as_object();
        }
    }
    return json::object{{"action", std::move(action)}, {"episode", std::move(episode)}};
}

json::object complete_action(const environment& env, const actor& who, const event_call& call) {
    const event_spec spec{
        episode_event::complete_action,
        {"outcome"},
        [&call](input_reader& input, db::unit_of_work& uow, const db::episode_row& row,
                const actor& caller, time_point) {
            event_effect effect;
            const auto action = db::find_action(uow, row.id, call.action_id);
            if (!action) {
                throw failure(failure_kind::not_found, "no such action on this episode");
            }
            const auto outcome = input.text("outcome", 10000);
            effect.actor_owns_action = action->owner_id == caller.user_id;
            effect.action_open = action->status == "open";
            effect.history_detail = {{"action_id", action->id}};
            effect.write_more = [id = action->id, outcome, by = caller.user_id](
                                    db::unit_of_work& tx, const db::episode_row&, time_point at) {
                db::complete_action(tx, id, outcome, by, at);
            };
            return effect;
        }};
    return transition(env, who, call, spec);
}

json::object sign_off(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, sign_off_spec);
}
json::object close_episode(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, close_spec);
}
json::object cancel_episode(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, cancel_spec);
}
json::object reopen_episode(const environment& env, const actor& who, const event_call& call) {
    return transition(env, who, call, reopen_spec);
}

event_use_case event_use_case_for(std::string_view api_name) {
    static const std::array<std::pair<std::string_view, event_use_case>, 13> table{{
        {"risk", &regrade_risk},
        {"return", &record_return},
        {"safe-and-well", &record_safe_and_well},
        {"assign", &assign_worker},
        {"interview-offer", &offer_interview},
        {"interview", &record_interview},
        {"interview-declined", &record_decline},
        {"actions", &raise_action},
        {"action-complete", &complete_action},
        {"sign-off", &sign_off},
        {"close", &close_episode},
        {"cancel", &cancel_episode},
        {"reopen", &reopen_episode},
    }};
    for (const auto& [name, use_case] : table) {
        if (name == api_name) {
            return use_case;
        }
    }
    return nullptr;
}

// ---- reads -------------------------------------------------------------------------------------

json::object get_episode(const environment& env, const actor& who, std::string_view id) {
    return run_audited(
        env, who, {"episode.read", "episode", std::string{id}}, [&](db::unit_of_work& uow) {
            require_role(who,
                         {role::police, role::social_worker, role::manager, role::cse_champion},
                         "read an episode");
            const auto row = db::load_episode(uow, id, scope_of(who));
            if (!row) {
                throw failure(failure_kind::not_found, "no such episode");
            }
            audit_success(uow, who, {"episode.read", "episode", row->id});
            return episode_view(env, uow, who, *row, env.now());
        });
}

json::array episode_history(const environment& env, const actor& who, std::string_view id) {
    auto result = run_audited(
        env, who, {"episode.history", "episode", std::string{id}}, [&](db::unit_of_work& uow) {
            require_role(who,
                         {role::police, role::social_worker, role::manager, role::cse_champion},
                         "read an episode's history");
            const auto row = db::load_episode(uow, id, scope_of(who));
            if (!row) {
                throw failure(failure_kind::not_found, "no such episode");
            }
            audit_success(uow, who, {"episode.history", "episode", row->id});
            return json::object{{"items", json::parse(db::history_json(uow, row->id))}};
        });
    return result.at("items").as_array();
}

json::object list_episodes(const environment& env, const actor& who, const episode_query& query) {
    return run_audited(env, who, {"episode.list", "episode", ""}, [&](db::unit_of_work& uow) {
        require_role(who, {role::police, role::social_worker, role::manager, role::cse_champion},
                     "list episodes");
        std::vector<field_error> errors;
        db::episode_filter filter;
        if (query.state) {
            // A comma-separated set, so that a page asks for "every open episode" in one list.
            std::string_view rest{*query.state};
            while (true) {
                const auto comma = rest.find(',');
                const auto name = rest.substr(0, comma);
                if (!workflow::parse_episode_state(name)) {
                    errors.push_back({"state", "is not a state of an episode, or a list of them "
                                               "separated by commas"});
                    break;
                }
                filter.states.emplace_back(name);
                if (comma == std::string_view::npos) {
                    break;
                }
                rest.remove_prefix(comma + 1);
            }
        }
        if (query.assigned == "me") {
            filter.assigned_worker_id = who.user_id;
        } else if (query.assigned == "none") {
            filter.unassigned = true;
        } else if (query.assigned) {
            errors.push_back({"assigned", "must be me or none"});
        }
        filter.child_id = query.child_id;
        if (query.limit < 1 || query.limit > 500) {
            errors.push_back({"limit", "must be from 1 to 500"});
        }
        filter.limit = query.limit;
        if (query.authority) {
            const auto organisation = db::find_organisation_by_code(uow, *query.authority);
            if (!organisation) {
                errors.push_back({"authority", "no organisation has this code"});
            } else {
                filter.authority_id = organisation->id;
            }
        }
        if (query.cursor) {
            const auto cursor = parse_cursor(*query.cursor, cursor_key::uuid);
            filter.after_reported_at = cursor.at;
            filter.after_id = cursor.key;
        }
        if (query.child_id && query.child_id->size() != 36) {
            errors.push_back({"child_id", "is not an id"});
        }
        if (!errors.empty()) {
            refuse_query(std::move(errors));
        }
        auto result =
            page_of(json::parse(db::list_episodes_json(uow, scope_of(who), filter)).as_array(),
                    filter.limit, "reported_at", "id");
        audit_success(uow, who, {"episode.list", "episode", ""},
                      {{"state", query.state ? json::value(*query.state) : nullptr}});
        return result;
    });
}

} // namespace homeward::services
