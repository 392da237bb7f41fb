// The audit trail: every write and read is recorded; the hash chain catches an altered, a deleted
// and a reordered entry, naming the first broken one.

#include "fixture.hpp"

#include "homeward/services/audit.hpp"
#include "homeward/services/children.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"

#include <gmock/gmock.h>

namespace homeward::testing {
namespace {

using workflow::episode_event;

class audit_trail : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        child = make_child();
        episode = report(child);
        services::get_episode(env_, w_.social_worker, episode);
        ASSERT_TRUE(services::verify_audit(env_).intact()) << services::verify_audit(env_).problem;
        last = scalar("select max(seq) from audit_log");
    }

    std::string child, episode;
    std::int64_t last{0};
};

TEST_F(audit_trail, reads_of_a_childs_and_an_episodes_record_are_audited_with_who_and_request) {
    const auto& worker = w_.social_worker;
    services::get_child(env_, worker, child);
    EXPECT_EQ(
        text("select action || '|' || actor_id || '|' || actor_role || '|' || organisation_id "
             "|| '|' || entity_id || '|' || outcome || '|' || request_id from audit_log "
             "order by seq desc limit 1"),
        "child.read|" + worker.user_id + "|social_worker|" + w_.authority.id + "|" + child +
            "|success|" + worker.request_id);
    EXPECT_EQ(count_where("audit_log",
                          "entity_id = " + literal(episode) + " and action = 'episode.read'"),
              1);
}

TEST_F(audit_trail, a_refused_attempt_is_audited_with_its_outcome) {
    EXPECT_EQ(failure_of([&] {
                  send(w_.social_worker, episode_event::cancel, episode, {{"reason", "x"}});
              }).kind(),
              services::failure_kind::forbidden);
    EXPECT_EQ(text("select action || ':' || outcome from audit_log order by seq desc limit 1"),
              "episode.cancel:denied");
}

TEST_F(audit_trail, verify_passes_on_the_real_trail) {
    const auto verdict = services::verify_audit(env_);
    EXPECT_TRUE(verdict.intact());
    EXPECT_EQ(verdict.entries, last);
}

TEST_F(audit_trail, an_altered_entry_is_caught_and_named) {
    const auto seq = std::to_string(last - 1);
    const auto outcome = text("select outcome from audit_log where seq = " + seq);
    execute("update audit_log set outcome = 'denied' where seq = " + seq);
    const auto verdict = services::verify_audit(env_);
    execute("update audit_log set outcome = " + literal(outcome) + " where seq = " + seq);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, last - 1);
    EXPECT_THAT(verdict.problem, ::testing::HasSubstr("altered"));
    EXPECT_TRUE(services::verify_audit(env_).intact());
}

TEST_F(audit_trail, a_deleted_entry_is_caught_at_the_entry_after_it) {
    const auto seq = std::to_string(last - 1);
    execute("begin; create table audit_saved as select * from audit_log where seq = " + seq +
            "; delete from audit_log where seq = " + seq + "; commit;");
    const auto verdict = services::verify_audit(env_);
    execute(
        "begin; insert into audit_log select * from audit_saved; drop table audit_saved; commit;");
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, last);
    EXPECT_TRUE(services::verify_audit(env_).intact());
}

TEST_F(audit_trail, the_last_entry_deleted_is_caught_by_the_chains_head) {
    const auto seq = std::to_string(last);
    execute("begin; create table audit_saved_last as select * from audit_log where seq = " + seq +
            "; delete from audit_log where seq = " + seq + "; commit;");
    const auto verdict = services::verify_audit(env_);
    execute("begin; insert into audit_log select * from audit_saved_last; drop table "
            "audit_saved_last; commit;");
    EXPECT_FALSE(verdict.intact());
    EXPECT_THAT(verdict.problem, ::testing::HasSubstr("removed"));
    EXPECT_TRUE(services::verify_audit(env_).intact());
}

TEST_F(audit_trail, two_entries_swapped_are_caught) {
    const auto a = std::to_string(last - 1);
    const auto b = std::to_string(last);
    const auto swap = "update audit_log x set action = y.action, entity_id = y.entity_id, detail = "
                      "y.detail from audit_log y where (x.seq, y.seq) in ((" +
                      a + ", " + b + "), (" + b + ", " + a + "))";
    execute(swap);
    const auto verdict = services::verify_audit(env_);
    execute(swap);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, last - 1);
    EXPECT_TRUE(services::verify_audit(env_).intact());
}

} // namespace
} // namespace homeward::testing
