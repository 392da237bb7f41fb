#include "homeward/db/repository.hpp"

#include "sql.hpp"
#include "statements.hpp"

#include <pqxx/pqxx>

#include <array>
#include <utility>

namespace homeward::db {
namespace {

// Whose episodes a caller sees: police their force's, the authority roles episodes of children
// their authority is responsible for or hosts; admins none. $2 = role, $3 = organisation id.
#define EPISODE_SCOPE(alias)                                                                       \
    "((($2 = 'police') and " alias ".police_force_id = $3::uuid) or "                              \
    "(($2 in ('social_worker', 'manager', 'cse_champion')) and (" alias                            \
    ".responsible_authority_id = $3::uuid or " alias ".host_authority_id = $3::uuid)))"

// Children: police see every child (to report one missing); the authority roles the children
// their authority is responsible for or hosts; admins none.
#define CHILD_SCOPE(alias)                                                                         \
    "(($2 = 'police') or (($2 in ('social_worker', 'manager', 'cse_champion')) and (" alias        \
    ".responsible_authority_id = $3::uuid or " alias ".host_authority_id = $3::uuid)))"

#define EPISODE_FACTS_COLUMNS                                                                      \
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

#define CLOCK_COLUMNS                                                                              \
    "kind, subject, extract(epoch from starts_at)::bigint, extract(epoch from due_at)::bigint, "   \
    "extract(epoch from met_at)::bigint, extract(epoch from stopped_at)::bigint, "                 \
    "holder_organisation_id::text, holder_user_id::text"

#define CHILD_JSON(alias)                                                                          \
    "jsonb_build_object('id', " alias ".id, 'given_name', " alias                                  \
    ".given_name, 'family_name', " alias ".family_name, 'date_of_birth', to_char(" alias           \
    ".date_of_birth, 'YYYY-MM-DD'), "                                                              \
    "'sex', " alias ".sex, 'looked_after', " alias ".looked_after, "                               \
    "'responsible_authority', (select code from organisations o where o.id = " alias               \
    ".responsible_authority_id), 'host_authority', (select code from organisations o where o.id "  \
    "= " alias ".host_authority_id), 'ethnicity', " alias ".ethnicity, 'placement_type', " alias   \
    ".placement_type, 'created_at', hw_time(" alias ".created_at), 'version', " alias ".version)"

#define EPISODE_SUMMARY_JSON(alias)                                                                \
    "jsonb_build_object('id', " alias ".id, 'child_id', " alias ".child_id, 'state', " alias       \
    ".state, 'version', " alias ".version, 'reported_at', hw_time(" alias ".reported_at), "        \
    "'last_seen_at', hw_time(" alias ".last_seen_at), 'last_seen_location', " alias                \
    ".last_seen_location, 'risk_level', " alias ".risk_level, 'missing_or_away', " alias           \
    ".absence_kind, 'returned_at', hw_time(" alias ".returned_at), 'police_reference', " alias     \
    ".police_reference, 'assigned_worker_id', " alias ".assigned_worker_id)"

constexpr std::array statements{
    statement{
        "insert_organisation",
        "insert into organisations (code, name, kind) values ($1, $2, $3) returning id::text"},
    statement{"organisation_by_code",
              "select id::text, code, name, kind from organisations where code = $1"},
    statement{"insert_user", "insert into users (username, password_hash, role, organisation_id) "
                             "values ($1, $2, $3, $4::uuid) returning id::text"},
    statement{"user_by_id",
              "select u.id::text, u.username, u.password_hash, u.role, u.organisation_id::text, "
              "o.code, u.active from users u join organisations o on o.id = u.organisation_id "
              "where u.id = $1::uuid"},
    statement{"insert_child",
              "insert into children (given_name, family_name, date_of_birth, sex, looked_after, "
              "responsible_authority_id, host_authority_id, ethnicity, placement_type, created_by) "
              "values ($1, $2, $3::date, $4, $5, $6::uuid, $7::uuid, $8, $9, $10::uuid) "
              "returning id::text"},
    statement{"child_json",
              "select " CHILD_JSON(
                  "c") "::text from children c where c.id = $1::uuid and " CHILD_SCOPE("c")},
    statement{"child_authorities",
              "select c.responsible_authority_id::text, c.host_authority_id::text from children c "
              "where c.id = $1::uuid and " CHILD_SCOPE("c")},
    statement{"child_episodes_json", "select coalesce(jsonb_agg(" EPISODE_SUMMARY_JSON(
                                         "e") " order by e.reported_at desc, "
                                              "e.id desc), '[]')::text from episodes e where "
                                              "e.child_id = $1::uuid and " EPISODE_SCOPE("e")},
    statement{"child_report_times",
              "select extract(epoch from reported_at)::bigint from episodes "
              "where child_id = $1::uuid and state <> 'cancelled' order by reported_at"},
    statement{
        "search_children_json",
        "select coalesce(jsonb_agg(j order by fam, giv, id), '[]')::text from ("
        "select " CHILD_JSON(
            "c") " as j, lower(c.family_name) fam, lower(c.given_name) giv, "
                 "c.id from children c where (lower(c.family_name) like $1 || '%' or "
                 "lower(c.given_name) like $1 || '%') and ($5::date is null or "
                 "c.date_of_birth = $5::date) and " CHILD_SCOPE(
                     "c") " order by lower(c.family_name), lower(c.given_name), c.id limit $4) s"},
    statement{"insert_episode",
              "insert into episodes (child_id, state, version, police_force_id, "
              "responsible_authority_id, host_authority_id, reported_at, reported_by, "
              "last_seen_at, last_seen_location, circumstances, risk_level, police_reference, "
              "absence_kind, updated_at) values ($1::uuid, 'missing', 1, $2::uuid, $3::uuid, "
              "$4::uuid, to_timestamp($5), $6::uuid, to_timestamp($7), $8, $9, $10, $11, $12, "
              "to_timestamp($5)) returning id::text"},
    statement{
        "lock_episode",
        "select " EPISODE_FACTS_COLUMNS "from episodes e left join interviews i on "
        "i.episode_id = e.id where e.id = $1::uuid and " EPISODE_SCOPE("e") " for update of e"},
    statement{"load_episode",
              "select " EPISODE_FACTS_COLUMNS "from episodes e left join interviews i on "
              "i.episode_id = e.id where e.id = $1::uuid and " EPISODE_SCOPE("e")},
    statement{
        "episode_json",
        "select jsonb_build_object("
        "'id', e.id, 'state', e.state, 'version', e.version, 'child_id', e.child_id, "
        "'police_force', pf.code, 'responsible_authority', ra.code, 'host_authority', ha.code, "
        "'reported_at', hw_time(e.reported_at), 'reported_by', e.reported_by, "
        "'last_seen_at', hw_time(e.last_seen_at), 'last_seen_location', e.last_seen_location, "
        "'circumstances', e.circumstances, 'risk_level', e.risk_level, "
        "'police_reference', e.police_reference, 'missing_or_away', e.absence_kind, "
        "'returned_at', hw_time(e.returned_at), 'found_location', e.found_location, "
        "'returned_to', e.returned_to, 'found_by', e.found_by, "
        "'safe_and_well', case when e.safe_and_well_at is null then null else jsonb_build_object("
        "'conducted_at', hw_time(e.safe_and_well_at), 'by', e.safe_and_well_by, "
        "'notes', e.safe_and_well_notes, 'concerns', e.safe_and_well_concerns) end, "
        "'assigned_worker_id', e.assigned_worker_id, 'assigned_at', hw_time(e.assigned_at), "
        "'interview_offer', case when e.interview_offered_at is null then null else "
        "jsonb_build_object('offered_at', hw_time(e.interview_offered_at), "
        "'scheduled_for', hw_time(e.interview_scheduled_for), 'interviewer_id', e.interviewer_id, "
        "'independent', e.interviewer_independent, "
        "'further_offer_at', hw_time(e.further_offer_at)) end, "
        "'interview', case when i.episode_id is null then null when $2 then jsonb_build_object("
        "'outcome', i.outcome, 'conducted_at', hw_time(i.conducted_at), 'recorded_by', "
        "i.recorded_by, 'interviewer_id', i.interviewer_id, 'independent', "
        "i.interviewer_independent, 'location', i.location, 'where_stayed', i.where_stayed, "
        "'with_whom', i.with_whom, 'push_factors', to_jsonb(i.push_factors), 'pull_factors', "
        "to_jsonb(i.pull_factors), 'harm_disclosed', i.harm_disclosed, 'harm_details', "
        "i.harm_details, 'indicators', (select coalesce(jsonb_agg(oi.indicator_code order by "
        "oi.indicator_code), '[]') from observed_indicators oi where oi.episode_id = e.id), "
        "'indicator_score', i.indicator_score, 'suggested_cse_risk', i.suggested_cse_risk, "
        "'cse_risk', i.cse_risk, 'risk_rationale', i.risk_rationale, 'child_views', "
        "i.child_views, 'police_intelligence', i.police_intelligence, 'declined_reason', "
        "i.declined_reason, 'attempts', i.attempts, 'carers_account', i.carers_account) "
        "else jsonb_build_object('outcome', i.outcome, 'conducted_at', hw_time(i.conducted_at), "
        "'cse_risk', i.cse_risk, 'police_intelligence', i.police_intelligence) end, "
        "'actions', (select coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'type', a.type, "
        "'description', a.description, 'owner_id', a.owner_id, 'raised_by', a.raised_by, "
        "'raised_at', hw_time(a.raised_at), 'due_at', hw_time(a.due_at), 'status', a.status, "
        "'outcome', a.outcome, 'completed_at', hw_time(a.completed_at)) order by a.raised_at, "
        "a.id), '[]') from actions a where a.episode_id = e.id), "
        "'sign_off', case when e.signed_off_at is null then null else jsonb_build_object("
        "'signed_off_at', hw_time(e.signed_off_at), 'by', e.signed_off_by, 'note', "
        "e.sign_off_note) end, "
        "'closed_at', hw_time(e.closed_at), 'close_summary', e.close_summary, "
        "'cancelled_at', hw_time(e.cancelled_at), 'cancel_reason', e.cancel_reason, "
        "'reopened_at', hw_time(e.reopened_at), 'reopen_reason', e.reopen_reason, "
        "'updated_at', hw_time(e.updated_at))::text "
        "from episodes e join organisations pf on pf.id = e.police_force_id "
        "join organisations ra on ra.id = e.responsible_authority_id "
        "left join organisations ha on ha.id = e.host_authority_id "
        "left join interviews i on i.episode_id = e.id where e.id = $1::uuid"},
    statement{"history_json",
              "select coalesce(jsonb_agg(jsonb_build_object('at', hw_time(h.at), 'actor', "
              "h.actor_id, 'actor_username', u.username, 'role', h.actor_role, 'event', h.event, "
              "'from_state', h.from_state, 'to_state', h.to_state, 'version', h.version, "
              "'detail', h.detail) order by h.version), '[]')::text from episode_history h "
              "join users u on u.id = h.actor_id where h.episode_id = $1::uuid"},
    statement{"insert_history",
              "insert into episode_history (episode_id, version, at, actor_id, actor_role, event, "
              "from_state, to_state, detail) values ($1::uuid, $2, to_timestamp($3), $4::uuid, "
              "$5, $6, $7, $8, $9::jsonb)"},
    statement{
        "insert_interview",
        "insert into interviews (episode_id, outcome, conducted_at, recorded_by, recorded_at, "
        "interviewer_id, interviewer_independent, location, where_stayed, with_whom, "
        "push_factors, pull_factors, harm_disclosed, harm_details, cse_risk, "
        "suggested_cse_risk, indicator_score, risk_rationale, child_views, "
        "police_intelligence, declined_reason, attempts, carers_account) values ($1::uuid, "
        "$2, to_timestamp($3), $4::uuid, to_timestamp($5), $6::uuid, $7, $8, $9, $10, "
        "$11::text[], $12::text[], $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) "
        "on conflict (episode_id) do update set outcome = excluded.outcome, "
        "conducted_at = excluded.conducted_at, recorded_by = excluded.recorded_by, "
        "recorded_at = excluded.recorded_at, interviewer_id = excluded.interviewer_id, "
        "interviewer_independent = excluded.interviewer_independent, "
        "location = excluded.location, where_stayed = excluded.where_stayed, "
        "with_whom = excluded.with_whom, push_factors = excluded.push_factors, "
        "pull_factors = excluded.pull_factors, harm_disclosed = excluded.harm_disclosed, "
        "harm_details = excluded.harm_details, cse_risk = excluded.cse_risk, "
        "suggested_cse_risk = excluded.suggested_cse_risk, "
        "indicator_score = excluded.indicator_score, "
        "risk_rationale = excluded.risk_rationale, child_views = excluded.child_views, "
        "police_intelligence = excluded.police_intelligence, "
        "declined_reason = excluded.declined_reason, attempts = excluded.attempts, "
        "carers_account = excluded.carers_account"},
    statement{"clear_indicators", "delete from observed_indicators where episode_id = $1::uuid"},
    statement{"insert_indicators", "insert into observed_indicators (episode_id, indicator_code) "
                                   "select $1::uuid, unnest($2::text[])"},
    statement{"find_action",
              "select id::text, episode_id::text, owner_id::text, status, "
              "extract(epoch from raised_at)::bigint, extract(epoch from due_at)::bigint, "
              "extract(epoch from completed_at)::bigint from actions "
              "where id = $1::uuid and episode_id = $2::uuid"},
    statement{"actions_of",
              "select id::text, episode_id::text, owner_id::text, status, "
              "extract(epoch from raised_at)::bigint, extract(epoch from due_at)::bigint, "
              "extract(epoch from completed_at)::bigint from actions "
              "where episode_id = $1::uuid order by id"},
    statement{"insert_action",
              "insert into actions (episode_id, type, description, owner_id, raised_by, raised_at, "
              "due_at) values ($1::uuid, $2, $3, $4::uuid, $5::uuid, to_timestamp($6), "
              "to_timestamp($7)) returning id::text"},
    statement{"complete_action",
              "update actions set status = 'done', outcome = $2, completed_by = $3::uuid, "
              "completed_at = to_timestamp($4) where id = $1::uuid and status = 'open'"},
    statement{"action_json",
              "select jsonb_build_object('id', a.id, 'episode_id', a.episode_id, 'type', a.type, "
              "'description', a.description, 'owner_id', a.owner_id, 'raised_by', a.raised_by, "
              "'raised_at', hw_time(a.raised_at), 'due_at', hw_time(a.due_at), 'status', "
              "a.status, 'outcome', a.outcome, 'completed_at', hw_time(a.completed_at))::text "
              "from actions a where a.id = $1::uuid"},
    statement{"is_worker_of",
              "select exists (select 1 from users where id = $1::uuid and active and "
              "role = any($3::text[]) and organisation_id = any($2::uuid[]))"},
    statement{"clocks_of",
              "select " CLOCK_COLUMNS " from clocks where episode_id = $1::uuid order by id"},
    statement{"child_clocks",
              "select " CLOCK_COLUMNS " from clocks where child_id = $1::uuid and episode_id is "
              "null order by starts_at, id"},
    statement{"meet_child_clocks",
              "update clocks set met_at = to_timestamp($3) where child_id = $1::uuid and "
              "episode_id is null and kind = $2 and met_at is null and stopped_at is null and "
              "starts_at <= to_timestamp($3)"},
    statement{"insert_child_review",
              "insert into child_reviews (child_id, kind, held_at, cse_risk, notes, recorded_by) "
              "values ($1::uuid, $2, to_timestamp($3), $4, $5, $6::uuid) returning id::text"},
    statement{"upsert_clock",
              "insert into clocks (episode_id, child_id, kind, subject, starts_at, due_at, met_at, "
              "stopped_at, holder_organisation_id, holder_user_id) values ($1::uuid, $2::uuid, $3, "
              "$4, to_timestamp($5), to_timestamp($6), to_timestamp($7), to_timestamp($8), "
              "$9::uuid, $10::uuid) on conflict (episode_id, kind, subject) do update set "
              "starts_at = excluded.starts_at, due_at = excluded.due_at, met_at = excluded.met_at, "
              "stopped_at = excluded.stopped_at, "
              "holder_organisation_id = excluded.holder_organisation_id, "
              "holder_user_id = excluded.holder_user_id, "
              "due_soon_notified_at = case when clocks.due_at = excluded.due_at then "
              "clocks.due_soon_notified_at end, overdue_notified_at = case when clocks.due_at = "
              "excluded.due_at then clocks.overdue_notified_at end"},
    statement{"delete_stale_clocks",
              "delete from clocks where episode_id = $1::uuid and not ((kind, subject) in "
              "(select * from unnest($2::text[], $3::text[])))"},
    statement{
        "notify",
        // A notification raised for the first time also queues its webhook, in one statement.
        "with note as (insert into notifications (organisation_id, recipient_role, "
        "recipient_user_id, kind, episode_id, child_id, title, body, dedupe_key) values "
        "($1::uuid, $2, $3::uuid, $4, $5::uuid, $6::uuid, $7, $8::jsonb, $9) on conflict "
        "(dedupe_key) do nothing returning *) insert into outbox (organisation_id, topic, payload) "
        "select note.organisation_id, 'notification.' || note.kind, jsonb_build_object("
        "'notification_id', note.id, 'kind', note.kind, 'title', note.title, 'recipient_role', "
        "note.recipient_role, 'recipient_user_id', note.recipient_user_id, 'episode_id', "
        "note.episode_id, 'child_id', note.child_id, 'created_at', hw_time(note.created_at), "
        "'detail', note.body) from note join organisations o on o.id = note.organisation_id "
        "where o.webhook_url is not null"},
    statement{"claim_idempotency_key",
              "insert into idempotency_keys (user_id, key, request_hash, episode_id) values "
              "($1::uuid, $2, $3, $4::uuid) on conflict (user_id, key) do nothing"},
    statement{"find_idempotency_key", "select request_hash, episode_id::text from idempotency_keys "
                                      "where user_id = $1::uuid and key = $2"},
    statement{"append_audit",
              "with head as (select seq, hash from audit_head where id for update), "
              "entry as (insert into audit_log (seq, at, request_id, actor_id, actor_username, "
              "actor_role, organisation_id, action, entity_type, entity_id, outcome, detail, "
              "prev_hash, hash) select head.seq + 1, now(), $1, $2::uuid, $3, $4, $5::uuid, $6, "
              "$7, $8, $9, $10::jsonb, head.hash, audit_entry_hash(head.hash, head.seq + 1, now(), "
              "$1, $2::uuid, $3, $4, $5::uuid, $6, $7, $8, $9, $10::jsonb) from head "
              "returning seq, hash) "
              "update audit_head set seq = entry.seq, hash = entry.hash from entry "
              "returning entry.seq"},
    statement{"audit_page",
              "select seq, prev_hash, hash, audit_entry_hash(prev_hash, seq, at, request_id, "
              "actor_id, actor_username, actor_role, organisation_id, action, entity_type, "
              "entity_id, outcome, detail) from audit_log where seq > $1 order by seq limit $2"},
    statement{"audit_head", "select seq, hash from audit_head where id"},
    statement{"ping", "select 1"},
    statement{"save_child_clock",
              "insert into clocks (episode_id, child_id, kind, subject, starts_at, due_at, "
              "holder_organisation_id, holder_user_id) values (null, $1::uuid, $2, '', "
              "to_timestamp($3), to_timestamp($4), $5::uuid, $6::uuid) on conflict do nothing"},
    statement{"claim_overdue",
              "with due as (select id from clocks where met_at is null and stopped_at is null "
              "and overdue_notified_at is null and due_at <= to_timestamp($1) order by due_at "
              "for update skip locked limit $2) update clocks c set overdue_notified_at = "
              "to_timestamp($1), due_soon_notified_at = coalesce(c.due_soon_notified_at, "
              "to_timestamp($1)) from due where c.id = due.id returning c.id, c.episode_id::text, "
              "c.child_id::text, c.kind, c.subject, extract(epoch from c.due_at)::bigint, "
              "c.holder_organisation_id::text, c.holder_user_id::text, (select "
              "e.responsible_authority_id::text from episodes e where e.id = c.episode_id)"},
    statement{"claim_due_soon",
              "with due as (select id from clocks where met_at is null and stopped_at is null "
              "and due_soon_notified_at is null and due_at > to_timestamp($1) and due_at <= "
              "to_timestamp($1) + make_interval(secs => $3) order by due_at "
              "for update skip locked limit $2) update clocks c set due_soon_notified_at = "
              "to_timestamp($1) from due where c.id = due.id returning c.id, c.episode_id::text, "
              "c.child_id::text, c.kind, c.subject, extract(epoch from c.due_at)::bigint, "
              "c.holder_organisation_id::text, c.holder_user_id::text, (select "
              "e.responsible_authority_id::text from episodes e where e.id = c.episode_id)"},
    statement{
        "login_account",
        "select u.id::text, u.username, u.password_hash, u.role, u.organisation_id::text, "
        "o.code, u.active, extract(epoch from u.locked_until)::bigint from users u "
        "join organisations o on o.id = u.organisation_id where lower(u.username) = lower($1)"},
    statement{"record_login_attempt",
              "insert into login_attempts (username, client_address, at, succeeded) "
              "values ($1, $2, to_timestamp($3), $4)"},
    statement{"recent_failed_logins",
              "select count(*)::int from login_attempts where lower(username) = lower($1) "
              "and not succeeded and at > to_timestamp($2)"},
    statement{"recent_failures_from",
              "select count(*)::int from login_attempts where client_address = $1 "
              "and not succeeded and at > to_timestamp($2)"},
    statement{"lock_account", "update users set locked_until = to_timestamp($2), failed_logins = 0 "
                              "where id = $1::uuid"},
    statement{"insert_session",
              "insert into sessions (token_hash, user_id, created_at, last_seen_at, expires_at) "
              "values ($1, $2::uuid, to_timestamp($3), to_timestamp($3), to_timestamp($4))"},
    statement{
        "find_session",
        "select u.id::text, u.username, u.password_hash, u.role, u.organisation_id::text, "
        "o.code, u.active, extract(epoch from s.created_at)::bigint, "
        "extract(epoch from s.last_seen_at)::bigint, extract(epoch from s.expires_at)::bigint, "
        "extract(epoch from s.revoked_at)::bigint from sessions s "
        "join users u on u.id = s.user_id join organisations o on o.id = u.organisation_id "
        "where s.token_hash = $1"},
    statement{"touch_session",
              "update sessions set last_seen_at = to_timestamp($2) where token_hash = $1 "
              "and last_seen_at < to_timestamp($2) - interval '60 seconds'"},
    statement{"revoke_session",
              "update sessions set revoked_at = to_timestamp($2) where token_hash = $1 "
              "and revoked_at is null"},
    statement{
        "notifications_json",
        "select coalesce(jsonb_agg(jsonb_build_object('id', n.id, 'kind', n.kind, 'title', "
        "n.title, 'episode_id', n.episode_id, 'child_id', n.child_id, 'body', n.body, "
        "'created_at', hw_time(n.created_at), 'read', r.user_id is not null) "
        "order by n.created_at desc, n.id desc), '[]')::text from (select * from "
        "notifications n where n.organisation_id = $3::uuid "
        "and (n.recipient_role is null or n.recipient_role = $2) "
        "and (n.recipient_user_id is null or n.recipient_user_id = $1::uuid) "
        "and ($5::bigint is null or (n.created_at, n.id) < (to_timestamp($5), $6::uuid)) "
        "order by n.created_at desc, n.id desc limit $4) n "
        "left join notification_reads r on r.notification_id = n.id and r.user_id = $1::uuid"},
    statement{"mark_notification_read",
              "with visible as (select n.id from notifications n where n.id = $1::uuid "
              "and n.organisation_id = $4::uuid and (n.recipient_role is null or "
              "n.recipient_role = $3) and (n.recipient_user_id is null or "
              "n.recipient_user_id = $2::uuid)), marked as (insert into notification_reads "
              "(notification_id, user_id) select id, $2::uuid from visible on conflict do nothing) "
              "select id from visible"},
    statement{"audit_json",
              "select coalesce(jsonb_agg(jsonb_build_object('seq', a.seq, 'at', hw_time(a.at), "
              "'request_id', a.request_id, 'actor_id', a.actor_id, 'actor_username', "
              "a.actor_username, 'actor_role', a.actor_role, 'organisation_id', a.organisation_id, "
              "'action', a.action, 'entity_type', a.entity_type, 'entity_id', a.entity_id, "
              "'outcome', a.outcome, 'detail', a.detail) order by a.seq desc), '[]')::text from "
              "(select * from audit_log a where ($1::text is null or a.entity_id = $1) "
              "and ($2::uuid is null or a.actor_id = $2::uuid) "
              "and ($3::bigint is null or a.at >= to_timestamp($3)) "
              "and ($4::bigint is null or a.at < to_timestamp($4)) "
              "and ($5::uuid is null or a.organisation_id = $5::uuid or a.entity_id in "
              "(select e.id::text from episodes e where e.responsible_authority_id = $5::uuid "
              "or e.host_authority_id = $5::uuid)) "
              "and ($7::bigint is null or a.seq < $7) order by a.seq desc limit $6) a"},
};

#undef EPISODE_SCOPE
#undef CHILD_SCOPE
#undef CLOCK_COLUMNS

// A PostgreSQL array literal of text values, quoted and escaped.
std::string text_array(const std::vector<std::string>& values) {
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        literal += i == 0 ? "\"" : ",\"";
        for (const char c : values[i]) {
            if (c == '"' || c == '\\') {
                literal += '\\';
            }
            literal += c;
        }
        literal += '"';
    }
    return literal + "}";
}

episode_row read_episode(const pqxx::row& row) {
    episode_row e;
    e.id = row[0].as<std::string>();
    e.child_id = row[1].as<std::string>();
    e.state = row[2].as<std::string>();
    e.version = row[3].as<int>();
    e.police_force_id = row[4].as<std::string>();
    e.responsible_authority_id = row[5].as<std::string>();
    e.host_authority_id = optional_text(row[6]);
    e.assigned_worker_id = optional_text(row[7]);
    e.risk_level = row[8].as<std::string>();
    e.reported_at = required_time(row[9]);
    e.last_seen_at = required_time(row[10]);
    e.returned_at = optional_time(row[11]);
    e.safe_and_well_at = optional_time(row[12]);
    e.interview_offered_at = optional_time(row[13]);
    e.further_offer_at = optional_time(row[14]);
    e.signed_off_at = optional_time(row[15]);
    e.closed_at = optional_time(row[16]);
    e.cancelled_at = optional_time(row[17]);
    e.interview_outcome = optional_text(row[18]);
    e.interview_at = optional_time(row[19]);
    e.interview_cse_risk = optional_text(row[20]);
    e.open_actions = row[21].as<int>();
    return e;
}

std::vector<clock_row> read_clocks(const pqxx::result& result) {
    std::vector<clock_row> rows;
    for (const auto& row : result) {
        rows.push_back({row[0].as<std::string>(), row[1].as<std::string>(), required_time(row[2]),
                        required_time(row[3]), optional_time(row[4]), optional_time(row[5]),
                        optional_text(row[6]), optional_text(row[7])});
    }
    return rows;
}

action_row read_action(const pqxx::row& row) {
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
            row[3].as<std::string>(), required_time(row[4]),    required_time(row[5]),
            optional_time(row[6])};
}

// lock_episode and load_episode: the same row, locked or not.
std::optional<episode_row> episode_in_scope(unit_of_work& uow, const char* statement,
                                            std::string_view id, const scope& who) {
    const auto row = row_by_id(uow, statement, id, who.role, who.organisation_id);
    return row ? std::optional{read_episode(*row)} : std::nullopt;
}

} // namespace

void prepare_statements(pqxx::connection& connection) {
    connection.set_variable("TimeZone", "'UTC'");
    for (const auto& s : statements) {
        connection.prepare(s.name, s.sql);
    }
    for (const auto& s : outbox_statements()) {
        connection.prepare(s.name, s.sql);
    }
}

// ---- unit of work ------------------------------------------------------------------------------

unit_of_work::unit_of_work(connection_pool& pool, isolation level) : lease_(pool.acquire()) {
    if (level == isolation::snapshot) {
        tx_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read>>(lease_.connection());
    } else {
        tx_ = std::make_unique<pqxx::work>(lease_.connection());
    }
}

unit_of_work::~unit_of_work() = default;

void unit_of_work::commit() { tx_->commit(); }

bool ping(unit_of_work& uow) { return run(uow, "ping")[0][0].as<int>() == 1; }

// ---- organisations and users -------------------------------------------------------------------

std::string insert_organisation(unit_of_work& uow, std::string_view code, std::string_view name,
                                std::string_view kind) {
    return run(uow, "insert_organisation", std::string{code}, std::string{name},
               std::string{kind})[0][0]
        .as<std::string>();
}

std::optional<organisation_row> find_organisation_by_code(unit_of_work& uow,
                                                          std::string_view code) {
    const auto result = run(uow, "organisation_by_code", std::string{code});
    if (result.empty()) {
        return std::nullopt;
    }
    const auto row = result[0];
    return organisation_row{row[0].as<std::string>(), row[1].as<std::string>(),
                            row[2].as<std::string>(), row[3].as<std::string>()};
}

std::string insert_user(unit_of_work& uow, std::string_view username,
                        std::string_view password_hash, std::string_view role,
                        std::string_view organisation_id) {
    return run(uow, "insert_user", std::string{username}, std::string{password_hash},
               std::string{role}, std::string{organisation_id})[0][0]
        .as<std::string>();
}

std::optional<user_row> find_user_by_id(unit_of_work& uow, std::string_view id) {
    const auto row = row_by_id(uow, "user_by_id", id);
    if (!row) {
        return std::nullopt;
    }
    const auto& r = *row;
    return user_row{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                    r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                    r[6].as<bool>()};
}

// ---- children ----------------------------------------------------------------------------------

std::string insert_child(unit_of_work& uow, const new_child& child) {
    return run(uow, "insert_child", child.given_name, child.family_name, child.date_of_birth,
               child.sex, child.looked_after, child.responsible_authority_id,
               child.host_authority_id, child.ethnicity, child.placement_type,
               child.created_by)[0][0]
        .as<std::string>();
}

std::optional<std::string> child_json(unit_of_work& uow, std::string_view child_id,
                                      const scope& who) {
    const auto row = row_by_id(uow, "child_json", child_id, who.role, who.organisation_id);
    return row ? std::optional{(*row)[0].as<std::string>()} : std::nullopt;
}

std::optional<child_authorities> child_authorities_of(unit_of_work& uow, std::string_view child_id,
                                                      const scope& who) {
    const auto row = row_by_id(uow, "child_authorities", child_id, who.role, who.organisation_id);
    if (!row) {
        return std::nullopt;
    }
    return child_authorities{(*row)[0].as<std::string>(), optional_text((*row)[1])};
}

std::string child_episodes_json(unit_of_work& uow, std::string_view child_id, const scope& who) {
    return run(uow, "child_episodes_json", std::string{child_id}, who.role,
               who.organisation_id)[0][0]
        .as<std::string>();
}

std::vector<time_point> child_report_times(unit_of_work& uow, std::string_view child_id) {
    std::vector<time_point> times;
    for (const auto& row : run(uow, "child_report_times", std::string{child_id})) {
        times.push_back(required_time(row[0]));
    }
    return times;
}

std::string search_children_json(unit_of_work& uow, std::string_view query, const scope& who,
                                 int limit, std::optional<std::string> date_of_birth) {
    std::string prefix;
    for (const char c : query) {
        if (c == '%' || c == '_' || c == '\\') {
            prefix += '\\';
        }
        prefix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return run(uow, "search_children_json", prefix, who.role, who.organisation_id, limit,
               date_of_birth)[0][0]
        .as<std::string>();
}

// ---- episodes ----------------------------------------------------------------------------------

std::string insert_episode(unit_of_work& uow, const new_episode& episode) {
    return run(uow, "insert_episode", episode.child_id, episode.police_force_id,
               episode.authorities.responsible_authority_id, episode.authorities.host_authority_id,
               epoch(episode.reported_at), episode.reported_by, epoch(episode.last_seen_at),
               episode.last_seen_location, episode.circumstances, episode.risk_level,
               episode.police_reference, episode.absence_kind)[0][0]
        .as<std::string>();
}

std::optional<episode_row> lock_episode(unit_of_work& uow, std::string_view id, const scope& who) {
    return episode_in_scope(uow, "lock_episode", id, who);
}

std::optional<episode_row> load_episode(unit_of_work& uow, std::string_view id, const scope& who) {
    return episode_in_scope(uow, "load_episode", id, who);
}

std::string episode_json(unit_of_work& uow, std::string_view id, bool include_child_account) {
    return run(uow, "episode_json", std::string{id}, include_child_account)[0][0].as<std::string>();
}

std::string history_json(unit_of_work& uow, std::string_view id) {
    return run(uow, "history_json", std::string{id})[0][0].as<std::string>();
}

std::string list_episodes_json(unit_of_work& uow, const scope& who, const episode_filter& filter) {
    // Scope, filters and keyset cursor are all in the WHERE; the ORDER BY matches the indexes.
    const std::string sql =
        "select coalesce(jsonb_agg(j order by r desc, i desc), '[]')::text from "
        "(select " EPISODE_SUMMARY_JSON(
            "e") " || jsonb_build_object('child', jsonb_build_object('given_name', "
                 "c.given_name, 'family_name', c.family_name, 'date_of_birth', "
                 "to_char(c.date_of_birth, 'YYYY-MM-DD'))) as j, e.reported_at r, e.id i "
                 "from episodes e join children c on c.id = e.child_id where "
                 "((($1 = 'police') and e.police_force_id = $2::uuid) or "
                 "(($1 in ('social_worker', 'manager', 'cse_champion')) and "
                 "(e.responsible_authority_id = $2::uuid or e.host_authority_id = $2::uuid))) "
                 "and ($3::text[] is null or e.state = any($3::text[])) "
                 "and ($4::uuid is null or e.child_id = $4::uuid) "
                 "and ($5::uuid is null or e.responsible_authority_id = $5::uuid or "
                 "e.host_authority_id = $5::uuid) "
                 "and ($6::bigint is null or (e.reported_at, e.id) < (to_timestamp($6), $7::uuid)) "
                 "and ($9::uuid is null or e.assigned_worker_id = $9::uuid) "
                 "and (not $10 or e.assigned_worker_id is null) "
                 "order by e.reported_at desc, e.id desc limit $8) s";
    const auto states = filter.states.empty()
                            ? std::nullopt
                            : std::optional<std::string>{text_array(filter.states)};
    return uow.tx()
        .exec_params(sql, who.role, who.organisation_id, states, filter.child_id,
                     filter.authority_id, epoch(filter.after_reported_at), filter.after_id,
                     filter.limit, filter.assigned_worker_id, filter.unassigned)[0][0]
        .as<std::string>();
}

bool update_episode(unit_of_work& uow, std::string_view id, int expected_version,
                    std::string_view new_state, const std::vector<column_value>& columns) {
    // Column names come from the services' code, never from input; values are parameters.
    std::string sql = "update episodes set state = $3, version = version + 1, updated_at = now()";
    std::vector<std::optional<std::string>> values;
    int index = 4;
    for (const auto& column : columns) {
        const std::string placeholder = "$" + std::to_string(index++);
        sql += ", " + column.column + " = " +
               (column.is_time ? "to_timestamp(" + placeholder + "::bigint)" : placeholder);
        values.push_back(column.value);
    }
    sql += " where id = $1::uuid and version = $2";
    const auto result =
        uow.tx().exec_params(sql, std::string{id}, expected_version, std::string{new_state},
                             pqxx::prepare::make_dynamic_params(values));
    return result.affected_rows() == 1;
}

void insert_history(unit_of_work& uow, std::string_view episode_id, int version,
                    std::string_view actor_id, std::string_view actor_role, std::string_view event,
                    std::optional<std::string> from_state, std::string_view to_state,
                    const std::string& detail_json, time_point at) {
    run(uow, "insert_history", std::string{episode_id}, version, epoch(at), std::string{actor_id},
        std::string{actor_role}, std::string{event}, from_state, std::string{to_state},
        detail_json);
}

// ---- interviews and actions --------------------------------------------------------------------

void insert_interview(unit_of_work& uow, std::string_view episode_id, const interview_record& r,
                      time_point recorded_at) {
    const std::string id{episode_id};
    run(uow, "insert_interview", id, r.outcome, epoch(r.conducted_at), r.recorded_by,
        epoch(recorded_at), r.interviewer_id, r.interviewer_independent, r.location, r.where_stayed,
        r.with_whom, text_array(r.push_factors), text_array(r.pull_factors), r.harm_disclosed,
        r.harm_details, r.cse_risk, r.suggested_cse_risk, r.indicator_score, r.risk_rationale,
        r.child_views, r.police_intelligence, r.declined_reason, r.attempts, r.carers_account);
    run(uow, "clear_indicators", id);
    if (!r.indicators.empty()) {
        run(uow, "insert_indicators", id, text_array(r.indicators));
    }
}

std::optional<action_row> find_action(unit_of_work& uow, std::string_view episode_id,
                                      std::string_view action_id) {
    const auto row = row_by_id(uow, "find_action", action_id, std::string{episode_id});
    return row ? std::optional{read_action(*row)} : std::nullopt;
}

std::vector<action_row> actions_of(unit_of_work& uow, std::string_view episode_id) {
    std::vector<action_row> rows;
    for (const auto& row : run(uow, "actions_of", std::string{episode_id})) {
        rows.push_back(read_action(row));
    }
    return rows;
}

std::string insert_action(unit_of_work& uow, std::string_view episode_id, std::string_view type,
                          std::string_view description, std::string_view owner_id,
                          std::string_view raised_by, time_point raised_at, time_point due_at) {
    return run(uow, "insert_action", std::string{episode_id}, std::string{type},
               std::string{description}, std::string{owner_id}, std::string{raised_by},
               epoch(raised_at), epoch(due_at))[0][0]
        .as<std::string>();
}

void complete_action(unit_of_work& uow, std::string_view action_id, std::string_view outcome,
                     std::string_view completed_by, time_point completed_at) {
    run(uow, "complete_action", std::string{action_id}, std::string{outcome},
        std::string{completed_by}, epoch(completed_at));
}

std::string action_json(unit_of_work& uow, std::string_view action_id) {
    return run(uow, "action_json", std::string{action_id})[0][0].as<std::string>();
}

bool is_worker_of(unit_of_work& uow, std::string_view user_id,
                  const std::vector<std::string>& organisation_ids,
                  const std::vector<std::string>& roles) {
    if (!looks_like_uuid(user_id)) {
        return false;
    }
    return run(uow, "is_worker_of", std::string{user_id}, text_array(organisation_ids),
               text_array(roles))[0][0]
        .as<bool>();
}

// ---- clocks ------------------------------------------------------------------------------------

void save_clocks(unit_of_work& uow, std::string_view episode_id, std::string_view child_id,
                 const std::vector<clock_row>& clocks) {
    const std::string id{episode_id};
    std::vector<std::string> kinds;
    std::vector<std::string> subjects;
    for (const auto& clock : clocks) {
        run(uow, "upsert_clock", id, std::string{child_id}, clock.kind, clock.subject,
            epoch(clock.starts_at), epoch(clock.due_at), epoch(clock.met_at),
            epoch(clock.stopped_at), clock.holder_organisation_id, clock.holder_user_id);
        kinds.push_back(clock.kind);
        subjects.push_back(clock.subject);
    }
    run(uow, "delete_stale_clocks", id, text_array(kinds), text_array(subjects));
}

std::vector<clock_row> clocks_of(unit_of_work& uow, std::string_view episode_id) {
    return read_clocks(run(uow, "clocks_of", std::string{episode_id}));
}

bool save_child_clock(unit_of_work& uow, std::string_view child_id, const clock_row& clock) {
    return run(uow, "save_child_clock", std::string{child_id}, clock.kind, epoch(clock.starts_at),
               epoch(clock.due_at), clock.holder_organisation_id, clock.holder_user_id)
               .affected_rows() == 1;
}

std::vector<clock_row> child_clocks(unit_of_work& uow, std::string_view child_id) {
    return read_clocks(run(uow, "child_clocks", std::string{child_id}));
}

int meet_child_clocks(unit_of_work& uow, std::string_view child_id, std::string_view kind,
                      time_point at) {
    return static_cast<int>(
        run(uow, "meet_child_clocks", std::string{child_id}, std::string{kind}, epoch(at))
            .affected_rows());
}

std::string insert_child_review(unit_of_work& uow, const child_review& review) {
    return run(uow, "insert_child_review", review.child_id, review.kind, epoch(review.held_at),
               review.cse_risk, review.notes, review.recorded_by)[0][0]
        .as<std::string>();
}

std::string overdue_json(unit_of_work& uow, const scope& who, const overdue_filter& filter) {
    // The scope picks one of three fixed predicates; each matches a partial index on open clocks.
    std::string scope_predicate;
    if (who.role == "police") {
        scope_predicate = "c.holder_organisation_id = caller.organisation_id and c.kind in "
                          "('safe_and_well', 'long_missing')";
    } else if (who.role == "social_worker") {
        scope_predicate = "c.holder_user_id = caller.user_id";
    } else if (who.role == "manager" || who.role == "cse_champion") {
        scope_predicate = "c.holder_organisation_id = caller.organisation_id";
    } else {
        scope_predicate = "false";
    }
    const std::string sql =
        "select coalesce(jsonb_agg(jsonb_build_object('clock_id', c.id, 'episode_id', "
        "c.episode_id, 'child', jsonb_build_object('id', ch.id, 'given_name', ch.given_name, "
        "'family_name', ch.family_name), 'kind', c.kind, 'subject', nullif(c.subject, ''), "
        "'due_at', hw_time(c.due_at), 'overdue_hours', round((extract(epoch from "
        "to_timestamp($4::bigint) - c.due_at) / 3600.0)::numeric, 1), 'holder', "
        "jsonb_build_object('user_id', c.holder_user_id, 'username', u.username), 'authority', "
        "o.code) order by c.due_at, c.id), '[]')::text from (select c.* from clocks c, (select "
        "$1::uuid as organisation_id, $2::uuid as user_id) caller where "
        "c.met_at is null and c.stopped_at is null and " +
        scope_predicate +
        " and ($3::text is null or c.kind = $3) and ($5::uuid is null or "
        "c.holder_organisation_id = $5::uuid) and ($6::uuid is null or c.holder_user_id = "
        "$6::uuid) and (case when $7 then c.due_at > to_timestamp($4::bigint) and c.due_at <= "
        "to_timestamp($4::bigint) + make_interval(secs => $8) else c.due_at <= "
        "to_timestamp($4::bigint) end) and ($9::bigint is null or (c.due_at, c.id) > "
        "(to_timestamp($9::bigint), $10::bigint)) order by c.due_at, c.id limit $11) c "
        "join children ch on ch.id = c.child_id left join users u on u.id = c.holder_user_id "
        "left join organisations o on o.id = c.holder_organisation_id";
    return uow.tx()
        .exec_params(sql, who.organisation_id, who.user_id, filter.kind, epoch(filter.now),
                     filter.authority_id, filter.worker_id, filter.due_soon,
                     static_cast<double>(filter.window.count()), epoch(filter.after_due),
                     filter.after_id, filter.limit)[0][0]
        .as<std::string>();
}

std::vector<claimed_clock> claim_clocks(unit_of_work& uow, bool overdue, time_point now,
                                        std::chrono::seconds window, int limit) {
    const auto result = overdue ? run(uow, "claim_overdue", epoch(now), limit)
                                : run(uow, "claim_due_soon", epoch(now), limit,
                                      static_cast<double>(window.count()));
    std::vector<claimed_clock> clocks;
    for (const auto& row : result) {
        clocks.push_back({row[0].as<std::int64_t>(), optional_text(row[1]),
                          row[2].as<std::string>(), row[3].as<std::string>(),
                          row[4].as<std::string>(), required_time(row[5]), optional_text(row[6]),
                          optional_text(row[7]), optional_text(row[8])});
    }
    return clocks;
}

// ---- notifications and outbox ------------------------------------------------------------------

void notify(unit_of_work& uow, const notification& note) {
    run(uow, "notify", note.organisation_id, note.recipient_role, note.recipient_user_id, note.kind,
        note.episode_id, note.child_id, note.title, note.body_json, note.dedupe_key);
}

// ---- idempotency -------------------------------------------------------------------------------

std::optional<idempotent_result> find_idempotency_key(unit_of_work& uow, std::string_view user_id,
                                                      std::string_view key) {
    const auto result = run(uow, "find_idempotency_key", std::string{user_id}, std::string{key});
    if (result.empty()) {
        return std::nullopt;
    }
    return idempotent_result{pqxx::binarystring{result[0][0]}.str(),
                             result[0][1].as<std::string>()};
}

std::optional<idempotent_result> claim_idempotency_key(unit_of_work& uow, std::string_view user_id,
                                                       std::string_view key,
                                                       std::string_view request_hash,
                                                       std::string_view episode_id) {
    const pqxx::binarystring hash{request_hash.data(), request_hash.size()};
    const auto claimed = run(uow, "claim_idempotency_key", std::string{user_id}, std::string{key},
                             hash, std::string{episode_id});
    if (claimed.affected_rows() == 1) {
        return std::nullopt;
    }
    return find_idempotency_key(uow, user_id, key);
}

// ---- sessions and log-ins ----------------------------------------------------------------------

std::optional<login_account> find_login_account(unit_of_work& uow, std::string_view username) {
    const auto result = run(uow, "login_account", std::string{username});
    if (result.empty()) {
        return std::nullopt;
    }
    const auto row = result[0];
    return login_account{user_row{row[0].as<std::string>(), row[1].as<std::string>(),
                                  row[2].as<std::string>(), row[3].as<std::string>(),
                                  row[4].as<std::string>(), row[5].as<std::string>(),
                                  row[6].as<bool>()},
                         optional_time(row[7])};
}

void record_login_attempt(unit_of_work& uow, std::string_view username,
                          std::string_view client_address, bool succeeded, time_point at) {
    run(uow, "record_login_attempt", std::string{username}, std::string{client_address}, epoch(at),
        succeeded);
}

int recent_failed_logins(unit_of_work& uow, std::string_view username, time_point since) {
    return run(uow, "recent_failed_logins", std::string{username}, epoch(since))[0][0].as<int>();
}

int recent_failures_from(unit_of_work& uow, std::string_view client_address, time_point since) {
    return run(uow, "recent_failures_from", std::string{client_address}, epoch(since))[0][0]
        .as<int>();
}

void lock_account(unit_of_work& uow, std::string_view user_id, time_point until) {
    run(uow, "lock_account", std::string{user_id}, epoch(until));
}

void insert_session(unit_of_work& uow, std::string_view token_hash, std::string_view user_id,
                    time_point created_at, time_point expires_at) {
    const pqxx::binarystring hash{token_hash.data(), token_hash.size()};
    run(uow, "insert_session", hash, std::string{user_id}, epoch(created_at), epoch(expires_at));
}

std::optional<session_row> find_session(unit_of_work& uow, std::string_view token_hash) {
    const pqxx::binarystring hash{token_hash.data(), token_hash.size()};
    const auto result = run(uow, "find_session", hash);
    if (result.empty()) {
        return std::nullopt;
    }
    const auto row = result[0];
    return session_row{user_row{row[0].as<std::string>(), row[1].as<std::string>(),
                                row[2].as<std::string>(), row[3].as<std::string>(),
                                row[4].as<std::string>(), row[5].as<std::string>(),
                                row[6].as<bool>()},
                       required_time(row[7]), required_time(row[8]), required_time(row[9]),
                       optional_time(row[10])};
}

void touch_session(unit_of_work& uow, std::string_view token_hash, time_point at) {
    const pqxx::binarystring hash{token_hash.data(), token_hash.size()};
    run(uow, "touch_session", hash, epoch(at));
}

void revoke_session(unit_of_work& uow, std::string_view token_hash, time_point at) {
    const pqxx::binarystring hash{token_hash.data(), token_hash.size()};
    run(uow, "revoke_session", hash, epoch(at));
}

// ---- notifications, audit reads ----------------------------------------------------------------

std::string notifications_json(unit_of_work& uow, const scope& who, int limit,
                               std::optional<time_point> before,
                               std::optional<std::string> before_id) {
    return run(uow, "notifications_json", who.user_id, who.role, who.organisation_id, limit,
               epoch(before), before_id)[0][0]
        .as<std::string>();
}

bool mark_notification_read(unit_of_work& uow, const scope& who, std::string_view id) {
    return row_by_id(uow, "mark_notification_read", id, who.user_id, who.role, who.organisation_id)
        .has_value();
}

std::string audit_json(unit_of_work& uow, const audit_filter& filter) {
    return run(uow, "audit_json", filter.entity_id, filter.actor_id, epoch(filter.from),
               epoch(filter.to), filter.organisation_id, filter.limit, filter.before_seq)[0][0]
        .as<std::string>();
}

// ---- audit -------------------------------------------------------------------------------------

std::int64_t append_audit(unit_of_work& uow, const audit_entry& entry) {
    return run(uow, "append_audit", entry.request_id, entry.actor_id, entry.actor_username,
               entry.actor_role, entry.organisation_id, entry.action, entry.entity_type,
               entry.entity_id, entry.outcome, entry.detail_json)[0][0]
        .as<std::int64_t>();
}

audit_check verify_audit_chain(unit_of_work& uow) {
    constexpr int page = 5000;
    audit_check check;
    std::int64_t last_seq = 0;
    std::string last_hash(32, '\0');
    while (true) {
        const auto rows = run(uow, "audit_page", last_seq, page);
        for (const auto& row : rows) {
            const auto seq = row[0].as<std::int64_t>();
            const std::string prev = pqxx::binarystring{row[1]}.str();
            const std::string hash = pqxx::binarystring{row[2]}.str();
            const std::string expected = pqxx::binarystring{row[3]}.str();
            if (seq != last_seq + 1) {
                check.first_broken = seq;
                check.problem = "entry " + std::to_string(seq) + " follows entry " +
                                std::to_string(last_seq) + ": entries are missing";
                return check;
            }
            if (prev != last_hash) {
                check.first_broken = seq;
                check.problem = "entry " + std::to_string(seq) +
                                " does not chain to the entry before it (previous hash differs)";
                return check;
            }
            if (hash != expected) {
                check.first_broken = seq;
                check.problem = "entry " + std::to_string(seq) +
                                " has been altered: its hash does not match its contents";
                return check;
            }
            last_seq = seq;
            last_hash = hash;
            ++check.entries;
        }
        if (rows.size() < static_cast<std::size_t>(page)) {
            break;
        }
    }
    const auto head = run(uow, "audit_head")[0];
    if (head[0].as<std::int64_t>() != last_seq || pqxx::binarystring{head[1]}.str() != last_hash) {
        check.first_broken = last_seq + 1;
        check.problem =
            "the chain ends at entry " + std::to_string(last_seq) + " but its head records entry " +
            std::to_string(head[0].as<std::int64_t>()) + ": entries after it were removed";
    }
    return check;
}

} // namespace homeward::db
