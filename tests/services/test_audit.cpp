// The audit trail's hash chain: intact after real use, and any alteration, deletion or reordering
// of an entry is caught at the first entry that no longer verifies.
//
// verify_audit reads over its own connection, so the tampering cannot be rolled back: each test
// tampers, verifies, then puts the rows back exactly as they were (also when it fails half-way),
// so that later tests still find an intact chain.

#include "fixture.hpp"

#include "homeward/services/audit.hpp"
#include "homeward/services/children.hpp"
#include "homeward/services/episodes.hpp"

#include <gmock/gmock.h>

#include <cstdint>

namespace homeward::testing {
namespace {

using workflow::episode_state;

class audit_verification : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        // Real use: a child created and read, an episode taken to its close, a refusal.
        episode_ = episode_in(episode_state::closed);
        services::get_episode(env_, w_.police, episode_);
        failure_of([&] { services::get_episode(env_, w_.other_social_worker, episode_); });
        const auto verdict = services::verify_audit(env_);
        ASSERT_TRUE(verdict.intact())
            << "the chain was broken before the test: " << verdict.problem;
    }

    // The seq of the latest entry about this episode whose outcome is `outcome`.
    std::int64_t entry_of(std::string_view outcome) {
        return scalar("select max(seq) from audit_log where entity_id = " + literal(episode_) +
                      " and outcome = " + literal(outcome));
    }

    std::string episode_;
};

// Runs `undo` when it goes out of scope, so a failed expectation cannot leave the chain broken.
class restore_on_exit {
public:
    explicit restore_on_exit(std::function<void()> undo) : undo_(std::move(undo)) {}
    ~restore_on_exit() { undo_(); }
    restore_on_exit(const restore_on_exit&) = delete;
    restore_on_exit& operator=(const restore_on_exit&) = delete;

private:
    std::function<void()> undo_;
};

TEST_F(audit_verification, the_chain_verifies_intact_after_real_use_cases) {
    const auto verdict = services::verify_audit(env_);
    EXPECT_TRUE(verdict.intact()) << verdict.problem;
    EXPECT_GT(verdict.entries, 0);
    EXPECT_EQ(verdict.entries, count("audit_log"));
    EXPECT_TRUE(verdict.problem.empty());
}

TEST_F(audit_verification, use_cases_and_refusals_are_audited_with_actor_and_outcome) {
    EXPECT_GE(count_where("audit_log", "entity_id = " + literal(episode_) +
                                           " and outcome = 'success' and actor_id::text = " +
                                           literal(w_.police.user_id)),
              2); // the report and the return (and the read)
    EXPECT_GE(count_where("audit_log", "entity_id = " + literal(episode_) +
                                           " and outcome = 'not_found' and actor_id::text = " +
                                           literal(w_.other_social_worker.user_id)),
              1);
}

TEST_F(audit_verification, an_altered_entry_is_caught_at_its_seq) {
    const auto altered = entry_of("success");
    ASSERT_GT(altered, 1);
    const auto where = " where seq = " + std::to_string(altered);
    const auto original = text("select outcome from audit_log" + where);
    restore_on_exit restore{
        [&] { execute("update audit_log set outcome = " + literal(original) + where); }};
    execute("update audit_log set outcome = 'denied'" + where);

    const auto verdict = services::verify_audit(env_);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, altered);
    EXPECT_FALSE(verdict.problem.empty());
}

TEST_F(audit_verification, an_altered_detail_is_caught_at_its_seq) {
    const auto altered = entry_of("success");
    const auto where = " where seq = " + std::to_string(altered);
    const auto original = text("select detail::text from audit_log" + where);
    restore_on_exit restore{
        [&] { execute("update audit_log set detail = " + literal(original) + "::jsonb" + where); }};
    execute("update audit_log set detail = detail || '{\"note\": \"edited\"}'::jsonb" + where);

    EXPECT_EQ(services::verify_audit(env_).first_broken, altered);
}

TEST_F(audit_verification, a_deleted_entry_is_caught_at_the_entry_after_it) {
    const auto deleted = entry_of("success"); // the police read: the refused read follows it
    ASSERT_LT(deleted, scalar("select max(seq) from audit_log"));
    const auto saved = "audit_saved_" + unique_code();
    execute("create temporary table " + saved +
            " as select * from audit_log where seq = " + std::to_string(deleted));
    restore_on_exit restore{[&] {
        execute("insert into audit_log select * from " + saved);
        execute("drop table " + saved);
    }};
    execute("delete from audit_log where seq = " + std::to_string(deleted));

    const auto verdict = services::verify_audit(env_);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, deleted + 1);
    EXPECT_EQ(verdict.entries, deleted - 1);
}

TEST_F(audit_verification, the_newest_entry_deleted_is_caught_by_the_chains_head) {
    const auto newest = scalar("select max(seq) from audit_log");
    const auto saved = "audit_saved_" + unique_code();
    execute("create temporary table " + saved +
            " as select * from audit_log where seq = " + std::to_string(newest));
    restore_on_exit restore{[&] {
        execute("insert into audit_log select * from " + saved);
        execute("drop table " + saved);
    }};
    execute("delete from audit_log where seq = " + std::to_string(newest));

    const auto verdict = services::verify_audit(env_);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, newest);
}

TEST_F(audit_verification, two_entries_swapped_are_caught_at_the_first_of_them) {
    const auto first = entry_of("not_found");
    const auto second = entry_of("success");
    ASSERT_NE(first, second);
    ASSERT_NE(
        text("select action || detail::text from audit_log where seq = " + std::to_string(first)),
        text("select action || detail::text from audit_log where seq = " + std::to_string(second)));
    const auto swap = "update audit_log a set action = b.action, detail = b.detail, "
                      "outcome = b.outcome from audit_log b where (a.seq, b.seq) in ((" +
                      std::to_string(first) + ", " + std::to_string(second) + "), (" +
                      std::to_string(second) + ", " + std::to_string(first) + "))";
    restore_on_exit restore{[&] { execute(swap); }};
    execute(swap);

    const auto verdict = services::verify_audit(env_);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, std::min(first, second));
}

TEST_F(audit_verification, the_chain_verifies_again_once_the_rows_are_restored) {
    const auto altered = entry_of("success");
    const auto where = " where seq = " + std::to_string(altered);
    const auto original = text("select outcome from audit_log" + where);
    execute("update audit_log set outcome = 'error'" + where);
    EXPECT_FALSE(services::verify_audit(env_).intact());
    execute("update audit_log set outcome = " + literal(original) + where);
    const auto verdict = services::verify_audit(env_);
    EXPECT_TRUE(verdict.intact()) << verdict.problem;
}

} // namespace
} // namespace homeward::testing
