#pragma once
// The webhook outbox: organisations' webhook settings, and the delivery worker's claims and
// results. Messages are written by notify() in the transaction that raises the notification.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db {

// Sets an organisation's webhook (url and secret) or, with both unset, removes it.
void set_webhook(unit_of_work& uow, std::string_view organisation_id,
                 const std::optional<std::string>& url, const std::optional<std::string>& secret,
                 time_point at);
// An organisation's webhook as an admin sees it: never the secret.
struct webhook_row {
    std::string organisation; // code
    std::optional<std::string> url;
    std::optional<time_point> updated_at;
};
webhook_row webhook(unit_of_work& uow, std::string_view organisation_id);

// Queues a message for the organisation's webhook (to its URL and secret as they are now), when
// it has one; returns whether it was queued.
bool queue_message(unit_of_work& uow, std::string_view organisation_id, std::string_view topic,
                   const std::string& payload_json);

// A message claimed for one delivery attempt.
struct outgoing_message {
    std::int64_t id{0};
    std::string delivery_id;
    std::string topic;
    std::string payload_json;
    std::string created_at; // RFC 3339
    int attempt{0};         // this attempt's number, from 1
    std::string organisation_code;
    // Where, and with which secret, the organisation's webhook was when the message was queued:
    // a webhook changed since redirects only what is queued later. Unset: the organisation has
    // removed its webhook.
    std::optional<std::string> url;
    std::optional<std::string> secret;
};

// Claims up to `limit` pending messages due by `now`, oldest first, for `lease`: another worker
// skips them, and takes them again only if this one has not recorded a result when the lease
// ends (it died mid-send). Each claim counts as an attempt.
std::vector<outgoing_message> claim_outbox(unit_of_work& uow, time_point now,
                                           std::chrono::seconds lease, int limit);

// Gives back a claimed message that was not sent (the worker is stopping, or the receiver was
// found unreachable in this pass): due at `at`, the claim not counted as an attempt.
void release_outbox(unit_of_work& uow, const outgoing_message& message, time_point at);

// The result of one attempt. Ignored when the message was claimed again since (a lease that ran
// out): the later attempt's result stands.
void record_delivered(unit_of_work& uow, const outgoing_message& message, time_point at,
                      int http_status);
// With retry_at unset the message is dead: it waits for an admin's replay.
void record_failed(unit_of_work& uow, const outgoing_message& message, time_point at,
                   std::optional<int> http_status, std::string_view error,
                   std::optional<time_point> retry_at);

struct outbox_filter {
    std::optional<std::string> status; // pending, delivered, dead
    std::optional<std::string> organisation_id;
    std::optional<std::int64_t> before_id; // keyset cursor
    int limit{50};
};
// Delivery facts only, never the payload (case content).
struct delivery_item {
    std::int64_t sequence{0};
    std::string delivery_id;
    std::string organisation; // code
    std::string topic;
    std::string status; // pending, delivered, dead
    int attempts{0};
    time_point created_at{};
    std::optional<time_point> next_attempt_at; // while pending
    std::optional<time_point> last_attempt_at;
    std::optional<int> last_status;
    std::optional<std::string> last_error;
    std::optional<time_point> delivered_at;
    std::optional<time_point> dead_at;
    int replays{0};
};
// The admin's list, newest first.
std::vector<delivery_item> deliveries(unit_of_work& uow, const outbox_filter& filter);

enum class replay_result { replayed, not_found, already_pending };
// Queues a delivered or dead message again, due now, with a fresh count of attempts.
replay_result replay_outbox(unit_of_work& uow, std::string_view delivery_id, time_point now);
std::optional<delivery_item> delivery(unit_of_work& uow, std::string_view delivery_id);

} // namespace homeward::db
