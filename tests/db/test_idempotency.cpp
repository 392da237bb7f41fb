// Idempotency keys of reports: the first claim of a user's key wins, and every later claim is
// answered with it.

#include "fixture.hpp"

#include "homeward/db/idempotency.hpp"
#include "homeward/services/passwords.hpp"

namespace homeward::testing {
namespace {

class idempotency_repository : public repository_test {
protected:
    void SetUp() override {
        repository_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        const auto child = insert_child();
        first_ = insert_episode(child);
        second_ = insert_episode(child);
        key_ = "key-" + random_hex(8);
    }

    std::optional<db::idempotency::first_result>
    claim(const services::actor& who, const std::string& hash, const std::string& episode) {
        return committed([&](db::unit_of_work& uow) {
            return db::idempotency::claim(uow, who.user_id, key_, hash, episode);
        });
    }

    std::string first_, second_, key_;
};

TEST_F(idempotency_repository, the_first_claim_of_a_key_wins_and_later_claims_are_told_it) {
    const auto hash = services::sha256("the first body");
    EXPECT_FALSE(claim(w_.police, hash, first_).has_value());
    const auto again = claim(w_.police, services::sha256("another body"), second_);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->episode_id, first_);
    EXPECT_EQ(again->request_hash, hash);
    db::unit_of_work uow{shared_pool()};
    const auto found = db::idempotency::find(uow, w_.police.user_id, key_);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->episode_id, first_);
    EXPECT_EQ(found->request_hash, hash);
}

TEST_F(idempotency_repository, a_key_belongs_to_one_user_only) {
    const auto colleague = make_user(workflow::role::police, w_.force);
    EXPECT_FALSE(claim(w_.police, services::sha256("a"), first_).has_value());
    EXPECT_FALSE(claim(colleague, services::sha256("a"), second_).has_value());
    db::unit_of_work uow{shared_pool()};
    EXPECT_EQ(db::idempotency::find(uow, colleague.user_id, key_)->episode_id, second_);
    EXPECT_FALSE(db::idempotency::find(uow, w_.manager.user_id, key_).has_value());
}

} // namespace
} // namespace homeward::testing
