#include "homeward/db/outbox.hpp"

#include "sql.hpp"

namespace homeward::db {
namespace {

#define DELIVERY_COLUMNS(alias)                                                                    \
    alias                                                                                          \
        ".id, " alias ".delivery_id::text, (select code from organisations o where o.id = " alias  \
        ".organisation_id), " alias ".topic, " alias ".status, " alias ".attempts, "               \
        "extract(epoch from " alias ".created_at)::bigint, case when " alias                       \
        ".status = 'pending' "                                                                     \
        "then extract(epoch from " alias                                                           \
        ".next_attempt_at)::bigint end, extract(epoch from " alias                                 \
        ".last_attempt_at)::bigint, " alias ".last_status, " alias                                 \
        ".last_error, extract(epoch from " alias                                                   \
        ".delivered_at)::bigint, extract(epoch from " alias ".dead_at)::bigint, " alias ".replays"

const statement set_webhook_sql{"outbox_set_webhook",
                                "update organisations set webhook_url = $2, webhook_secret = $3, "
                                "webhook_updated_at = to_timestamp($4) where id = $1::uuid"};
const statement webhook_sql{"outbox_webhook",
                            "select code, webhook_url, extract(epoch from webhook_updated_at)"
                            "::bigint from organisations where id = $1::uuid"};
const statement queue_sql{
    "outbox_queue",
    "insert into outbox (organisation_id, url, secret, topic, payload) select id, webhook_url, "
    "webhook_secret, $2, $3::jsonb from organisations where id = $1::uuid and webhook_url is not "
    "null"};
const statement claim_sql{
    "outbox_claim",
    "with due as (select id from outbox where status = 'pending' and next_attempt_at <= "
    "to_timestamp($1) order by next_attempt_at, id for update skip locked limit $2) "
    "update outbox m set attempts = m.attempts + 1, last_attempt_at = to_timestamp($1), "
    "next_attempt_at = to_timestamp($1) + make_interval(secs => $3) "
    "from due, organisations o where m.id = due.id and o.id = m.organisation_id "
    "returning m.id, m.delivery_id::text, m.topic, m.payload::text, "
    "hw_time(m.created_at), m.attempts, o.code, case when o.webhook_url is not null then m.url "
    "end, m.secret"};
const statement release_sql{"outbox_release",
                            "update outbox set attempts = attempts - 1, next_attempt_at = "
                            "to_timestamp($3) where id = $1 and attempts = $2 and status = "
                            "'pending'"};
const statement delivered_sql{"outbox_delivered",
                              "update outbox set status = 'delivered', delivered_at = "
                              "to_timestamp($3), last_status = $4, last_error = null where id = "
                              "$1 and attempts = $2 and status = 'pending'"};
const statement failed_sql{
    "outbox_failed",
    "update outbox set last_status = $4, last_error = left($5, 500), status = case when "
    "$6::bigint is null then 'dead' else 'pending' end, dead_at = case when $6::bigint is null "
    "then to_timestamp($3) end, next_attempt_at = coalesce(to_timestamp($6), next_attempt_at) "
    "where id = $1 and attempts = $2 and status = 'pending'"};
const statement deliveries_sql{
    "outbox_deliveries",
    "select " DELIVERY_COLUMNS("m") " from (select * from outbox where ($1::text is null or "
                                    "status = $1) and ($2::uuid is null or organisation_id = "
                                    "$2::uuid) and ($3::bigint is null or id < $3) order by id "
                                    "desc limit $4) m order by m.id desc"};
const statement replay_sql{
    "outbox_replay",
    "with target as (select id, status from outbox where delivery_id = $1::uuid for update), "
    "replayed as (update outbox m set status = 'pending', attempts = 0, next_attempt_at = "
    "to_timestamp($2), delivered_at = null, dead_at = null, replays = m.replays + 1 from target "
    "where m.id = target.id and target.status <> 'pending' returning m.id) select target.status, "
    "(select count(*) from replayed) from target"};
const statement delivery_sql{"outbox_delivery",
                             "select " DELIVERY_COLUMNS("m") " from outbox m where m.delivery_id = "
                                                             "$1::uuid"};

#undef DELIVERY_COLUMNS

delivery_item read_delivery(fields f) {
    delivery_item item;
    item.sequence = f.big();
    item.delivery_id = f.text();
    item.organisation = f.text();
    item.topic = f.text();
    item.status = f.text();
    item.attempts = f.integer();
    item.created_at = f.time();
    item.next_attempt_at = f.optional_time();
    item.last_attempt_at = f.optional_time();
    item.last_status = f.optional_integer();
    item.last_error = f.optional_text();
    item.delivered_at = f.optional_time();
    item.dead_at = f.optional_time();
    item.replays = f.integer();
    return item;
}

} // namespace

void set_webhook(unit_of_work& uow, std::string_view organisation_id,
                 const std::optional<std::string>& url, const std::optional<std::string>& secret,
                 time_point at) {
    run(uow, set_webhook_sql, std::string{organisation_id}, url, secret, epoch(at));
}

webhook_row webhook(unit_of_work& uow, std::string_view organisation_id) {
    fields f{run(uow, webhook_sql, std::string{organisation_id}).at(0)};
    webhook_row row;
    row.organisation = f.text();
    row.url = f.optional_text();
    row.updated_at = f.optional_time();
    return row;
}

bool queue_message(unit_of_work& uow, std::string_view organisation_id, std::string_view topic,
                   const std::string& payload_json) {
    return run(uow, queue_sql, std::string{organisation_id}, std::string{topic}, payload_json)
               .affected_rows() == 1;
}

std::vector<outgoing_message> claim_outbox(unit_of_work& uow, time_point now,
                                           std::chrono::seconds lease, int limit) {
    std::vector<outgoing_message> messages;
    for (const auto& row :
         run(uow, claim_sql, epoch(now), limit, static_cast<double>(lease.count()))) {
        messages.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                            row[2].as<std::string>(), row[3].as<std::string>(),
                            row[4].as<std::string>(), row[5].as<int>(), row[6].as<std::string>(),
                            optional_text(row[7]), optional_text(row[8])});
    }
    return messages;
}

void release_outbox(unit_of_work& uow, const outgoing_message& message, time_point at) {
    run(uow, release_sql, message.id, message.attempt, epoch(at));
}

void record_delivered(unit_of_work& uow, const outgoing_message& message, time_point at,
                      int http_status) {
    run(uow, delivered_sql, message.id, message.attempt, epoch(at), http_status);
}

void record_failed(unit_of_work& uow, const outgoing_message& message, time_point at,
                   std::optional<int> http_status, std::string_view error,
                   std::optional<time_point> retry_at) {
    run(uow, failed_sql, message.id, message.attempt, epoch(at), http_status, std::string{error},
        epoch(retry_at));
}

std::vector<delivery_item> deliveries(unit_of_work& uow, const outbox_filter& filter) {
    std::vector<delivery_item> items;
    for (const auto& row : run(uow, deliveries_sql, filter.status, filter.organisation_id,
                               filter.before_id, filter.limit)) {
        items.push_back(read_delivery(fields{row}));
    }
    return items;
}

replay_result replay_outbox(unit_of_work& uow, std::string_view delivery_id, time_point now) {
    const auto row = row_by_id(uow, replay_sql, delivery_id, epoch(now));
    if (!row) {
        return replay_result::not_found;
    }
    return (*row)[1].as<int>() == 1 ? replay_result::replayed : replay_result::already_pending;
}

std::optional<delivery_item> delivery(unit_of_work& uow, std::string_view delivery_id) {
    const auto row = row_by_id(uow, delivery_sql, delivery_id);
    return row ? std::optional{read_delivery(fields{*row})} : std::nullopt;
}

} // namespace homeward::db
