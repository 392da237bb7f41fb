#include "homeward/db/notifications.hpp"

#include "sql.hpp"

namespace homeward::db {

notification_item read_notification(fields& f) {
    notification_item item;
    item.id = f.text();
    item.kind = f.text();
    item.title = f.text();
    item.episode_id = f.optional_text();
    item.child_id = f.optional_text();
    item.body_json = f.text();
    item.created_at = f.time();
    item.read = f.boolean();
    return item;
}

} // namespace homeward::db

namespace homeward::db::notifications {
namespace {

// A notification raised for the first time also queues its webhook, and an email to each of its
// recipients who asked for them (never admins: they see no case notifications), in one statement.
const statement raise_sql{
    "notifications_raise",
    "with note as (insert into notifications (organisation_id, recipient_role, recipient_user_id, "
    "kind, episode_id, child_id, title, body, dedupe_key) values ($1::uuid, $2, $3::uuid, $4, "
    "$5::uuid, $6::uuid, $7, $8::jsonb, $9) on conflict (dedupe_key) do nothing returning *), "
    "emails as (insert into email_outbox (notification_id, user_id) select note.id, u.id from "
    "note join users u on u.organisation_id = note.organisation_id where u.active and u.email is "
    "not null and u.email_alerts and u.role not in ('admin', 'data_protection_officer') and "
    "(note.recipient_role is null or "
    "u.role = note.recipient_role) and (note.recipient_user_id is null or u.id = "
    "note.recipient_user_id)) "
    "insert into outbox (organisation_id, url, secret, topic, payload) select "
    "note.organisation_id, o.webhook_url, o.webhook_secret, "
    "'notification.' || note.kind, jsonb_build_object('notification_id', note.id, 'kind', "
    "note.kind, 'title', note.title, 'recipient_role', note.recipient_role, 'recipient_user_id', "
    "note.recipient_user_id, 'episode_id', note.episode_id, 'child_id', note.child_id, "
    "'created_at', hw_time(note.created_at), 'detail', note.body) from note join organisations o "
    "on o.id = note.organisation_id where o.webhook_url is not null"};
const statement for_user_sql{
    "notifications_for_user",
    "select n.id::text, n.kind, n.title, n.episode_id::text, n.child_id::text, n.body::text, "
    "extract(epoch from n.created_at)::bigint, r.user_id is not null from (select * from "
    "notifications n where n.organisation_id = $3::uuid and (n.recipient_role is null or "
    "n.recipient_role = $2) and (n.recipient_user_id is null or n.recipient_user_id = $1::uuid) "
    "and ($5::bigint is null or (n.created_at, n.id) < (to_timestamp($5), $6::uuid)) order by "
    "n.created_at desc, n.id desc limit $4) n left join notification_reads r on "
    "r.notification_id = n.id and r.user_id = $1::uuid order by n.created_at desc, n.id desc"};
const statement unread_sql{
    "notifications_unread",
    "select count(*) from notifications n where n.organisation_id = $3::uuid and "
    "(n.recipient_role is null or n.recipient_role = $2) and (n.recipient_user_id is null or "
    "n.recipient_user_id = $1::uuid) and not exists (select 1 from notification_reads r where "
    "r.notification_id = n.id and r.user_id = $1::uuid)"};
const statement mark_read_sql{
    "notifications_mark_read",
    "with visible as (select n.id from notifications n where n.id = $1::uuid and "
    "n.organisation_id = $4::uuid and (n.recipient_role is null or n.recipient_role = $3) and "
    "(n.recipient_user_id is null or n.recipient_user_id = $2::uuid)), marked as (insert into "
    "notification_reads (notification_id, user_id) select id, $2::uuid from visible on conflict "
    "do nothing) select id from visible"};

} // namespace

void raise(unit_of_work& uow, const notification& note) {
    run(uow, raise_sql, note.organisation_id, text_of(note.recipient_role), note.recipient_user_id,
        note.kind, note.episode_id, note.child_id, note.title, note.body_json, note.dedupe_key);
}

std::vector<notification_item> for_user(unit_of_work& uow, const scope& who, int limit,
                                        std::optional<time_point> before,
                                        std::optional<std::string> before_id) {
    std::vector<notification_item> items;
    for (const auto& row : run(uow, for_user_sql, who.user_id, text_of(who.who),
                               who.organisation_id, limit, epoch(before), before_id)) {
        fields f{row};
        items.push_back(read_notification(f));
    }
    return items;
}

long long unread_count(unit_of_work& uow, const scope& who) {
    return run(uow, unread_sql, who.user_id, text_of(who.who), who.organisation_id)[0][0]
        .as<long long>();
}

bool mark_read(unit_of_work& uow, const scope& who, std::string_view id) {
    return row_by_id(uow, mark_read_sql, id, who.user_id, text_of(who.who), who.organisation_id)
        .has_value();
}

} // namespace homeward::db::notifications
