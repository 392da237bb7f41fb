#include "homeward/db/privacy.hpp"

#include "sql.hpp"

namespace homeward::db::privacy {
namespace {

// The champion and the DPO of the child's responsible authority: the authority that holds the
// child's record and answers the child's requests.
const statement in_charge_sql{
    "privacy_child_in_charge",
    "select c.id::text from children c where c.id = $1::uuid and c.responsible_authority_id = "
    "$3::uuid and $2 in ('cse_champion', 'data_protection_officer')"};
const statement record_ids_sql{
    "privacy_record_ids",
    "select $1::text union all (select e.id::text from episodes e where e.child_id = $1::uuid "
    "order by e.reported_at, e.id)"};
// Every entry naming one of the records ($1), found by the expression index of migration 0016
// (hw_audit_subjects: the entry's own child or episode, and the ids a list or search answered
// with): the page's ids first, sorted by `id + 0` so that the planner takes that index and never
// walks the primary key backwards through the whole trail (ruinous for a child with few
// entries), then the page's 50 rows joined to who and why. `record` is the record the entry is
// about, the child's own where it names the child. The reason of a write is the one its history
// row keeps (a regrade, a cancel, a reopen, an action cancelled), never a child's own words (a
// refusal's reason is the child's).
const statement access_sql{
    "privacy_access",
    "with page as materialized (select a.id from audit_events a where "
    "hw_audit_subjects(a.entity_type, a.entity_id, a.detail) ?| $1::text[] and ($3::bigint is "
    "null or a.at >= to_timestamp($3)) and ($4::bigint is null or a.at < to_timestamp($4)) and "
    "($5::uuid is null or a.organisation_id = $5::uuid) and ($6::uuid is null or a.actor_id = "
    "$6::uuid) and ($7::bigint is null or a.id < $7) order by a.id + 0 desc limit $8) "
    "select a.id, extract(epoch from a.at)::bigint, a.actor_id::text, u.username, a.actor_role, "
    "a.organisation_id::text, o.code, o.name, t.name, a.action, a.entity_type, a.entity_id, "
    "r.id, r.id = $2::text, a.entity_type is null or a.entity_type not in ('child', 'episode') "
    "or a.entity_id is distinct from r.id, a.outcome, h.reason, a.request_id from page p join "
    "audit_events a on a.id = p.id cross join lateral (select s from "
    "jsonb_array_elements_text(hw_audit_subjects(a.entity_type, a.entity_id, a.detail)) s where "
    "s = any($1::text[]) "
    "order by s = $2::text desc, s limit 1) r(id) left join users u on u.id = a.actor_id left "
    "join organisations o on o.id = a.organisation_id left join teams t on t.id = u.team_id left "
    "join lateral (select hh.detail ->> 'reason' reason from episode_history hh where "
    "hh.episode_id = (case when a.entity_type = 'episode' and a.action like 'episode.%' and "
    "a.action <> 'episode.interview-declined' and a.entity_id ~ "
    "'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then a.entity_id::uuid end) "
    "and hh.version = (case when jsonb_typeof(a.detail -> 'version') = 'number' then (a.detail "
    "->> 'version')::int end)) h on true order by a.id desc"};

const statement notifications_sql{
    "privacy_notifications",
    "select n.id::text, n.kind, n.title, n.episode_id::text, n.child_id::text, n.body::text, "
    "extract(epoch from n.created_at)::bigint, false from notifications n where n.child_id = "
    "any($1::uuid[]) or n.episode_id = any($1::uuid[]) order by n.created_at, n.id"};

const statement hold_sql{
    "privacy_hold",
    "select extract(epoch from h.placed_at)::bigint, h.placed_by::text, u.username, h.reason "
    "from legal_holds h join users u on u.id = h.placed_by where h.child_id = $1::uuid"};
const statement place_hold_sql{
    "privacy_place_hold",
    "insert into legal_holds (child_id, placed_at, placed_by, reason) values ($1::uuid, "
    "to_timestamp($2), $3::uuid, $4) on conflict (child_id) do update set reason = "
    "excluded.reason"};
const statement lift_hold_sql{"privacy_lift_hold",
                              "delete from legal_holds where child_id = $1::uuid"};

} // namespace

std::optional<std::string> child_in_charge(unit_of_work& uow, std::string_view child_id,
                                           const scope& who) {
    const auto row = row_by_id(uow, in_charge_sql, child_id, text_of(who.who), who.organisation_id);
    if (!row) {
        return std::nullopt;
    }
    return (*row)[0].as<std::string>();
}

std::vector<std::string> record_ids(unit_of_work& uow, std::string_view child_id) {
    std::vector<std::string> ids;
    for (const auto& row : run(uow, record_ids_sql, std::string{child_id})) {
        ids.push_back(row[0].as<std::string>());
    }
    return ids;
}

std::vector<access_entry> access(unit_of_work& uow, const access_filter& f) {
    std::vector<access_entry> entries;
    for (const auto& row : run(uow, access_sql, text_array(f.record_ids), f.child_id, epoch(f.from),
                               epoch(f.to), f.organisation_id, f.user_id, f.before_id, f.limit)) {
        fields r{row};
        access_entry e;
        e.id = r.big();
        e.at = r.time();
        e.actor_id = r.optional_text();
        e.actor_name = r.optional_text();
        e.actor_role = r.optional_value<role>(workflow::parse_role);
        e.organisation_id = r.optional_text();
        e.organisation_code = r.optional_text();
        e.organisation_name = r.optional_text();
        e.team = r.optional_text();
        e.action = r.text();
        e.entity_type = r.optional_text();
        e.entity_id = r.optional_text();
        e.record_id = r.text();
        e.record_type = r.boolean() ? "child" : "episode";
        e.listed = r.boolean();
        e.outcome = r.text();
        e.reason = r.optional_text();
        e.request_id = r.optional_text();
        entries.push_back(std::move(e));
    }
    return entries;
}

std::vector<notification_item> notifications_about(unit_of_work& uow,
                                                   const std::vector<std::string>& record_ids) {
    std::vector<notification_item> items;
    for (const auto& row : run(uow, notifications_sql, text_array(record_ids))) {
        fields f{row};
        items.push_back(read_notification(f));
    }
    return items;
}

std::optional<legal_hold> legal_hold_of(unit_of_work& uow, std::string_view child_id) {
    const auto row = row_by_id(uow, hold_sql, child_id);
    if (!row) {
        return std::nullopt;
    }
    fields f{*row};
    legal_hold hold;
    hold.placed_at = f.time();
    hold.placed_by = f.text();
    hold.placed_by_username = f.text();
    hold.reason = f.text();
    return hold;
}

legal_hold place_legal_hold(unit_of_work& uow, std::string_view child_id, std::string_view by,
                            time_point at, const std::string& reason) {
    run(uow, place_hold_sql, std::string{child_id}, epoch(at), std::string{by}, reason);
    return *legal_hold_of(uow, child_id);
}

bool lift_legal_hold(unit_of_work& uow, std::string_view child_id) {
    return run(uow, lift_hold_sql, std::string{child_id}).affected_rows() > 0;
}

} // namespace homeward::db::privacy
