#include "homeward/db/retention.hpp"

#include "sql.hpp"

namespace homeward::db::retention {
namespace {

const statement policy_sql{
    "retention_policy",
    "select r.keep_until_age, r.years_after_last_closed, r.organisation_id is not null, "
    "extract(epoch from r.updated_at)::bigint from retention_policies r where r.organisation_id "
    "= $1::uuid or r.organisation_id is null order by r.organisation_id nulls last limit 1"};
const statement set_policy_sql{
    "retention_set_policy",
    "insert into retention_policies (organisation_id, keep_until_age, years_after_last_closed, "
    "updated_at, updated_by) select id, $2, $3, to_timestamp($5), $4::uuid from organisations "
    "where id = $1::uuid and kind = 'local_authority' on conflict "
    "(coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid)) do update set "
    "keep_until_age = excluded.keep_until_age, years_after_last_closed = "
    "excluded.years_after_last_closed, updated_at = excluded.updated_at, updated_by = "
    "excluded.updated_by"};

#define DUE_COLUMNS                                                                                \
    "s.child_id::text, s.responsible_authority_id::text, o.code, s.due_on - date '1970-01-01', "   \
    "s.rule, s.held, s.keep_until_age, s.years_after_last_closed"

const statement due_sql{
    "retention_due",
    "select " DUE_COLUMNS " from retention_schedule s join organisations o on o.id = "
    "s.responsible_authority_id where s.anonymised_at is null and s.due_on <= $1::date and "
    "($2::uuid is null or s.responsible_authority_id = $2::uuid) and ($3::boolean is null or "
    "s.held = $3) and ($4::date is null or (s.due_on, s.child_id) > ($4::date, $5::uuid)) order "
    "by s.due_on, s.child_id limit $6"};

// The child's row, locked, while it is not anonymised: whoever holds it anonymises the child.
const statement claim_sql{"retention_claim",
                          "select id from children where id = $1::uuid and anonymised_at is null "
                          "for update"};
const statement schedule_sql{"retention_schedule_of",
                             "select " DUE_COLUMNS
                             " from retention_schedule s join organisations o on o.id = "
                             "s.responsible_authority_id where s.child_id = $1::uuid and not "
                             "s.held and s.due_on <= $2::date"};

// The anonymising, in order ($1 the child, $2 the time). A notification's title becomes its kind's
// words (a title may name a person or place), its body loses its free text.
const statement scrub_notifications_sql{
    "retention_scrub_notifications",
    "update notifications n set body = hw_scrub_text(n.body), title = initcap(replace(n.kind, "
    "'_', ' ')) where n.child_id = $1::uuid or n.episode_id = any(array(select id from episodes "
    "where child_id = $1::uuid))"};
const statement scrub_outbox_sql{
    "retention_scrub_outbox",
    "update outbox m set payload = hw_scrub_text(m.payload), last_error = null where "
    "m.payload ->> 'child_id' = $1 or m.payload ->> 'episode_id' = any(array(select id::text "
    "from episodes where child_id = $1::uuid))"};
const statement scrub_child_sql{
    "retention_scrub_child",
    "update children set given_name = 'Anonymised', family_name = 'Anonymised', anonymised_at = "
    "to_timestamp($2), updated_at = to_timestamp($2), version = version + 1 where id = $1::uuid"};
const statement scrub_profiles_sql{
    "retention_scrub_profiles",
    "update child_profiles set height = null, build = null, hair = null, eyes = null, "
    "distinguishing_marks = null, clothing = null, languages = null, medical_needs = null, "
    "medication = null, phone_numbers = null, social_media = null, places = null, associates = "
    "null, missing_history = null, completed_by = 'anonymised' where child_id = $1::uuid"};
const statement drop_photo_sql{"retention_drop_photo",
                               "delete from child_photos where child_id = $1::uuid"};
const statement scrub_reviews_sql{"retention_scrub_reviews",
                                  "update child_reviews set notes = '' where child_id = $1::uuid"};
const statement scrub_interviews_sql{
    "retention_scrub_interviews",
    "update interviews i set location = case when i.location is not null then 'anonymised' end, "
    "where_stayed = hw_retained_place(i.where_stayed, $1::uuid), with_whom = null, push_factors = "
    "'{}', pull_factors = '{}', harm_details = null, risk_rationale = case when i.risk_rationale "
    "is not null then 'anonymised' end, child_views = null, police_intelligence = null, "
    "declined_reason = case when i.declined_reason is not null then 'anonymised' end, attempts = "
    "null, carers_account = null from episodes e where e.id = i.episode_id and e.child_id = "
    "$1::uuid"};
const statement scrub_episodes_sql{
    "retention_scrub_episodes",
    "update episodes set last_seen_location = hw_retained_place(last_seen_location, $1::uuid), "
    "found_location = hw_retained_place(found_location, $1::uuid), circumstances = 'anonymised', "
    "police_reference = 'anonymised', returned_to = case when returned_to is not null then "
    "'anonymised' end, found_by = null, safe_and_well_notes = null, safe_and_well_concerns = "
    "null, sign_off_note = null, close_summary = case when close_summary is not null then "
    "'anonymised' end, cancel_reason = case when cancel_reason is not null then 'anonymised' "
    "end, reopen_reason = case when reopen_reason is not null then 'anonymised' end where "
    "child_id = $1::uuid"};
const statement scrub_history_sql{
    "retention_scrub_history",
    "update episode_history set detail = hw_scrub_text(detail) where episode_id in (select id "
    "from episodes where child_id = $1::uuid)"};
const statement scrub_actions_sql{
    "retention_scrub_actions",
    "update actions set description = 'anonymised', outcome = case when outcome is not null then "
    "'anonymised' end where episode_id in (select id from episodes where child_id = $1::uuid)"};
const statement drop_idempotency_sql{
    "retention_drop_idempotency",
    "delete from idempotency_keys where episode_id in (select id from episodes where child_id = "
    "$1::uuid)"};
// The links between the child's episodes and people, places and vehicles, and the entities' count
// of the child; an entity that no longer concerns any child loses its names, identifier and
// details (a private address, an associate's name) and its history's free text.
const statement drop_links_sql{
    "retention_drop_links",
    "with links as (delete from episode_entities where episode_id in (select id from episodes "
    "where child_id = $1::uuid) returning entity_id), counted as (delete from entity_children "
    "where child_id = $1::uuid returning entity_id) select distinct entity_id::text from (select "
    "entity_id from links union select entity_id from counted) x"};
const statement recount_entities_sql{
    "retention_recount_entities",
    "update entities n set children = (select count(*) from entity_children c where c.entity_id "
    "= n.id) where n.id = any($1::uuid[]) and n.merged_into is null"};
const statement scrub_entities_sql{
    "retention_scrub_entities",
    "with orphans as (select n.id from entities n where n.id = any($1::uuid[]) and not exists "
    "(select from entity_children c where c.entity_id = n.id) and not exists (select from "
    "episode_entities l where l.entity_id = n.id or l.moved_from = n.id)), named as (update "
    "entities n set label = 'anonymised', label_normalised = 'anonymised', identifier = null, "
    "identifier_normalised = null, details = '{}', names_normalised = '{}' from orphans o where "
    "n.id = o.id) update entity_history h set detail = hw_scrub_text(h.detail) from orphans o "
    "where h.entity_id = o.id"};

due_child read_due(fields f) {
    due_child d;
    d.child_id = f.text();
    d.authority_id = f.text();
    d.authority_code = f.text();
    d.due_on = f.date();
    d.rule = f.text();
    d.held = f.boolean();
    d.keep_until_age = f.integer();
    d.years_after_last_closed = f.integer();
    return d;
}

} // namespace

policy policy_of(unit_of_work& uow, std::string_view organisation_id) {
    const auto rows = run(uow, policy_sql, std::string{organisation_id});
    fields f{rows.at(0)};
    policy p;
    p.keep_until_age = f.integer();
    p.years_after_last_closed = f.integer();
    p.authority_own = f.boolean();
    p.updated_at = f.optional_time();
    return p;
}

bool set_policy(unit_of_work& uow, std::string_view organisation_id, const policy& rule,
                std::string_view by, time_point at) {
    return run(uow, set_policy_sql, std::string{organisation_id}, rule.keep_until_age,
               rule.years_after_last_closed, std::string{by}, epoch(at))
               .affected_rows() > 0;
}

std::vector<due_child> due(unit_of_work& uow, const due_filter& f) {
    std::vector<due_child> items;
    const auto after_on =
        f.after_on ? std::optional<std::string>{date_text(*f.after_on)} : std::nullopt;
    for (const auto& row : run(uow, due_sql, date_text(f.until), f.authority_id, f.held, after_on,
                               f.after_child, f.limit)) {
        items.push_back(read_due(fields{row}));
    }
    return items;
}

std::optional<anonymised> anonymise(unit_of_work& uow, std::string_view child_id,
                                    std::chrono::sys_days as_of, time_point at) {
    if (!row_by_id(uow, claim_sql, child_id)) {
        return std::nullopt;
    }
    const auto due_row = row_by_id(uow, schedule_sql, child_id, date_text(as_of));
    if (!due_row) {
        return std::nullopt;
    }
    anonymised done;
    done.child = read_due(fields{*due_row});
    const std::string id{child_id};
    const auto when = epoch(at);
    run(uow, scrub_notifications_sql, id);
    run(uow, scrub_outbox_sql, id);
    run(uow, scrub_child_sql, id, when);
    run(uow, scrub_profiles_sql, id);
    run(uow, drop_photo_sql, id);
    run(uow, scrub_reviews_sql, id);
    run(uow, scrub_interviews_sql, id);
    done.episodes = static_cast<int>(run(uow, scrub_episodes_sql, id).affected_rows());
    run(uow, scrub_history_sql, id);
    run(uow, scrub_actions_sql, id);
    run(uow, drop_idempotency_sql, id);
    std::vector<std::string> entities;
    for (const auto& row : run(uow, drop_links_sql, id)) {
        entities.push_back(row[0].as<std::string>());
    }
    if (!entities.empty()) {
        run(uow, recount_entities_sql, text_array(entities));
        run(uow, scrub_entities_sql, text_array(entities));
    }
    return done;
}

} // namespace homeward::db::retention
