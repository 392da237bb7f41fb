#include "homeward/db/outbox.hpp"

#include "sql.hpp"
#include "statements.hpp"

namespace homeward::db {
namespace {

#define OUTBOX_JSON(alias)                                                                         \
    "jsonb_build_object('sequence', " alias ".id, 'delivery_id', " alias ".delivery_id, "          \
    "'organisation', (select code from "                                                           \
    "organisations o where o.id = " alias ".organisation_id), 'topic', " alias ".topic, "          \
    "'status', " alias ".status, 'attempts', " alias ".attempts, 'created_at', hw_time(" alias     \
    ".created_at), 'next_attempt_at', case when " alias ".status = 'pending' then hw_time(" alias  \
    ".next_attempt_at) end, 'last_attempt_at', hw_time(" alias ".last_attempt_at), "               \
    "'last_status', " alias ".last_status, 'last_error', " alias ".last_error, 'delivered_at', "   \
    "hw_time(" alias ".delivered_at), 'dead_at', hw_time(" alias ".dead_at), 'replays', " alias    \
    ".replays)"

constexpr std::array outbox_statement_table{
    statement{"set_webhook", "update organisations set webhook_url = $2, webhook_secret = $3, "
                             "webhook_updated_at = to_timestamp($4) where id = $1::uuid"},
    statement{"webhook_json",
              "select jsonb_build_object('organisation', code, 'url', webhook_url, 'configured', "
              "webhook_url is not null, 'updated_at', hw_time(webhook_updated_at))::text "
              "from organisations where id = $1::uuid"},
    statement{"claim_outbox",
              "with due as (select id from outbox where status = 'pending' and next_attempt_at <= "
              "to_timestamp($1) order by next_attempt_at, id for update skip locked limit $2) "
              "update outbox m set attempts = m.attempts + 1, last_attempt_at = to_timestamp($1), "
              "next_attempt_at = to_timestamp($1) + make_interval(secs => $3) "
              "from due, organisations o where m.id = due.id and o.id = m.organisation_id "
              "returning m.id, m.delivery_id::text, m.topic, m.payload::text, "
              "hw_time(m.created_at), m.attempts, o.code, o.webhook_url, o.webhook_secret"},
    statement{"release_outbox",
              "update outbox set attempts = attempts - 1, next_attempt_at = to_timestamp($3) "
              "where id = $1 and attempts = $2 and status = 'pending'"},
    statement{"record_delivered",
              "update outbox set status = 'delivered', delivered_at = to_timestamp($3), "
              "last_status = $4, last_error = null where id = $1 and attempts = $2 and "
              "status = 'pending'"},
    statement{"record_failed",
              "update outbox set last_status = $4, last_error = left($5, 500), "
              "status = case when $6::bigint is null then 'dead' else 'pending' end, "
              "dead_at = case when $6::bigint is null then to_timestamp($3) end, "
              "next_attempt_at = coalesce(to_timestamp($6), next_attempt_at) "
              "where id = $1 and attempts = $2 and status = 'pending'"},
    statement{"outbox_json",
              "select coalesce(jsonb_agg(" OUTBOX_JSON(
                  "m") " order by m.id desc), '[]')::text "
                       "from (select * from outbox where ($1::text is null or status = $1) and "
                       "($2::uuid is null or organisation_id = $2::uuid) and "
                       "($3::bigint is null or id < $3) order by id desc limit $4) m"},
    statement{"replay_outbox",
              "with target as (select id, status from outbox where delivery_id = $1::uuid for "
              "update), replayed as (update outbox m set status = 'pending', attempts = 0, "
              "next_attempt_at = to_timestamp($2), delivered_at = null, dead_at = null, "
              "replays = m.replays + 1 from target where m.id = target.id and target.status <> "
              "'pending' returning m.id) select target.status, (select count(*) from replayed) "
              "from target"},
    statement{"outbox_message_json",
              "select " OUTBOX_JSON("m") "::text from outbox m where m.delivery_id = $1::uuid"},
};

#undef OUTBOX_JSON

} // namespace

std::span<const statement> outbox_statements() { return outbox_statement_table; }

void set_webhook(unit_of_work& uow, std::string_view organisation_id,
                 const std::optional<std::string>& url, const std::optional<std::string>& secret,
                 time_point at) {
    run(uow, "set_webhook", std::string{organisation_id}, url, secret, epoch(at));
}

std::string webhook_json(unit_of_work& uow, std::string_view organisation_id) {
    return run(uow, "webhook_json", std::string{organisation_id})[0][0].as<std::string>();
}

std::vector<outgoing_message> claim_outbox(unit_of_work& uow, time_point now,
                                           std::chrono::seconds lease, int limit) {
    std::vector<outgoing_message> messages;
    for (const auto& row :
         run(uow, "claim_outbox", epoch(now), limit, static_cast<double>(lease.count()))) {
        messages.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                            row[2].as<std::string>(), row[3].as<std::string>(),
                            row[4].as<std::string>(), row[5].as<int>(), row[6].as<std::string>(),
                            optional_text(row[7]), optional_text(row[8])});
    }
    return messages;
}

void release_outbox(unit_of_work& uow, const outgoing_message& message, time_point at) {
    run(uow, "release_outbox", message.id, message.attempt, epoch(at));
}

void record_delivered(unit_of_work& uow, const outgoing_message& message, time_point at,
                      int http_status) {
    run(uow, "record_delivered", message.id, message.attempt, epoch(at), http_status);
}

void record_failed(unit_of_work& uow, const outgoing_message& message, time_point at,
                   std::optional<int> http_status, std::string_view error,
                   std::optional<time_point> retry_at) {
    run(uow, "record_failed", message.id, message.attempt, epoch(at), http_status,
        std::string{error}, epoch(retry_at));
}

std::string outbox_json(unit_of_work& uow, const outbox_filter& filter) {
    return run(uow, "outbox_json", filter.status, filter.organisation_id, filter.before_id,
               filter.limit)[0][0]
        .as<std::string>();
}

replay_result replay_outbox(unit_of_work& uow, std::string_view delivery_id, time_point now) {
    const auto row = row_by_id(uow, "replay_outbox", delivery_id, epoch(now));
    if (!row) {
        return replay_result::not_found;
    }
    return (*row)[1].as<int>() == 1 ? replay_result::replayed : replay_result::already_pending;
}

std::optional<std::string> outbox_message_json(unit_of_work& uow, std::string_view delivery_id) {
    const auto row = row_by_id(uow, "outbox_message_json", delivery_id);
    return row ? std::optional{(*row)[0].as<std::string>()} : std::nullopt;
}

} // namespace homeward::db
