// The webhook outbox: an organisation's webhook read back without its secret; a claimed message
// left alone while its lease runs; a message dead after its last attempt until replayed once.
// Claims see every organisation's messages, so each test runs in a transaction that is rolled
// back and looks only at its own message.

#include "fixture.hpp"

#include "homeward/db/notifications.hpp"
#include "homeward/db/outbox.hpp"

#include <algorithm>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

// Every message due, whatever other tests left queued before this test's own.
constexpr int claim_all = 1'000'000;

class outbox_repository : public repository_test {
protected:
    void SetUp() override {
        repository_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        // The world's authority takes webhooks: a notification to it queues one message.
        committed([&](db::unit_of_work& uow) {
            db::notifications::raise(
                uow, {w_.authority.id, std::nullopt, std::nullopt, "episode_reported", std::nullopt,
                      std::nullopt, "Child reported missing", "{}", "test:" + random_hex(16)});
        });
        delivery_ = text("select delivery_id::text from outbox where organisation_id = " +
                         literal(w_.authority.id));
        // Queued by the database's clock: claims ask a little later than the test's.
        later_ = clock_.now() + 1min;
    }

    std::optional<db::outgoing_message> ours(const std::vector<db::outgoing_message>& claimed) {
        const auto found = std::find_if(claimed.begin(), claimed.end(),
                                        [&](const auto& m) { return m.delivery_id == delivery_; });
        return found == claimed.end() ? std::nullopt : std::optional{*found};
    }

    std::string delivery_;
    workflow::time_point later_{};
};

TEST_F(outbox_repository, a_webhook_is_read_back_without_its_secret_and_removed) {
    db::unit_of_work uow{shared_pool()};
    db::set_webhook(uow, w_.other_authority.id, "https://example.org/hook",
                    "a-secret-of-at-least-32-characters-long", clock_.now());
    const auto set = db::webhook(uow, w_.other_authority.id);
    EXPECT_EQ(set.organisation, w_.other_authority.code);
    EXPECT_EQ(set.url, "https://example.org/hook");
    EXPECT_EQ(set.updated_at, clock_.now());
    db::set_webhook(uow, w_.other_authority.id, std::nullopt, std::nullopt, clock_.now() + 1h);
    const auto removed = db::webhook(uow, w_.other_authority.id);
    EXPECT_FALSE(removed.url.has_value());
    EXPECT_EQ(removed.updated_at, clock_.now() + 1h);
}

TEST_F(outbox_repository, a_claimed_message_is_left_alone_until_its_lease_ends) {
    db::unit_of_work worker{shared_pool()};
    const auto first = ours(db::claim_outbox(worker, later_, 120s, claim_all));
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->attempt, 1);
    EXPECT_EQ(first->topic, "notification.episode_reported");
    EXPECT_EQ(first->organisation_code, w_.authority.code);
    EXPECT_EQ(first->url, "https://hooks.invalid/homeward");
    EXPECT_EQ(first->secret, "test-secret");
    {
        db::unit_of_work another{shared_pool()};
        EXPECT_FALSE(ours(db::claim_outbox(another, later_, 120s, claim_all)).has_value())
            << "another worker skips a message being claimed";
    }
    EXPECT_FALSE(ours(db::claim_outbox(worker, later_ + 60s, 120s, claim_all)).has_value())
        << "the lease still runs";
    const auto again = ours(db::claim_outbox(worker, later_ + 121s, 120s, claim_all));
    ASSERT_TRUE(again.has_value()) << "the lease ended with no result: the worker died";
    EXPECT_EQ(again->attempt, 2);
}

TEST_F(outbox_repository, a_message_failed_for_the_last_time_is_dead_until_replayed_once) {
    db::unit_of_work uow{shared_pool()};
    const auto claimed = ours(db::claim_outbox(uow, later_, 120s, claim_all));
    ASSERT_TRUE(claimed.has_value());
    db::record_failed(uow, *claimed, later_, 500, "the receiver failed", std::nullopt);
    const auto dead = db::delivery(uow, delivery_);
    ASSERT_TRUE(dead.has_value());
    EXPECT_EQ(dead->status, "dead");
    EXPECT_EQ(dead->dead_at, later_);
    EXPECT_EQ(dead->last_status, 500);
    EXPECT_EQ(dead->last_error, "the receiver failed");
    EXPECT_FALSE(ours(db::claim_outbox(uow, later_ + 1h, 120s, claim_all)).has_value());

    EXPECT_EQ(db::replay_outbox(uow, delivery_, later_ + 2h), db::replay_result::replayed);
    EXPECT_EQ(db::replay_outbox(uow, delivery_, later_ + 2h), db::replay_result::already_pending);
    EXPECT_EQ(db::replay_outbox(uow, "00000000-0000-0000-0000-000000000000", later_),
              db::replay_result::not_found);
    const auto replayed = db::delivery(uow, delivery_);
    EXPECT_EQ(replayed->status, "pending");
    EXPECT_EQ(replayed->attempts, 0);
    EXPECT_EQ(replayed->replays, 1);
    EXPECT_EQ(ours(db::claim_outbox(uow, later_ + 2h, 120s, claim_all))->attempt, 1);
}

} // namespace
} // namespace homeward::testing
