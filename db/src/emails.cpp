#include "homeward/db/emails.hpp"

#include "sql.hpp"

namespace homeward::db::emails {
namespace {

const statement drop_unwanted_sql{
    "emails_drop_unwanted",
    "update email_outbox m set status = 'dead', dead_at = to_timestamp($1), last_error = 'the "
    "user no longer receives email alerts' from users u where u.id = m.user_id and m.status = "
    "'pending' and m.next_attempt_at <= to_timestamp($1) and (u.email is null or not "
    "u.email_alerts or not u.active)"};
const statement claim_sql{
    "emails_claim",
    "with due as (select m.id from email_outbox m where m.status = 'pending' and "
    "m.next_attempt_at <= to_timestamp($1) order by m.next_attempt_at, m.id for update skip "
    "locked limit $2) update email_outbox m set attempts = m.attempts + 1, last_attempt_at = "
    "to_timestamp($1), next_attempt_at = to_timestamp($1) + make_interval(secs => $3) from due, "
    "users u, notifications n where m.id = due.id and u.id = m.user_id and n.id = "
    "m.notification_id returning m.id, m.attempts, u.email, n.id::text, n.kind, n.body->>'kind', "
    "extract(epoch from (n.body->>'due_at')::timestamptz)::bigint, n.episode_id::text, "
    "n.child_id::text, extract(epoch from n.created_at)::bigint"};
const statement release_sql{"emails_release",
                            "update email_outbox set attempts = attempts - 1, next_attempt_at = "
                            "to_timestamp($3) where id = $1 and attempts = $2 and status = "
                            "'pending'"};
const statement sent_sql{"emails_sent",
                         "update email_outbox set status = 'sent', sent_at = to_timestamp($3), "
                         "last_error = null where id = $1 and attempts = $2 and status = "
                         "'pending'"};
const statement failed_sql{
    "emails_failed",
    "update email_outbox set last_error = left($4, 500), status = case when $5::bigint is null "
    "then 'dead' else 'pending' end, dead_at = case when $5::bigint is null then "
    "to_timestamp($3) end, next_attempt_at = coalesce(to_timestamp($5), next_attempt_at) where "
    "id = $1 and attempts = $2 and status = 'pending'"};
const statement state_sql{
    "emails_state",
    "select count(*) filter (where status = 'pending'), count(*) filter (where status = 'sent'), "
    "count(*) filter (where status = 'dead'), extract(epoch from min(created_at) filter (where "
    "status = 'pending'))::bigint from email_outbox"};

} // namespace

std::vector<outgoing> claim(unit_of_work& uow, time_point now, std::chrono::seconds lease,
                            int limit) {
    run(uow, drop_unwanted_sql, epoch(now));
    std::vector<outgoing> list;
    for (const auto& row :
         run(uow, claim_sql, epoch(now), limit, static_cast<double>(lease.count()))) {
        fields f{row};
        outgoing email;
        email.id = f.big();
        email.attempt = f.integer();
        email.address = f.text();
        email.notification_id = f.text();
        email.kind = f.text();
        email.clock_kind = f.optional_text();
        email.due_at = f.optional_time();
        email.episode_id = f.optional_text();
        email.child_id = f.optional_text();
        email.created_at = f.time();
        list.push_back(std::move(email));
    }
    return list;
}

void release(unit_of_work& uow, const outgoing& email, time_point at) {
    run(uow, release_sql, email.id, email.attempt, epoch(at));
}

void record_sent(unit_of_work& uow, const outgoing& email, time_point at) {
    run(uow, sent_sql, email.id, email.attempt, epoch(at));
}

void record_failed(unit_of_work& uow, const outgoing& email, time_point at, std::string_view error,
                   std::optional<time_point> retry_at) {
    run(uow, failed_sql, email.id, email.attempt, epoch(at), std::string{error}, epoch(retry_at));
}

queue_state state(unit_of_work& uow) {
    fields f{run(uow, state_sql).at(0)};
    queue_state s;
    s.pending = f.big();
    s.sent = f.big();
    s.dead = f.big();
    s.oldest_pending = f.optional_time();
    return s;
}

} // namespace homeward::db::emails
