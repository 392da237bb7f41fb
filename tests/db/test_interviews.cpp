// The return interview's record: a held interview after the child's refusal replaces the refusal's
// record, and its observed indicators replace any before them.

#include "fixture.hpp"

#include "homeward/db/episodes.hpp"
#include "homeward/db/interviews.hpp"

#include <gmock/gmock.h>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

class interviews_repository : public repository_test {
protected:
    void SetUp() override {
        repository_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        episode_ = insert_episode(insert_child());
        now_ = clock_.now();
    }

    db::interview_record held(std::vector<std::string> indicators) const {
        db::interview_record r;
        r.outcome = workflow::interview_outcome::held;
        r.conducted_at = now_;
        r.recorded_by = w_.social_worker.user_id;
        r.interviewer_id = w_.manager.user_id;
        r.interviewer_independent = true;
        r.location = "School";
        r.where_stayed = "A flat in town";
        r.with_whom = "An older man";
        r.push_factors = {"conflict at home"};
        r.pull_factors = {"older adults", "gifts"};
        r.harm_disclosed = true;
        r.harm_details = "Was given alcohol";
        r.indicators = std::move(indicators);
        r.indicator_score = 5;
        r.suggested_cse_risk = workflow::cse_risk::medium;
        r.risk = workflow::cse_risk::medium;
        r.child_views = "Wants to see her friends";
        r.police_intelligence = "Silver car seen";
        return r;
    }

    void save(const db::interview_record& r) {
        committed([&](db::unit_of_work& uow) { db::interviews::save(uow, episode_, r, now_); });
    }

    std::optional<db::interview_record> stored() {
        db::unit_of_work uow{shared_pool()};
        return db::episodes::record(uow, episode_).interview;
    }

    std::string episode_;
    workflow::time_point now_{};
};

TEST_F(interviews_repository, a_held_interview_is_read_back_whole_with_its_indicators) {
    save(held({"older_boyfriend_or_girlfriend", "going_missing_repeatedly"}));
    const auto interview = stored();
    ASSERT_TRUE(interview.has_value());
    EXPECT_EQ(interview->outcome, workflow::interview_outcome::held);
    EXPECT_EQ(interview->conducted_at, now_);
    EXPECT_EQ(interview->interviewer_independent, true);
    EXPECT_EQ(interview->where_stayed, "A flat in town");
    EXPECT_THAT(interview->pull_factors, ::testing::ElementsAre("older adults", "gifts"));
    EXPECT_THAT(interview->indicators, ::testing::ElementsAre("going_missing_repeatedly",
                                                              "older_boyfriend_or_girlfriend"));
    EXPECT_EQ(interview->indicator_score, 5);
    EXPECT_EQ(interview->risk, workflow::cse_risk::medium);
    EXPECT_EQ(interview->police_intelligence, "Silver car seen");
    EXPECT_FALSE(interview->declined_reason.has_value());
}

// A held interview after the child first declined takes the interview's place, and keeps the
// refusal: when it was, its reason, the attempts made and what the carers said.
TEST_F(interviews_repository, a_held_interview_after_a_refusal_keeps_the_refusal) {
    db::interview_record declined;
    declined.outcome = workflow::interview_outcome::declined;
    declined.conducted_at = now_ - 1h;
    declined.recorded_by = w_.social_worker.user_id;
    declined.declined_at = now_ - 1h;
    declined.declined_reason = "Did not want to talk";
    declined.attempts = "Two visits";
    declined.carers_account = "Came back by taxi";
    save(declined);
    ASSERT_EQ(stored()->outcome, workflow::interview_outcome::declined);
    save(held({"going_missing_repeatedly"}));
    const auto interview = stored();
    ASSERT_TRUE(interview.has_value());
    EXPECT_EQ(interview->outcome, workflow::interview_outcome::held);
    EXPECT_EQ(interview->conducted_at, now_);
    EXPECT_EQ(interview->declined_at, now_ - 1h);
    EXPECT_EQ(interview->declined_reason, "Did not want to talk");
    EXPECT_EQ(interview->attempts, "Two visits");
    EXPECT_EQ(interview->carers_account, "Came back by taxi");
    EXPECT_EQ(count_where("interviews", "episode_id = " + literal(episode_)), 1);
}

TEST_F(interviews_repository, saving_again_replaces_the_observed_indicators) {
    save(held({"going_missing_repeatedly"}));
    save(held({"older_boyfriend_or_girlfriend"}));
    EXPECT_THAT(stored()->indicators, ::testing::ElementsAre("older_boyfriend_or_girlfriend"));
    EXPECT_EQ(count_where("observed_indicators", "episode_id = " + literal(episode_)), 1);
}

} // namespace
} // namespace homeward::testing
