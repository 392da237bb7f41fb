#include "homeward/services/webhooks.hpp"

#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/notifications.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/db/outbox.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/passwords.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <map>

namespace homeward::services {
namespace {

namespace json = boost::json;
using workflow::role;

constexpr std::size_t max_url = 2000;
constexpr std::size_t min_secret = 32;
constexpr std::size_t max_secret = 256;

db::organisation_row organisation_or_404(db::unit_of_work& uow, const std::string& code) {
    auto organisation = db::organisations::by_code(uow, code);
    if (!organisation) {
        throw failure(failure_kind::not_found, "no organisation has the code " + code);
    }
    return std::move(*organisation);
}

// An organisation whose webhook this admin manages: their own; any, for a deployment-wide admin.
// Another organisation's is refused (403): its notifications are not this admin's to redirect.
db::organisation_row managed_organisation(db::unit_of_work& uow, const actor& who,
                                          const std::string& code) {
    auto organisation = organisation_or_404(uow, code);
    require_manages(who, organisation.code, "manage the webhook");
    return organisation;
}

// An absolute https URL with a host, no credentials and no fragment.
std::optional<std::string> url_problem(const std::string& text) {
    const auto parsed = boost::urls::parse_absolute_uri(text);
    if (!parsed) {
        return "is not an absolute URL";
    }
    if (parsed->scheme() != "https") {
        return "must be an https:// URL";
    }
    if (parsed->encoded_host().empty()) {
        return "must name a host";
    }
    if (parsed->has_userinfo()) {
        return "must not carry a user name or password";
    }
    return std::nullopt;
}

// The POST for one message: the envelope, and the signature over this attempt's timestamp.
webhook_request signed_request(const environment& env, const db::outgoing_message& message) {
    const auto signed_at = env.now().time_since_epoch().count();
    webhook_request request;
    request.url = *message.url;
    request.body = json::serialize(json::object{{"delivery_id", message.delivery_id},
                                                {"topic", message.topic},
                                                {"organisation", message.organisation_code},
                                                {"created_at", message.created_at},
                                                {"data", json::parse(message.payload_json)}});
    request.headers = {
        {"Content-Type", "application/json"},
        {"Homeward-Delivery", message.delivery_id},
        {"Homeward-Topic", message.topic},
        {"Homeward-Timestamp", std::to_string(signed_at)},
        {"Homeward-Signature", webhook_signature(*message.secret, signed_at, request.body)}};
    return request;
}

} // namespace

webhook_row set_webhook(const environment& env, const actor& who,
                        const std::string& organisation_code, const json::object& body) {
    return run_audited(
        env, who, {"organisation.webhook.set", "organisation", organisation_code},
        [&](db::unit_of_work& uow) {
            require_role(who, {role::admin}, "set an organisation's webhook");
            workflow::input_reader input{body, {"url", "secret"}};
            const auto url = input.text("url", max_url);
            const auto secret = input.text("secret", max_secret);
            if (!url.empty()) {
                if (const auto problem = url_problem(url)) {
                    input.add("url", *problem);
                }
            }
            if (!secret.empty() && secret.size() < min_secret) {
                input.add("secret", "must be 32 to 256 characters");
            }
            finish(input);
            const auto organisation = managed_organisation(uow, who, organisation_code);
            const auto before = db::webhook(uow, organisation.id);
            db::set_webhook(uow, organisation.id, url, secret, env.now());
            audit_success(uow, who, {"organisation.webhook.set", "organisation", organisation.id},
                          {{"code", organisation.code},
                           {"url", url},
                           {"previous_url", before.url ? json::value(*before.url) : nullptr}});
            // Where the organisation's case notifications go is its managers' business: an
            // admin's change of it is told to them, so that a redirection cannot go unseen.
            if (before.url != url) {
                const auto now = env.now();
                db::notifications::raise(
                    uow, {organisation.id, workflow::role::manager, std::nullopt, "webhook_changed",
                          std::nullopt, std::nullopt,
                          "Your organisation's webhook address was changed by an administrator",
                          json::serialize(json::object{
                              {"url", url},
                              {"previous_url", before.url ? json::value(*before.url) : nullptr},
                              {"changed_by", who.username}}),
                          "webhook_changed:" + organisation.id + ":" +
                              std::to_string(now.time_since_epoch().count()) + ":" + url});
            }
            return db::webhook(uow, organisation.id);
        });
}

webhook_row get_webhook(const environment& env, const actor& who,
                        const std::string& organisation_code) {
    return run_audited(env, who, {"organisation.webhook.read", "organisation", organisation_code},
                       [&](db::unit_of_work& uow) {
                           require_role(who, {role::admin}, "read an organisation's webhook");
                           return db::webhook(uow,
                                              managed_organisation(uow, who, organisation_code).id);
                       });
}

std::vector<organisation_view> list_organisations(const environment& env, const actor& who) {
    return run_audited(
        env, who, {"organisation.list", "organisation", ""}, [&](db::unit_of_work& uow) {
            require_role(who, {role::admin}, "list organisations");
            std::vector<organisation_view> list;
            for (auto& organisation : db::organisations::all(uow)) {
                auto webhook = db::webhook(uow, organisation.id);
                auto partners = db::organisations::works_with(uow, organisation.id);
                list.push_back({std::move(organisation), std::move(webhook), std::move(partners)});
            }
            return list;
        });
}

void remove_webhook(const environment& env, const actor& who,
                    const std::string& organisation_code) {
    run_audited(env, who, {"organisation.webhook.remove", "organisation", organisation_code},
                [&](db::unit_of_work& uow) {
                    require_role(who, {role::admin}, "remove an organisation's webhook");
                    const auto organisation = managed_organisation(uow, who, organisation_code);
                    db::set_webhook(uow, organisation.id, std::nullopt, std::nullopt, env.now());
                    audit_success(uow, who,
                                  {"organisation.webhook.remove", "organisation", organisation.id},
                                  {{"code", organisation.code}});
                });
}

page<delivery_item> list_deliveries(const environment& env, const actor& who,
                                    const delivery_query& query) {
    return run_audited(
        env, who, {"webhook.list", "webhook_delivery", ""}, [&](db::unit_of_work& uow) {
            require_role(who, {role::admin}, "list webhook deliveries");
            check_limit(query.limit);
            db::outbox_filter filter;
            filter.limit = query.limit;
            if (query.status) {
                if (*query.status != "pending" && *query.status != "delivered" &&
                    *query.status != "dead") {
                    refuse_query({{"status", "must be pending, delivered or dead"}});
                }
                filter.status = query.status;
            }
            if (query.organisation) {
                filter.organisation_id =
                    organisation_in_query(uow, "organisation", *query.organisation);
            }
            // An organisation's admin sees their own organisation's messages only.
            if (query.organisation) {
                require_manages(who, *query.organisation, "see the webhook messages");
            } else if (!who.deployment_admin) {
                filter.organisation_id = who.organisation_id;
            }
            if (query.cursor) {
                filter.before_id = std::stoll(parse_cursor(*query.cursor, cursor_key::number).key);
            }
            return page_of(db::deliveries(uow, filter), query.limit, [](const delivery_item& last) {
                return cursor_text(last.created_at, std::to_string(last.sequence));
            });
        });
}

delivery_item replay_delivery(const environment& env, const actor& who,
                              const std::string& delivery_id) {
    return run_audited(
        env, who, {"webhook.replay", "webhook_delivery", delivery_id}, [&](db::unit_of_work& uow) {
            require_role(who, {role::admin}, "replay a webhook delivery");
            // Another organisation's message answers as one that does not exist.
            if (const auto message = db::delivery(uow, delivery_id);
                message && !manages(who, message->organisation)) {
                throw failure(failure_kind::not_found, "no webhook delivery has this id");
            }
            switch (db::replay_outbox(uow, delivery_id, env.now())) {
            case db::replay_result::not_found:
                throw failure(failure_kind::not_found, "no webhook delivery has this id");
            case db::replay_result::already_pending:
                throw failure(failure_kind::state_conflict,
                              "the delivery is already waiting to be sent");
            case db::replay_result::replayed:
                break;
            }
            audit_success(uow, who, {"webhook.replay", "webhook_delivery", delivery_id});
            return *db::delivery(uow, delivery_id);
        });
}

std::chrono::seconds retry_delay(const delivery_rules& rules, int attempt) {
    auto delay = rules.first_retry;
    for (int i = 1; i < attempt && delay < rules.max_retry; ++i) {
        delay *= 2;
    }
    return std::min(delay, rules.max_retry);
}

std::string webhook_signature(const std::string& secret, std::int64_t timestamp,
                              const std::string& body) {
    return "v1=" + hmac_sha256_hex(secret, std::to_string(timestamp) + "." + body);
}

delivery_report deliver_webhooks(const environment& env, const delivery_rules& rules,
                                 const webhook_sender& send, const std::atomic<bool>* stopping) {
    delivery_report report;
    // Organisations whose receiver could not be reached in this pass (no HTTP answer at all), and
    // when to try them again: their other messages wait until then without costing an attempt,
    // so one receiver that is down or hangs does not hold up everyone else's.
    std::map<std::string, workflow::time_point> unreachable;
    const auto give_back = [&](const db::outgoing_message& message, workflow::time_point at) {
        db::unit_of_work uow{env.pool};
        db::release_outbox(uow, message, at);
        uow.commit();
    };
    while (true) {
        std::vector<db::outgoing_message> claimed;
        {
            db::unit_of_work uow{env.pool};
            claimed = db::claim_outbox(uow, env.now(), rules.lease, rules.batch);
            uow.commit();
        }
        for (const auto& message : claimed) {
            if (stopping != nullptr && stopping->load()) {
                give_back(message, env.now());
                continue;
            }
            if (const auto down = unreachable.find(message.organisation_code);
                down != unreachable.end()) {
                give_back(message, down->second);
                continue;
            }
            // Sent outside any transaction: a slow receiver holds no lock and no connection.
            webhook_response response;
            if (message.url && message.secret) {
                response = send(signed_request(env, message));
            } else {
                response.error = "the organisation has no webhook any more";
            }
            const bool delivered =
                response.status && *response.status >= 200 && *response.status < 300;
            const auto now = env.now();
            db::unit_of_work uow{env.pool};
            if (delivered) {
                db::record_delivered(uow, message, now, *response.status);
                ++report.delivered;
            } else {
                std::string error = response.error;
                if (error.empty()) {
                    error = "the receiver answered " + std::to_string(response.status.value_or(0));
                }
                const bool last = message.attempt >= rules.max_attempts || !message.url;
                const std::optional<workflow::time_point> retry_at =
                    last ? std::nullopt : std::optional{now + retry_delay(rules, message.attempt)};
                db::record_failed(uow, message, now, response.status, error, retry_at);
                ++(last ? report.dead : report.retrying);
                if (!response.status) {
                    unreachable.emplace(message.organisation_code,
                                        retry_at.value_or(now + rules.first_retry));
                }
            }
            uow.commit();
        }
        if (static_cast<int>(claimed.size()) < rules.batch ||
            (stopping != nullptr && stopping->load())) {
            return report;
        }
    }
}

} // namespace homeward::services
