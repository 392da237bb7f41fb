#include "homeward/db/episodes.hpp"

#include "columns.hpp"
#include "sql.hpp"

#include <boost/json/parse.hpp>

namespace homeward::db {
namespace {

// What the guards and clocks need, as read_row reads it.
#define ROW_COLUMNS                                                                                \
    "e.id::text, e.child_id::text, e.state, e.version, e.police_force_id::text, "                  \
    "e.responsible_authority_id::text, e.host_authority_id::text, e.assigned_worker_id::text, "    \
    "e.risk_level, extract(epoch from e.reported_at)::bigint, "                                    \
    "extract(epoch from e.last_seen_at)::bigint, extract(epoch from e.returned_at)::bigint, "      \
    "extract(epoch from e.safe_and_well_at)::bigint, "                                             \
    "extract(epoch from e.interview_offered_at)::bigint, "                                         \
    "extract(epoch from e.further_offer_at)::bigint, extract(epoch from "                          \
    "e.signed_off_at)::bigint, "                                                                   \
    "extract(epoch from e.closed_at)::bigint, extract(epoch from e.cancelled_at)::bigint, "        \
    "i.outcome, extract(epoch from i.conducted_at)::bigint, i.cse_risk, "                          \
    "(select count(*) from actions a where a.episode_id = e.id and a.status = 'open')::int "

// The episode's three organisations, each id and code.
// clang-format off
#define ORGANISATION_COLUMNS                                                                       \
    "e.police_force_id::text, " ORGANISATION_CODE("e.police_force_id") ", "                        \
    "e.responsible_authority_id::text, " ORGANISATION_CODE("e.responsible_authority_id") ", "      \
    "e.host_authority_id::text, " ORGANISATION_CODE("e.host_authority_id") ", "
// clang-format on

// The whole episode, as read_record reads it.
#define RECORD_COLUMNS                                                                             \
    "e.id::text, e.state, e.version, " CHILD_COLUMNS(                                              \
        "c") ", " ORGANISATION_COLUMNS                                                             \
             "extract(epoch from e.reported_at)::bigint, e.reported_by::text, "                    \
             "extract(epoch from e.last_seen_at)::bigint, e.last_seen_location, e.circumstances, " \
             "e.risk_level, e.police_reference, e.absence_kind, extract(epoch from "               \
             "e.returned_at)::bigint, "                                                            \
             "e.found_location, e.returned_to, e.found_by, "                                       \
             "extract(epoch from e.safe_and_well_at)::bigint, e.safe_and_well_by::text, "          \
             "e.safe_and_well_notes, e.safe_and_well_concerns, e.assigned_worker_id::text, "       \
             "extract(epoch from e.assigned_at)::bigint, extract(epoch from "                      \
             "e.interview_offered_at)::bigint, "                                                   \
             "extract(epoch from e.interview_scheduled_for)::bigint, e.interviewer_id::text, "     \
             "e.interviewer_independent, extract(epoch from e.further_offer_at)::bigint, "         \
             "i.outcome, extract(epoch from i.conducted_at)::bigint, i.recorded_by::text, "        \
             "i.interviewer_id::text, i.interviewer_independent, i.location, i.where_stayed, "     \
             "i.with_whom, "                                                                       \
             "i.push_factors, i.pull_factors, i.harm_disclosed, i.harm_details, array(select "     \
             "oi.indicator_code from observed_indicators oi where oi.episode_id = e.id order by "  \
             "oi.indicator_code), i.indicator_score, i.suggested_cse_risk, i.cse_risk, "           \
             "i.risk_rationale, "                                                                  \
             "i.child_views, i.police_intelligence, extract(epoch from i.declined_at)::bigint, "   \
             "i.declined_reason, i.attempts, "                                                     \
             "i.carers_account, "                                                                  \
             "extract(epoch from e.signed_off_at)::bigint, e.signed_off_by::text, "                \
             "e.sign_off_note, "                                                                   \
             "extract(epoch from e.closed_at)::bigint, e.close_summary, "                          \
             "extract(epoch from e.cancelled_at)::bigint, e.cancel_reason, "                       \
             "extract(epoch from e.reopened_at)::bigint, e.reopen_reason, "                        \
             "extract(epoch from e.updated_at)::bigint, (select json_agg(json_build_array(a.id, "  \
             "a.type, a.description, a.owner_id, a.raised_by, extract(epoch from "                 \
             "a.raised_at)::bigint, extract(epoch from a.due_at)::bigint, a.status, a.outcome, "   \
             "extract(epoch from a.completed_at)::bigint) order by a.raised_at, a.id) from "       \
             "actions a where a.episode_id = e.id)::text "

// What RECORD_COLUMNS reads besides the episode `e`.
#define RECORD_JOINS                                                                               \
    "join children c on c.id = e.child_id left join interviews i on i.episode_id = e.id "
#define RECORD_FROM "from episodes e " RECORD_JOINS

// The report and its history entry, in one statement.
const statement insert_sql{
    "episodes_insert",
    "with e as (insert into episodes (child_id, state, version, police_force_id, "
    "responsible_authority_id, host_authority_id, reported_at, reported_by, last_seen_at, "
    "last_seen_location, circumstances, risk_level, police_reference, absence_kind, updated_at) "
    "values ($1::uuid, 'missing', 1, $2::uuid, $3::uuid, $4::uuid, to_timestamp($5), $6::uuid, "
    "to_timestamp($7), $8, $9, $10, $11, $12, to_timestamp($5)) returning id) "
    "insert into episode_history (episode_id, version, at, actor_id, actor_role, event, "
    "from_state, to_state, detail) select e.id, 1, to_timestamp($5), $6::uuid, $13, $14, null, "
    "'missing', '{}'::jsonb from e returning episode_id::text"};
// FOR NO KEY UPDATE: events on one episode still go one at a time, but a row that merely refers
// to the episode (the sweeper's notification about it) is not held up by the event's lock, which
// would deadlock with the event waiting for the clock that sweeper has claimed.
const statement lock_sql{"episodes_lock", "select " ROW_COLUMNS
                                          "from episodes e left join interviews i on "
                                          "i.episode_id = e.id where e.id = $1::uuid and " +
                                              episode_scope("e", 2, 3) + " for no key update of e"};
const statement record_sql{"episodes_record",
                           "select " RECORD_COLUMNS RECORD_FROM "where e.id = $1::uuid"};
const statement find_sql{"episodes_find", "select " RECORD_COLUMNS RECORD_FROM
                                          "where e.id = $1::uuid and " +
                                              episode_scope("e", 2, 3)};
const statement visible_sql{"episodes_visible",
                            "select 1 from episodes e where e.id = $1::uuid and " +
                                episode_scope("e", 2, 3)};
const statement history_sql{
    "episodes_history",
    "select extract(epoch from h.at)::bigint, h.actor_id::text, u.username, h.actor_role, "
    "h.event, h.from_state, h.to_state, h.version, h.detail::text from episode_history h join "
    "users u on u.id = h.actor_id where h.episode_id = $1::uuid order by h.version"};
const statement list_sql{
    "episodes_list",
    // Scope, filters and keyset cursor are all in the WHERE; the ORDER BY matches the indexes.
    "select " SUMMARY_COLUMNS("e", "c") " from episodes e join children c on c.id = e.child_id "
                                        "where " +
        episode_scope("e", 1, 2) +
        " and (cardinality($3::text[]) = 0 or e.state = any($3::text[])) and ($4::uuid is null or "
        "e.child_id = $4::uuid) and ($5::uuid is null or e.responsible_authority_id = $5::uuid or "
        "e.host_authority_id = $5::uuid) and ($6::bigint is null or (e.reported_at, e.id) < "
        "(to_timestamp($6), $7::uuid)) and ($9::uuid is null or e.assigned_worker_id = $9::uuid) "
        "and (not $10 or e.assigned_worker_id is null) and (not $11 or (e.signed_off_at is null "
        "and e.state not in ('closed', 'cancelled') and exists (select 1 from interviews i where "
        "i.episode_id = e.id and i.cse_risk in ('medium', 'high')))) and ($12::uuid is null or "
        "exists (select 1 from users w where w.id = e.assigned_worker_id and w.team_id = "
        "$12::uuid)) order by e.reported_at desc, e.id desc limit $8"};

// Every event's write: the state, the version and the event's own columns in one UPDATE (the
// schema's checks tie columns to states, so they must change together), the history entry from
// what it returned, and the whole episode as the write left it, read back in the same statement
// (one round trip fewer for every event). $1 id, $2 expected version, $3 from, $4 to, $5 at,
// $6 actor, $7 role, $8 event, $9 the history detail; the event's own values from $10.
std::string move_sql(std::string_view extra_columns) {
    return "with moved as (update episodes set state = $4, version = version + 1, updated_at = "
           "to_timestamp($5)" +
           std::string{extra_columns} +
           " where id = $1::uuid and version = $2 returning *), history as (insert into "
           "episode_history (episode_id, version, at, actor_id, actor_role, event, from_state, "
           "to_state, detail) select id, version, to_timestamp($5), $6::uuid, $7, $8, $3, $4, "
           "$9::jsonb from moved) select " RECORD_COLUMNS "from moved e " RECORD_JOINS;
}

const statement move_only_sql{"episodes_move", move_sql("")};
const statement regrade_sql{"episodes_regrade", move_sql(", risk_level = $10")};
const statement return_sql{"episodes_return",
                           move_sql(", returned_at = to_timestamp($10), found_location = $11, "
                                    "returned_to = $12, found_by = $13")};
const statement safe_and_well_sql{
    "episodes_safe_and_well",
    move_sql(", safe_and_well_at = to_timestamp($10), safe_and_well_by = $6::uuid, "
             "safe_and_well_notes = $11, safe_and_well_concerns = $12")};
const statement assign_sql{"episodes_assign",
                           move_sql(", assigned_worker_id = $10::uuid, assigned_at = "
                                    "to_timestamp($5)")};
const statement offer_sql{
    "episodes_offer",
    move_sql(", interview_offered_at = case when $10 then coalesce(interview_offered_at, "
             "to_timestamp($11)) else to_timestamp($11) end, further_offer_at = case when $10 "
             "then to_timestamp($11) else further_offer_at end, interview_scheduled_for = "
             "to_timestamp($12), interviewer_id = $13::uuid, interviewer_independent = $14")};
const statement sign_off_sql{"episodes_sign_off",
                             move_sql(", signed_off_at = to_timestamp($5), signed_off_by = "
                                      "$6::uuid, sign_off_note = $10")};
const statement close_sql{"episodes_close",
                          move_sql(", closed_at = to_timestamp($5), close_summary = $10")};
const statement cancel_sql{"episodes_cancel",
                           move_sql(", cancelled_at = to_timestamp($5), cancel_reason = $10")};
const statement reopen_sql{"episodes_reopen",
                           move_sql(", reopened_at = to_timestamp($5), reopen_reason = $10")};

#undef ROW_COLUMNS
#undef ORGANISATION_COLUMNS
#undef RECORD_COLUMNS
#undef RECORD_FROM
#undef RECORD_JOINS

episode_record read_record(fields f);

template <typename... Extra>
std::optional<episode_record> write_move(unit_of_work& uow, const statement& s,
                                         const episodes::move& m, Extra&&... extra) {
    if (!workflow::is_uuid(m.episode_id)) {
        return std::nullopt;
    }
    const auto rows = run(uow, s, m.episode_id, m.expected_version, text_of(m.from), text_of(m.to),
                          epoch(m.at), m.actor_id, text_of(m.actor_role), text_of(m.event),
                          m.detail_json, std::forward<Extra>(extra)...);
    return rows.empty() ? std::nullopt : std::optional{read_record(fields{rows[0]})};
}

episode_row read_row(fields f) {
    episode_row e;
    e.id = f.text();
    e.child_id = f.text();
    e.state = f.value<episode_state>(workflow::parse_episode_state);
    e.version = f.integer();
    e.police_force_id = f.text();
    e.responsible_authority_id = f.text();
    e.host_authority_id = f.optional_text();
    e.assigned_worker_id = f.optional_text();
    e.risk = f.value<risk_level>(workflow::parse_risk_level);
    e.reported_at = f.time();
    e.last_seen_at = f.time();
    e.returned_at = f.optional_time();
    e.safe_and_well_at = f.optional_time();
    e.interview_offered_at = f.optional_time();
    e.further_offer_at = f.optional_time();
    e.signed_off_at = f.optional_time();
    e.closed_at = f.optional_time();
    e.cancelled_at = f.optional_time();
    e.interview = f.optional_value<interview_outcome>(workflow::parse_interview_outcome);
    e.interview_at = f.optional_time();
    e.interview_cse_risk = f.optional_value<cse_risk>(workflow::parse_cse_risk);
    e.open_actions = f.integer();
    return e;
}

episode_record read_record(fields f) {
    episode_record e;
    e.id = f.text();
    e.state = f.value<episode_state>(workflow::parse_episode_state);
    e.version = f.integer();
    e.child = read_child(f);
    e.police_force_id = f.text();
    e.police_force = f.text();
    e.responsible_authority_id = f.text();
    e.responsible_authority = f.text();
    e.host_authority_id = f.optional_text();
    e.host_authority = f.optional_text();
    e.reported_at = f.time();
    e.reported_by = f.text();
    e.last_seen_at = f.time();
    e.last_seen_location = f.text();
    e.circumstances = f.text();
    e.risk = f.value<risk_level>(workflow::parse_risk_level);
    e.police_reference = f.text();
    e.absence = f.value<absence_kind>(workflow::parse_absence_kind);
    e.returned_at = f.optional_time();
    e.found_location = f.optional_text();
    e.returned_to = f.optional_text();
    e.found_by = f.optional_text();
    const auto checked_at = f.optional_time();
    auto checked_by = f.optional_text();
    auto notes = f.optional_text();
    auto concerns = f.optional_text();
    if (checked_at) {
        e.safe_and_well = safe_and_well_record{*checked_at, checked_by.value_or(""),
                                               notes.value_or(""), std::move(concerns)};
    }
    e.assigned_worker_id = f.optional_text();
    e.assigned_at = f.optional_time();
    const auto offered_at = f.optional_time();
    const auto scheduled_for = f.optional_time();
    auto interviewer = f.optional_text();
    const auto independent = f.optional_boolean();
    const auto further_at = f.optional_time();
    if (offered_at) {
        e.offer = offer_record{*offered_at, scheduled_for.value_or(*offered_at),
                               std::move(interviewer), independent.value_or(false), further_at};
    }
    const auto outcome = f.optional_value<interview_outcome>(workflow::parse_interview_outcome);
    if (outcome) {
        interview_record i;
        i.outcome = *outcome;
        i.conducted_at = f.time();
        i.recorded_by = f.text();
        i.interviewer_id = f.optional_text();
        i.interviewer_independent = f.optional_boolean();
        i.location = f.optional_text();
        i.where_stayed = f.optional_text();
        i.with_whom = f.optional_text();
        i.push_factors = f.list();
        i.pull_factors = f.list();
        i.harm_disclosed = f.optional_boolean();
        i.harm_details = f.optional_text();
        i.indicators = f.list();
        i.indicator_score = f.optional_integer();
        i.suggested_cse_risk = f.optional_value<cse_risk>(workflow::parse_cse_risk);
        i.risk = f.optional_value<cse_risk>(workflow::parse_cse_risk);
        i.risk_rationale = f.optional_text();
        i.child_views = f.optional_text();
        i.police_intelligence = f.optional_text();
        i.declined_at = f.optional_time();
        i.declined_reason = f.optional_text();
        i.attempts = f.optional_text();
        i.carers_account = f.optional_text();
        e.interview = std::move(i);
    } else {
        for (int skipped = 0; skipped < 22; ++skipped) {
            f.next(); // the interview's columns, all null
        }
    }
    const auto signed_at = f.optional_time();
    auto signed_by = f.optional_text();
    auto note = f.optional_text();
    if (signed_at) {
        e.sign_off = sign_off_record{*signed_at, signed_by.value_or(""), note.value_or("")};
    }
    e.closed_at = f.optional_time();
    e.close_summary = f.optional_text();
    e.cancelled_at = f.optional_time();
    e.cancel_reason = f.optional_text();
    e.reopened_at = f.optional_time();
    e.reopen_reason = f.optional_text();
    e.updated_at = f.time();
    if (const auto actions = f.optional_text()) {
        // Kept in a local: a range-for over the parsed temporary's array would read freed memory.
        const auto parsed = boost::json::parse(*actions);
        for (const auto& item : parsed.as_array()) {
            const auto& a = item.as_array();
            const auto text = [&](std::size_t i) { return std::string{a.at(i).as_string()}; };
            const auto time = [&](std::size_t i) {
                return time_point{std::chrono::seconds{a.at(i).to_number<std::int64_t>()}};
            };
            action_record action;
            action.id = text(0);
            action.episode_id = e.id;
            action.type = stored_text<action_type>(text(1), workflow::parse_action_type);
            action.description = text(2);
            action.owner_id = text(3);
            action.raised_by = text(4);
            action.raised_at = time(5);
            action.due_at = time(6);
            action.status = stored_text<action_status>(text(7), workflow::parse_action_status);
            if (!a.at(8).is_null()) {
                action.outcome = text(8);
            }
            if (!a.at(9).is_null()) {
                action.completed_at = time(9);
            }
            e.actions.push_back(std::move(action));
        }
    }
    return e;
}

} // namespace

namespace episodes {

std::string insert(unit_of_work& uow, const new_episode& episode) {
    return run(uow, insert_sql, episode.child_id, episode.police_force_id,
               episode.responsible_authority_id, episode.host_authority_id,
               epoch(episode.reported_at), episode.reported_by, epoch(episode.last_seen_at),
               episode.last_seen_location, episode.circumstances, text_of(episode.risk),
               episode.police_reference, text_of(episode.absence), text_of(role::police),
               text_of(episode_event::report))[0][0]
        .as<std::string>();
}

std::optional<episode_row> lock(unit_of_work& uow, std::string_view id, const scope& who) {
    const auto row = row_by_id(uow, lock_sql, id, text_of(who.who), who.organisation_id);
    return row ? std::optional{read_row(fields{*row})} : std::nullopt;
}

episode_record record(unit_of_work& uow, std::string_view id) {
    return read_record(fields{run(uow, record_sql, std::string{id}).at(0)});
}

std::optional<episode_record> find(unit_of_work& uow, std::string_view id, const scope& who) {
    const auto row = row_by_id(uow, find_sql, id, text_of(who.who), who.organisation_id);
    return row ? std::optional{read_record(fields{*row})} : std::nullopt;
}

bool visible(unit_of_work& uow, std::string_view id, const scope& who) {
    return row_by_id(uow, visible_sql, id, text_of(who.who), who.organisation_id).has_value();
}

std::vector<history_record> history(unit_of_work& uow, std::string_view id) {
    std::vector<history_record> list;
    for (const auto& row : run(uow, history_sql, std::string{id})) {
        fields f{row};
        history_record h;
        h.at = f.time();
        h.actor_id = f.text();
        h.actor_username = f.text();
        h.actor_role = f.value<role>(workflow::parse_role);
        h.event = f.text();
        h.from_state = f.optional_value<episode_state>(workflow::parse_episode_state);
        h.to_state = f.value<episode_state>(workflow::parse_episode_state);
        h.version = f.integer();
        h.detail_json = f.text();
        list.push_back(std::move(h));
    }
    return list;
}

moved move_only(unit_of_work& uow, const move& m) { return write_move(uow, move_only_sql, m); }

moved regrade_risk(unit_of_work& uow, const move& m, risk_level level) {
    return write_move(uow, regrade_sql, m, text_of(level));
}

moved record_return(unit_of_work& uow, const move& m, time_point returned_at,
                    const std::string& found_location, const std::string& returned_to,
                    const std::optional<std::string>& found_by) {
    return write_move(uow, return_sql, m, epoch(returned_at), found_location, returned_to,
                      found_by);
}

moved record_safe_and_well(unit_of_work& uow, const move& m, time_point conducted_at,
                           const std::string& notes, const std::optional<std::string>& concerns) {
    return write_move(uow, safe_and_well_sql, m, epoch(conducted_at), notes, concerns);
}

moved assign(unit_of_work& uow, const move& m, const std::string& worker_id) {
    return write_move(uow, assign_sql, m, worker_id);
}

moved offer_interview(unit_of_work& uow, const move& m, bool further, time_point offered_at,
                      time_point scheduled_for, const std::optional<std::string>& interviewer_id,
                      bool independent) {
    return write_move(uow, offer_sql, m, further, epoch(offered_at), epoch(scheduled_for),
                      interviewer_id, independent);
}

moved sign_off(unit_of_work& uow, const move& m, const std::string& note) {
    return write_move(uow, sign_off_sql, m, note);
}

moved close(unit_of_work& uow, const move& m, const std::string& summary) {
    return write_move(uow, close_sql, m, summary);
}

moved cancel(unit_of_work& uow, const move& m, const std::string& reason) {
    return write_move(uow, cancel_sql, m, reason);
}

moved reopen(unit_of_work& uow, const move& m, const std::string& reason) {
    return write_move(uow, reopen_sql, m, reason);
}

std::vector<episode_summary> list(unit_of_work& uow, const scope& who, const filter& f) {
    std::vector<episode_summary> items;
    std::vector<std::string> states;
    for (const auto state : f.states) {
        states.push_back(text_of(state));
    }
    for (const auto& row :
         run(uow, list_sql, text_of(who.who), who.organisation_id, text_array(states), f.child_id,
             f.authority_id, epoch(f.after_reported_at), f.after_id, f.limit, f.assigned_worker_id,
             f.unassigned, f.awaiting_sign_off, f.team_id)) {
        fields reader{row};
        items.push_back(read_summary(reader));
    }
    return items;
}

} // namespace episodes
} // namespace homeward::db
