// Follow-up actions: found only through their own episode, listed oldest first, completed once.

#include "fixture.hpp"

#include "homeward/db/actions.hpp"

#include <gmock/gmock.h>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

class actions_repository : public repository_test {
protected:
    void SetUp() override {
        repository_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        episode_ = insert_episode(insert_child());
        now_ = clock_.now();
    }

    std::string raise(const std::string& episode, workflow::time_point raised_at) {
        return committed([&](db::unit_of_work& uow) {
            return db::actions::insert(uow, {episode, workflow::action_type::cse_referral,
                                             "Refer to the CSE panel", w_.social_worker.user_id,
                                             w_.manager.user_id, raised_at, raised_at + 72h});
        });
    }

    std::optional<db::action_record> find(const std::string& episode, const std::string& action) {
        db::unit_of_work uow{shared_pool()};
        return db::actions::find(uow, episode, action);
    }

    std::string episode_;
    workflow::time_point now_{};
};

TEST_F(actions_repository, an_action_is_found_only_through_its_own_episode) {
    const auto action = raise(episode_, now_);
    const auto found = find(episode_, action);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->type, workflow::action_type::cse_referral);
    EXPECT_EQ(found->owner_id, w_.social_worker.user_id);
    EXPECT_EQ(found->raised_by, w_.manager.user_id);
    EXPECT_EQ(found->raised_at, now_);
    EXPECT_EQ(found->due_at, now_ + 72h);
    EXPECT_EQ(found->status, workflow::action_status::open);
    EXPECT_FALSE(found->completed_at.has_value());
    const auto another = insert_episode(insert_child());
    EXPECT_FALSE(find(another, action).has_value());
    EXPECT_FALSE(find(episode_, "not-an-action").has_value());
    EXPECT_FALSE(find("not-an-episode", action).has_value());
}

TEST_F(actions_repository, an_episodes_actions_are_listed_oldest_first) {
    const auto later = raise(episode_, now_ + 1h);
    const auto earlier = raise(episode_, now_);
    raise(insert_episode(insert_child()), now_);
    db::unit_of_work uow{shared_pool()};
    std::vector<std::string> ids;
    for (const auto& action : db::actions::of_episode(uow, episode_)) {
        ids.push_back(action.id);
    }
    EXPECT_THAT(ids, ::testing::ElementsAre(earlier, later));
}

TEST_F(actions_repository, an_open_action_is_completed_once_with_its_outcome) {
    const auto action = raise(episode_, now_);
    committed([&](db::unit_of_work& uow) {
        db::actions::finish(uow, action, workflow::action_status::done, "Referred",
                            w_.social_worker.user_id, now_ + 1h);
    });
    committed([&](db::unit_of_work& uow) {
        db::actions::finish(uow, action, workflow::action_status::cancelled, "Again",
                            w_.manager.user_id, now_ + 2h);
    });
    const auto done = find(episode_, action);
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->status, workflow::action_status::done);
    EXPECT_EQ(done->outcome, "Referred");
    EXPECT_EQ(done->completed_at, now_ + 1h);
}

TEST_F(actions_repository, a_cancelled_action_keeps_its_reason_and_is_not_reassigned_after) {
    const auto action = raise(episode_, now_);
    committed([&](db::unit_of_work& uow) {
        db::actions::reassign(uow, action, w_.manager.user_id);
        db::actions::finish(uow, action, workflow::action_status::cancelled, "Not needed",
                            w_.manager.user_id, now_ + 1h);
        db::actions::reassign(uow, action, w_.social_worker.user_id);
    });
    const auto cancelled = find(episode_, action);
    ASSERT_TRUE(cancelled.has_value());
    EXPECT_EQ(cancelled->status, workflow::action_status::cancelled);
    EXPECT_EQ(cancelled->outcome, "Not needed");
    EXPECT_EQ(cancelled->owner_id, w_.manager.user_id);
}

} // namespace
} // namespace homeward::testing
