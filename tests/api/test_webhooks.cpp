// Webhooks end to end: an admin registers an organisation's receiver; notifications raised in the
// real database go out from the outbox through the real HTTPS client to a real HTTPS receiver in
// this test, signed; a receiver that fails or is down gets every message later, exactly once per
// delivery id; the last failure leaves a dead message an admin can see and replay.

#include "https_fixture.hpp"
#include "webhook_receiver.hpp"

#include "homeward/api/webhook_client.hpp"
#include "homeward/services/webhooks.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <openssl/hmac.h>

#include <set>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

// Computed here with OpenSSL directly, as a receiver would, not with Homeward's own function.
std::string expected_signature(const std::string& secret, const std::string& timestamp,
                               const std::string& body) {
    const std::string message = timestamp + "." + body;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
    std::string hex = "v1=";
    char byte[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(byte, sizeof byte, "%02x", digest[i]);
        hex += byte;
    }
    return hex;
}

const std::string secret = "a-shared-secret-of-at-least-32-characters";

class webhooks : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        abandon_queued_webhooks();
        force = make_org(workflow::organisation_kind::police);
        authority = make_org(workflow::organisation_kind::local_authority);
        police = make_user(workflow::role::police, force);
        worker = make_user(workflow::role::social_worker, authority);
        manager = make_user(workflow::role::manager, authority);
        admin = make_user(workflow::role::admin, authority);
        child = make_child(worker, authority);
        rules.first_retry = 30s;
        rules.max_retry = 3600s;
        rules.max_attempts = 4;
    }

    https_reply put_webhook(const test_user& who, const std::string& code, json::object body) {
        request_options options;
        options.token = who.token;
        return https_call(port_, "PUT", "/api/v1/organisations/" + code + "/webhook",
                          json::serialize(body), options);
    }

    void register_receiver(const receiver& r) {
        const auto reply =
            put_webhook(admin, authority.code, {{"url", r.url()}, {"secret", secret}});
        ASSERT_EQ(reply.status, 200U) << reply.body;
        drop_webhook_change_notices(authority);
    }

    // The tests' receivers listen on loopback, which a deployment must allow.
    services::delivery_report deliver(std::chrono::seconds timeout = 10s,
                                      bool allow_private = true) {
        api::webhook_client client{{cert_dir() + "/cert.pem", timeout, allow_private}};
        return services::deliver_webhooks(
            *env_, rules, [&](const services::webhook_request& r) { return client.send(r); });
    }

    // The authority's messages as the admin sees them, newest first.
    json::array deliveries(const std::string& status = "", const std::string& organisation = "") {
        std::string target = "/api/v1/webhook-deliveries?limit=500&organisation=" +
                             (organisation.empty() ? authority.code : organisation);
        if (!status.empty()) {
            target += "&status=" + status;
        }
        const auto reply = get(admin, target);
        EXPECT_EQ(reply.status, 200U) << reply.body;
        return reply.json().at("items").as_array();
    }

    std::set<std::string> delivery_ids(const std::vector<received>& requests) {
        std::set<std::string> ids;
        for (const auto& r : requests) {
            ids.insert(r.headers.at("homeward-delivery"));
        }
        return ids;
    }

    test_org force, authority;
    test_user police, worker, manager, admin;
    std::string child;
    services::delivery_rules rules;
};

TEST(webhook_rules, retries_back_off_exponentially_up_to_the_cap) {
    services::delivery_rules rules;
    rules.first_retry = 30s;
    rules.max_retry = 3600s;
    EXPECT_EQ(services::retry_delay(rules, 1), 30s);
    EXPECT_EQ(services::retry_delay(rules, 2), 60s);
    EXPECT_EQ(services::retry_delay(rules, 3), 120s);
    EXPECT_EQ(services::retry_delay(rules, 7), 1920s);
    EXPECT_EQ(services::retry_delay(rules, 8), 3600s);
    EXPECT_EQ(services::retry_delay(rules, 40), 3600s);
}

TEST_F(webhooks, a_delivery_is_signed_so_that_the_receiver_can_verify_it) {
    receiver organisation_system{cert_dir()};
    register_receiver(organisation_system);
    const auto episode = report(police, child);
    advance(60s);

    const auto sent = deliver();

    EXPECT_EQ(sent.delivered, 1);
    const auto requests = organisation_system.requests();
    ASSERT_EQ(requests.size(), 1U);
    const auto& request = requests.front();
    const auto& timestamp = request.headers.at("homeward-timestamp");
    EXPECT_EQ(request.headers.at("homeward-signature"),
              expected_signature(secret, timestamp, request.body));
    EXPECT_NE(
        request.headers.at("homeward-signature"),
        expected_signature("another-secret-of-at-least-32-characters", timestamp, request.body));
    EXPECT_EQ(timestamp, std::to_string(clock_.now().time_since_epoch().count()));
    EXPECT_EQ(request.headers.at("homeward-topic"), "notification.episode_reported");
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    const auto body = json::parse(request.body).as_object();
    EXPECT_EQ(body.at("delivery_id").as_string(), request.headers.at("homeward-delivery"));
    EXPECT_EQ(body.at("organisation").as_string(), authority.code);
    EXPECT_EQ(body.at("topic").as_string(), "notification.episode_reported");
    EXPECT_EQ(body.at("data").at("episode_id"), episode.at("id"));
    EXPECT_EQ(body.at("data").at("kind").as_string(), "episode_reported");

    const auto listed = deliveries();
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].at("status").as_string(), "delivered");
    EXPECT_EQ(listed[0].at("attempts").as_int64(), 1);
    EXPECT_EQ(listed[0].at("last_status").as_int64(), 200);
    EXPECT_EQ(listed[0].as_object().count("payload"), 0U) << "admins see no case content";
}

TEST_F(webhooks, a_receiver_that_is_down_gets_every_message_once_it_is_back) {
    std::uint16_t port = 0;
    {
        receiver organisation_system{cert_dir()};
        register_receiver(organisation_system);
        port = organisation_system.port();
    } // the receiver goes down: connections are refused
    std::set<std::string> episodes;
    for (int i = 0; i < 3; ++i) {
        episodes.insert(
            std::string{report(police, make_child(worker, authority)).at("id").as_string()});
    }
    advance(60s);

    deliver();
    const auto attempts_now = [&] {
        std::multiset<std::int64_t> attempts;
        for (const auto& message : deliveries()) {
            EXPECT_EQ(message.at("status").as_string(), "pending");
            EXPECT_EQ(message.at("next_attempt_at").as_string(), at(30s));
            attempts.insert(message.at("attempts").as_int64());
        }
        return attempts;
    };
    // One attempt finds the receiver down; the other two wait with it, costing no attempt.
    EXPECT_EQ(attempts_now(), (std::multiset<std::int64_t>{0, 0, 1}));
    EXPECT_EQ(deliveries().size(), 3U);

    deliver(); // before the back-off has passed: nothing is tried
    EXPECT_EQ(attempts_now(), (std::multiset<std::int64_t>{0, 0, 1}));

    receiver back_up{cert_dir(), port};
    advance(30s);
    const auto sent = deliver();

    EXPECT_EQ(sent.delivered, 3);
    const auto requests = back_up.requests();
    ASSERT_EQ(requests.size(), 3U);
    std::set<std::string> reported;
    for (const auto& r : requests) {
        reported.insert(std::string{json::parse(r.body).at("data").at("episode_id").as_string()});
    }
    EXPECT_EQ(reported, episodes);
    EXPECT_EQ(delivery_ids(requests).size(), 3U);
    std::multiset<std::int64_t> attempts;
    for (const auto& message : deliveries()) {
        EXPECT_EQ(message.at("status").as_string(), "delivered");
        attempts.insert(message.at("attempts").as_int64());
    }
    EXPECT_EQ(attempts, (std::multiset<std::int64_t>{1, 1, 2}));
    deliver();
    EXPECT_EQ(back_up.requests().size(), 3U) << "a delivered message is not sent again";
}

TEST_F(webhooks, after_the_last_failed_attempt_a_message_is_dead_until_an_admin_replays_it) {
    receiver organisation_system{cert_dir()};
    organisation_system.answer(500);
    register_receiver(organisation_system);
    report(police, child);
    advance(60s);

    // Attempts at 0, +30 s, +90 s and +210 s (30, 60, 120 s apart); the fourth is the last.
    for (const auto wait : {0s, 30s, 60s, 120s}) {
        advance(wait);
        deliver();
    }
    auto dead = deliveries("dead");
    ASSERT_EQ(dead.size(), 1U);
    EXPECT_EQ(dead[0].at("attempts").as_int64(), 4);
    EXPECT_EQ(dead[0].at("last_status").as_int64(), 500);
    EXPECT_THAT(std::string{dead[0].at("last_error").as_string()}, HasSubstr("500"));
    EXPECT_EQ(organisation_system.requests().size(), 4U);
    EXPECT_EQ(delivery_ids(organisation_system.requests()).size(), 1U)
        << "every retry carries the same delivery id";

    advance(20min); // past any back-off, within the sessions' idle limit
    deliver();
    EXPECT_EQ(organisation_system.requests().size(), 4U) << "a dead message is not retried";

    const std::string id{dead[0].at("delivery_id").as_string()};
    EXPECT_EQ(get(manager, "/api/v1/webhook-deliveries").status, 403U);
    EXPECT_EQ(post(manager, "/api/v1/webhook-deliveries/" + id + "/replay", "").status, 403U);
    EXPECT_EQ(
        post(admin, "/api/v1/webhook-deliveries/00000000-0000-0000-0000-000000000000/replay", "")
            .status,
        404U);

    organisation_system.answer(204);
    const auto replayed = post(admin, "/api/v1/webhook-deliveries/" + id + "/replay", "");
    ASSERT_EQ(replayed.status, 200U) << replayed.body;
    EXPECT_EQ(replayed.json().at("status").as_string(), "pending");
    EXPECT_EQ(replayed.json().at("attempts").as_int64(), 0);
    EXPECT_EQ(replayed.json().at("replays").as_int64(), 1);
    EXPECT_EQ(post(admin, "/api/v1/webhook-deliveries/" + id + "/replay", "").status, 409U);

    deliver();
    EXPECT_EQ(organisation_system.requests().size(), 5U);
    EXPECT_EQ(deliveries("delivered").size(), 1U);
    EXPECT_TRUE(deliveries("dead").empty());
}

TEST_F(webhooks, a_receiver_that_never_answers_is_cut_off_and_tried_again_later) {
    receiver organisation_system{cert_dir()};
    organisation_system.go_silent();
    register_receiver(organisation_system);
    report(police, child);
    advance(60s);

    const auto started = std::chrono::steady_clock::now();
    const auto sent = deliver(1s);

    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
    EXPECT_EQ(sent.retrying, 1);
    const auto listed = deliveries("pending");
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].at("attempts").as_int64(), 1);
}

TEST_F(webhooks, a_receiver_that_is_down_does_not_hold_up_other_organisations) {
    const auto neighbour = make_org(workflow::organisation_kind::local_authority);
    const auto neighbour_worker = make_user(workflow::role::social_worker, neighbour);
    // The neighbour's own receiver, set and watched by an admin of the whole deployment.
    execute("update users set deployment_admin = true where id = " + literal(admin.id));
    receiver neighbour_system{cert_dir()};
    ASSERT_EQ(
        put_webhook(admin, neighbour.code, {{"url", neighbour_system.url()}, {"secret", secret}})
            .status,
        200U);
    drop_webhook_change_notices(neighbour);
    {
        receiver organisation_system{cert_dir()};
        register_receiver(organisation_system);
    } // down: connections are refused
    for (int i = 0; i < 3; ++i) {
        report(police, make_child(worker, authority));
    }
    report(police, make_child(neighbour_worker, neighbour));
    advance(60s);

    deliver();

    EXPECT_EQ(neighbour_system.requests().size(), 1U);
    EXPECT_EQ(deliveries("delivered", neighbour.code).size(), 1U);
    std::multiset<std::int64_t> attempts;
    for (const auto& message : deliveries()) {
        EXPECT_EQ(message.at("status").as_string(), "pending");
        EXPECT_EQ(message.at("next_attempt_at").as_string(), at(30s));
        attempts.insert(message.at("attempts").as_int64());
    }
    EXPECT_EQ(attempts, (std::multiset<std::int64_t>{0, 0, 1}))
        << "one attempt found the receiver down; the others wait without costing an attempt";
}

TEST_F(webhooks, two_delivery_workers_at_once_send_each_message_once) {
    receiver organisation_system{cert_dir()};
    register_receiver(organisation_system);
    for (int i = 0; i < 12; ++i) {
        report(police, make_child(worker, authority));
    }
    advance(60s);
    rules.batch = 2;

    std::thread other{[&] { deliver(); }};
    deliver();
    other.join();

    const auto requests = organisation_system.requests();
    EXPECT_EQ(requests.size(), 12U);
    EXPECT_EQ(delivery_ids(requests).size(), 12U);
    EXPECT_EQ(deliveries("delivered").size(), 12U);
}

// A receiver inside the deployment's own network is reached only where the deployment allows
// it: otherwise nothing is sent there, and the message waits as after any unreachable receiver.
TEST_F(webhooks, a_receiver_on_a_private_address_gets_nothing_unless_the_deployment_allows_it) {
    receiver organisation_system{cert_dir()};
    register_receiver(organisation_system);
    report(police, child);
    advance(60s);
    const auto refused = deliver(10s, false);
    EXPECT_EQ(refused.delivered, 0);
    EXPECT_TRUE(organisation_system.requests().empty());
    const auto pending = deliveries("pending");
    ASSERT_EQ(pending.size(), 1U);
    EXPECT_FALSE(pending[0].at("last_error").is_null());
    advance(1h);
    EXPECT_EQ(deliver().delivered, 1) << "allowed, it is delivered";
    EXPECT_EQ(organisation_system.requests().size(), 1U);
}

TEST_F(webhooks, only_an_admin_registers_a_webhook_and_bad_urls_and_secrets_are_422) {
    EXPECT_EQ(
        put_webhook(manager, authority.code, {{"url", "https://example.org/h"}, {"secret", secret}})
            .status,
        403U);
    const auto plain =
        put_webhook(admin, authority.code, {{"url", "http://example.org/h"}, {"secret", secret}});
    EXPECT_EQ(plain.status, 422U);
    EXPECT_THAT(plain.body, HasSubstr("https"));
    const auto short_secret =
        put_webhook(admin, authority.code, {{"url", "https://example.org/h"}, {"secret", "short"}});
    EXPECT_EQ(short_secret.status, 422U);
    EXPECT_EQ(short_secret.json().at("errors").at(0).at("field").as_string(), "secret");
    EXPECT_EQ(put_webhook(admin, authority.code, {{"url", "not a url"}, {"secret", secret}}).status,
              422U);
    EXPECT_EQ(
        put_webhook(admin, "NO-SUCH-ORG", {{"url", "https://example.org/h"}, {"secret", secret}})
            .status,
        404U);

    const auto set =
        put_webhook(admin, authority.code, {{"url", "https://example.org/h"}, {"secret", secret}});
    ASSERT_EQ(set.status, 200U) << set.body;
    EXPECT_EQ(set.json().at("configured").as_bool(), true);
    EXPECT_EQ(set.json().at("url").as_string(), "https://example.org/h");
    EXPECT_THAT(set.body, ::testing::Not(HasSubstr(secret)));
    drop_webhook_change_notices(authority);
    report(police, child);
    EXPECT_EQ(deliveries("pending").size(), 1U);

    request_options options;
    options.token = admin.token;
    EXPECT_EQ(https_call(port_, "DELETE", "/api/v1/organisations/" + authority.code + "/webhook",
                         "", options)
                  .status,
              204U);
    report(police, make_child(worker, authority));
    EXPECT_EQ(deliveries().size(), 1U) << "no webhook, no message";
    advance(60s);
    deliver();
    const auto dead = deliveries("dead");
    ASSERT_EQ(dead.size(), 1U) << "a message queued before the removal waits for a replay";
    EXPECT_THAT(std::string{dead[0].at("last_error").as_string()}, HasSubstr("no webhook"));
}

// Issue 12, finding 3: an admin could point an organisation's webhook at their own server and
// receive its case messages unseen. A change of the URL is told to the organisation's managers
// (and to no one else) and audited with the URL before and after; setting the same URL again
// tells no one.
TEST_F(webhooks, changing_the_webhook_url_tells_the_organisations_managers_and_is_audited) {
    const auto changes = [&](const test_user& who) {
        std::vector<json::object> found;
        const auto reply = get(who, "/api/v1/notifications?limit=200");
        EXPECT_EQ(reply.status, 200U) << reply.body;
        const auto listed = reply.json();
        for (const auto& note : listed.at("items").as_array()) {
            if (note.at("kind") == "webhook_changed") {
                found.push_back(note.as_object());
            }
        }
        return found;
    };
    ASSERT_EQ(put_webhook(admin, authority.code,
                          {{"url", "https://receiver.example.org/a"}, {"secret", secret}})
                  .status,
              200U);
    ASSERT_EQ(changes(manager).size(), 1U);
    ASSERT_EQ(put_webhook(admin, authority.code,
                          {{"url", "https://elsewhere.example.net/b"}, {"secret", secret}})
                  .status,
              200U);
    const auto told = changes(manager);
    ASSERT_EQ(told.size(), 2U);
    // Both changes fall in the same second, and notifications keep whole seconds: the second
    // change is the one that names the first's address as its previous one.
    const auto body_of = [](const json::object& note) {
        return note.at("body").is_string() ? json::parse(note.at("body").as_string())
                                           : note.at("body");
    };
    const auto body = body_of(told.front()).at("previous_url").is_null() ? body_of(told.back())
                                                                         : body_of(told.front());
    EXPECT_EQ(body.at("url"), "https://elsewhere.example.net/b");
    EXPECT_EQ(body.at("previous_url"), "https://receiver.example.org/a");
    EXPECT_EQ(std::string{body.at("changed_by").as_string()}, admin.username);
    EXPECT_TRUE(changes(worker).empty()) << "told to the managers, not to every worker";
    EXPECT_EQ(count_where("audit_log", "action = 'organisation.webhook.set' and outcome = "
                                       "'success' and actor_id = " +
                                           literal(admin.id) +
                                           "::uuid and detail->>'previous_url' = "
                                           "'https://receiver.example.org/a'"),
              1);
    ASSERT_EQ(put_webhook(admin, authority.code,
                          {{"url", "https://elsewhere.example.net/b"}, {"secret", secret}})
                  .status,
              200U);
    EXPECT_EQ(changes(manager).size(), 2U) << "the same URL again is no change";
}

// A message goes to the URL, signed with the secret, its organisation had when it was queued: a
// changed webhook redirects only what is queued afterwards.
TEST_F(webhooks, a_message_queued_before_the_url_changed_goes_where_it_was_queued_for) {
    receiver before{cert_dir()};
    receiver after{cert_dir()};
    register_receiver(before);
    report(police, child);
    const auto moved =
        put_webhook(admin, authority.code, {{"url", after.url()}, {"secret", secret + "-rotated"}});
    ASSERT_EQ(moved.status, 200U) << moved.body;
    drop_webhook_change_notices(authority);
    advance(60s);
    EXPECT_EQ(deliver().delivered, 1);
    const auto to_before = before.requests();
    ASSERT_EQ(to_before.size(), 1U);
    EXPECT_TRUE(after.requests().empty());
    const auto& first = to_before[0];
    EXPECT_EQ(first.headers.at("homeward-signature"),
              expected_signature(secret, first.headers.at("homeward-timestamp"), first.body));

    report(police, make_child(worker, authority));
    advance(60s);
    EXPECT_EQ(deliver().delivered, 1);
    EXPECT_EQ(before.requests().size(), 1U);
    const auto to_after = after.requests();
    ASSERT_EQ(to_after.size(), 1U);
    const auto& second = to_after[0];
    EXPECT_EQ(second.headers.at("homeward-signature"),
              expected_signature(secret + "-rotated", second.headers.at("homeward-timestamp"),
                                 second.body));
}

// An organisation's admin sets, reads and removes their own organisation's webhook and sees and
// replays their own messages only: pointing another organisation's notifications at a server of
// one's own is refused. A deployment-wide admin manages any.
TEST_F(webhooks, an_organisations_admin_manages_only_their_own_webhook_and_messages) {
    const auto neighbour = make_org(workflow::organisation_kind::local_authority);
    const auto neighbour_worker = make_user(workflow::role::social_worker, neighbour);
    receiver mine{cert_dir()};
    register_receiver(mine);
    const auto target = "/api/v1/organisations/" + neighbour.code + "/webhook";
    const auto refused = put_webhook(admin, neighbour.code,
                                     {{"url", "https://attacker.example/h"}, {"secret", secret}});
    EXPECT_EQ(refused.status, 403U) << refused.body;
    EXPECT_EQ(get(admin, target).status, 403U);
    request_options options;
    options.token = admin.token;
    EXPECT_EQ(https_call(port_, "DELETE", target, "", options).status, 403U);
    EXPECT_EQ(count_where("organisations",
                          "code = " + literal(neighbour.code) + " and webhook_url is not null"),
              0);

    // The neighbour's message, sent to the neighbour's receiver by a deployment-wide admin's
    // setting.
    const auto root = make_user(workflow::role::admin, authority);
    execute("update users set deployment_admin = true where id = " + literal(root.id));
    receiver theirs{cert_dir()};
    theirs.answer(500);
    ASSERT_EQ(put_webhook(root, neighbour.code, {{"url", theirs.url()}, {"secret", secret}}).status,
              200U);
    drop_webhook_change_notices(neighbour);
    report(police, make_child(neighbour_worker, neighbour));
    report(police, make_child(worker, authority));
    advance(60s);
    deliver();
    const auto listed = get(root, "/api/v1/webhook-deliveries?organisation=" + neighbour.code);
    ASSERT_EQ(listed.status, 200U) << listed.body;
    ASSERT_FALSE(listed.json().at("items").as_array().empty());
    const std::string id{listed.json().at("items").at(0).at("delivery_id").as_string()};

    EXPECT_EQ(get(admin, "/api/v1/webhook-deliveries?organisation=" + neighbour.code).status, 403U);
    // Without a filter, their own organisation's messages only.
    const auto own = get(admin, "/api/v1/webhook-deliveries?limit=500");
    ASSERT_EQ(own.status, 200U) << own.body;
    ASSERT_FALSE(own.json().at("items").as_array().empty());
    const auto own_body = own.json();
    for (const auto& item : own_body.at("items").as_array()) {
        EXPECT_EQ(item.at("organisation").as_string(), authority.code);
    }
    EXPECT_EQ(post(admin, "/api/v1/webhook-deliveries/" + id + "/replay", "").status, 404U);
}

} // namespace
} // namespace homeward::testing
