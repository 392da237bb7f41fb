#pragma once
// Webhooks: each organisation may register a URL and a secret; the delivery worker posts every
// message of the outbox to it, signed, and retries with exponential back-off until the receiver
// answers 2xx or the last attempt fails (then the message is dead until an admin replays it).
//
// A request carries:
//   Homeward-Delivery:  the message's delivery id (a uuid; the same on every retry: dedupe on it)
//   Homeward-Topic:     e.g. notification.clock_overdue
//   Homeward-Timestamp: Unix seconds when this attempt was signed
//   Homeward-Signature: v1=<hex HMAC-SHA256 over "<timestamp>.<body>" keyed with the secret>
// and the body {delivery_id, topic, organisation, created_at, data}.

#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace homeward::services {

// ---- administration (admin) ----------------------------------------------------------------

// body {url, secret}: url https://, at most 2,000 characters; secret 32 to 256 characters.
// Returns the webhook as set; never the secret.
webhook_row set_webhook(const environment& env, const actor& who,
                        const std::string& organisation_code, const boost::json::object& body);
webhook_row get_webhook(const environment& env, const actor& who,
                        const std::string& organisation_code);
// Every organisation with its webhook (admin): code, name, kind, where its webhook goes, and the
// organisations it works with (a police force's local authorities, an authority's forces).
struct organisation_view {
    db::organisation_row organisation;
    webhook_row webhook;
    std::vector<db::organisation_row> works_with;
};
std::vector<organisation_view> list_organisations(const environment& env, const actor& who);
void remove_webhook(const environment& env, const actor& who, const std::string& organisation_code);

struct delivery_query {
    std::optional<std::string> status;       // pending, delivered, dead
    std::optional<std::string> organisation; // code
    int limit{50};
    std::optional<std::string> cursor;
};
// Newest first.
page<delivery_item> list_deliveries(const environment& env, const actor& who,
                                    const delivery_query& query);
// Queues a dead (or delivered) message again now; 409 when it is already waiting.
delivery_item replay_delivery(const environment& env, const actor& who,
                              const std::string& delivery_id);

// ---- delivery ------------------------------------------------------------------------------

struct delivery_rules {
    int max_attempts{12};
    std::chrono::seconds first_retry{30}; // doubled after each failure ...
    std::chrono::seconds max_retry{3600}; // ... up to this
    std::chrono::seconds lease{120};      // longer than one attempt can take
    int batch{50};
};

// The wait after failed attempt number `attempt` (from 1): first_retry * 2^(attempt-1), capped.
std::chrono::seconds retry_delay(const delivery_rules& rules, int attempt);

// "v1=<hex>": what Homeward-Signature carries for this timestamp and body.
std::string webhook_signature(const std::string& secret, std::int64_t timestamp,
                              const std::string& body);

// One signed POST, as the sender must make it.
struct webhook_request {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};
struct webhook_response {
    std::optional<int> status; // unset when no response came (refused, timed out, TLS failed)
    std::string error;         // why, when not 2xx
};
using webhook_sender = std::function<webhook_response(const webhook_request&)>;

struct delivery_report {
    int delivered{0};
    int retrying{0};
    int dead{0};
};
// One pass: claims the due messages and sends each, until none is due. When `stopping` becomes
// true the pass ends after the message in hand, giving back what it claimed but did not send.
delivery_report deliver_webhooks(const environment& env, const delivery_rules& rules,
                                 const webhook_sender& send,
                                 const std::atomic<bool>* stopping = nullptr);

} // namespace homeward::services
