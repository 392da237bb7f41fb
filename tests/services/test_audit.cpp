// The audit trail: every write and read is recorded with who, what and the outcome; entries wait,
// unchained, until the sequencer chains them; the hash chain catches an altered, a deleted and a
// reordered entry, naming the first that no longer verifies; and a signed checkpoint catches what
// the chain alone cannot: a rewrite with every hash recomputed, or the newest entries removed.
//
// verify_audit reads over its own connection, so the tampering cannot be rolled back: each test
// tampers as the superuser the world connects as (the application's role may not: see
// tests/db/test_audit.cpp), verifies, then puts the rows back exactly as they were (also when it
// fails half-way), so that later tests still find an intact chain.

#include "fixture.hpp"

#include "homeward/services/audit.hpp"
#include "homeward/services/checkpoints.hpp"
#include "homeward/services/children.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace homeward::testing {
namespace {

using ::testing::HasSubstr;
using workflow::episode_event;
using workflow::episode_state;

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

// The event row behind the chain's entry at this sequence number.
std::string event_at(std::int64_t seq) {
    return " where id = (select event_id from audit_chain where seq = " + std::to_string(seq) + ")";
}

// Takes the entry at `seq` out of the trail entirely (its chain row, its event, and any
// checkpoint of it, as someone covering their tracks would) and puts it all back on destruction.
class removed_entry {
public:
    explicit removed_entry(std::int64_t seq) : saved_("audit_saved_" + unique_code()) {
        const auto n = std::to_string(seq);
        execute("create temporary table " + saved_ +
                "_chain as select * from audit_chain where seq = " + n);
        execute("create temporary table " + saved_ +
                "_event as select * from audit_events where id = (select event_id from "
                "audit_chain where seq = " +
                n + ")");
        execute("create temporary table " + saved_ +
                "_checkpoints as select * from audit_checkpoints where seq = " + n);
        execute("delete from audit_checkpoints where seq = " + n);
        execute("delete from audit_chain where seq = " + n);
        execute("delete from audit_events where id = (select event_id from " + saved_ + "_chain)");
    }
    ~removed_entry() {
        execute("insert into audit_events select * from " + saved_ + "_event");
        execute("insert into audit_chain select * from " + saved_ + "_chain");
        execute("insert into audit_checkpoints select * from " + saved_ + "_checkpoints");
        for (const auto* part : {"_chain", "_event", "_checkpoints"}) {
            execute("drop table " + saved_ + part);
        }
    }
    removed_entry(const removed_entry&) = delete;
    removed_entry& operator=(const removed_entry&) = delete;

private:
    std::string saved_;
};

class audit_trail : public services_test {
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
        services::sequence_audit(env_);
        const auto verdict = services::verify_audit(env_);
        ASSERT_TRUE(verdict.intact())
            << "the chain was broken before the test: " << verdict.problem;
        ASSERT_EQ(verdict.unchained, 0);
        head_ = scalar("select max(seq) from audit_chain");
        checkpoints_before_ = scalar("select coalesce(max(id), 0) from audit_checkpoints");
    }

    // The seq of the latest entry about this episode whose outcome is `outcome`.
    std::int64_t entry_of(std::string_view outcome) {
        return scalar("select max(seq) from audit_log where entity_id = " + literal(episode_) +
                      " and outcome = " + literal(outcome));
    }

    static std::string temporary_file(const std::string& name) {
        return (std::filesystem::temp_directory_path() / (name + "-" + unique_code())).string();
    }

    static std::string read_whole(const std::string& path) {
        std::ifstream in{path};
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    // A key, and a checkpoint of the chain's head signed with it and written to a witness file;
    // the checkpoint rows are removed at the end of the test (they name a place in the chain).
    struct signed_head {
        services::signing_key_pair key;
        services::checkpoint made;
        std::string witness_file;
    };
    signed_head sign_head() {
        signed_head result;
        result.key = services::new_signing_key();
        result.witness_file = temporary_file("witness");
        const auto made = services::sign_checkpoint(env_, result.key.private_pem,
                                                    {result.witness_file, std::nullopt});
        EXPECT_TRUE(made.has_value());
        if (made) {
            result.made = *made;
        }
        return result;
    }

    std::string episode_;
    std::int64_t head_{0};
    std::int64_t checkpoints_before_{0};
};

TEST_F(audit_trail, the_chain_verifies_intact_after_real_use_cases_once_sequenced) {
    const auto verdict = services::verify_audit(env_);
    EXPECT_TRUE(verdict.intact()) << verdict.problem;
    EXPECT_GT(verdict.entries, 0);
    EXPECT_EQ(verdict.entries, count("audit_log"));
    EXPECT_EQ(verdict.entries, head_);
    EXPECT_EQ(verdict.unchained, 0);
    EXPECT_FALSE(verdict.oldest_unchained.has_value());
    EXPECT_TRUE(verdict.problem.empty());
}

TEST_F(audit_trail, use_cases_and_refusals_are_audited_with_actor_and_outcome) {
    EXPECT_GE(count_where("audit_log", "entity_id = " + literal(episode_) +
                                           " and outcome = 'success' and actor_id::text = " +
                                           literal(w_.police.user_id)),
              2); // the report and the return (and the read)
    EXPECT_GE(count_where("audit_log", "entity_id = " + literal(episode_) +
                                           " and outcome = 'not_found' and actor_id::text = " +
                                           literal(w_.other_social_worker.user_id)),
              1);
}

TEST_F(audit_trail, reads_of_a_childs_and_an_episodes_record_are_audited_with_who_and_request) {
    const auto& worker = w_.social_worker;
    const auto child = make_child();
    const auto episode = report(child);
    services::get_episode(env_, worker, episode);
    services::get_child(env_, worker, child);
    EXPECT_EQ(
        text("select action || '|' || actor_id || '|' || actor_role || '|' || organisation_id "
             "|| '|' || entity_id || '|' || outcome || '|' || request_id from audit_log "
             "order by id desc limit 1"),
        "child.read|" + worker.user_id + "|social_worker|" + w_.authority.id + "|" + child +
            "|success|" + worker.request_id);
    EXPECT_EQ(count_where("audit_log",
                          "entity_id = " + literal(episode) + " and action = 'episode.read'"),
              1);
}

TEST_F(audit_trail, a_refused_attempt_is_audited_with_its_outcome) {
    EXPECT_EQ(
        failure_of([&] {
            send(w_.social_worker, episode_event::cancel, report(make_child()), {{"reason", "x"}});
        }).kind(),
        services::failure_kind::forbidden);
    EXPECT_EQ(text("select action || ':' || outcome from audit_log order by id desc limit 1"),
              "episode.cancel:denied");
}

// A read's entry is durable when the answer leaves, and chained by the sequencer's next pass:
// until then verify counts it as waiting, not as broken.
TEST_F(audit_trail, a_reads_entry_waits_unchained_until_the_sequencer_chains_it) {
    services::get_episode(env_, w_.social_worker, episode_);
    const auto read =
        scalar("select max(id) from audit_events where entity_id = " + literal(episode_) +
               " and action = 'episode.read'");
    EXPECT_EQ(count_where("audit_unchained", "event_id = " + std::to_string(read)), 1);
    EXPECT_TRUE(text("select seq from audit_log where id = " + std::to_string(read)).empty());
    const auto waiting = services::verify_audit(env_);
    EXPECT_TRUE(waiting.intact()) << waiting.problem;
    EXPECT_GE(waiting.unchained, 1);
    EXPECT_TRUE(waiting.oldest_unchained.has_value());

    EXPECT_GE(services::sequence_audit(env_), 1);
    EXPECT_GT(scalar("select seq from audit_log where id = " + std::to_string(read)), head_);
    EXPECT_EQ(count("audit_unchained"), 0);
    const auto chained = services::verify_audit(env_);
    EXPECT_TRUE(chained.intact()) << chained.problem;
    EXPECT_EQ(chained.unchained, 0);
    EXPECT_EQ(chained.entries, head_ + waiting.unchained);
}

TEST_F(audit_trail, an_altered_entry_is_caught_at_its_seq) {
    const auto altered = entry_of("success");
    ASSERT_GT(altered, 1);
    const auto where = event_at(altered);
    const auto original = text("select outcome from audit_events" + where);
    restore_on_exit restore{
        [&] { execute("update audit_events set outcome = " + literal(original) + where); }};
    execute("update audit_events set outcome = 'denied'" + where);

    const auto verdict = services::verify_audit(env_);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, altered);
    EXPECT_THAT(verdict.problem, HasSubstr("altered"));
    EXPECT_EQ(verdict.entries, altered - 1);
}

TEST_F(audit_trail, an_altered_detail_is_caught_at_its_seq) {
    const auto altered = entry_of("success");
    const auto where = event_at(altered);
    const auto original = text("select detail::text from audit_events" + where);
    restore_on_exit restore{[&] {
        execute("update audit_events set detail = " + literal(original) + "::jsonb" + where);
    }};
    execute("update audit_events set detail = detail || '{\"note\": \"edited\"}'::jsonb" + where);

    EXPECT_EQ(services::verify_audit(env_).first_broken, altered);
}

TEST_F(audit_trail, a_deleted_entry_is_caught_at_the_entry_after_it) {
    const auto deleted = entry_of("success"); // the police read: the refused read follows it
    ASSERT_LT(deleted, head_);
    const removed_entry removed{deleted};

    const auto verdict = services::verify_audit(env_);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, deleted + 1);
    EXPECT_THAT(verdict.problem, HasSubstr("missing"));
    EXPECT_EQ(verdict.entries, deleted - 1);
}

// The chain's newest row removed while its entry stays: the entry is neither chained nor waiting.
TEST_F(audit_trail, the_newest_entry_taken_out_of_the_chain_is_caught_as_unchained) {
    const auto saved = "audit_saved_" + unique_code();
    execute("create temporary table " + saved +
            " as select * from audit_chain where seq = " + std::to_string(head_));
    restore_on_exit restore{[&] {
        execute("insert into audit_chain select * from " + saved);
        execute("drop table " + saved);
    }};
    execute("delete from audit_chain where seq = " + std::to_string(head_));

    const auto verdict = services::verify_audit(env_);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, head_);
    EXPECT_THAT(verdict.problem, HasSubstr("neither in the chain nor waiting"));
}

TEST_F(audit_trail, two_entries_swapped_are_caught_at_the_first_of_them) {
    const auto first = entry_of("not_found");
    const auto second = entry_of("success");
    ASSERT_NE(first, second);
    ASSERT_NE(
        text("select action || detail::text from audit_log where seq = " + std::to_string(first)),
        text("select action || detail::text from audit_log where seq = " + std::to_string(second)));
    const auto swap =
        "update audit_events a set action = b.action, detail = b.detail, outcome = b.outcome "
        "from audit_events b where (a.id, b.id) in (select x.event_id, y.event_id from "
        "audit_chain x, audit_chain y where (x.seq, y.seq) in ((" +
        std::to_string(first) + ", " + std::to_string(second) + "), (" + std::to_string(second) +
        ", " + std::to_string(first) + ")))";
    restore_on_exit restore{[&] { execute(swap); }};
    execute(swap);

    const auto verdict = services::verify_audit(env_);
    EXPECT_FALSE(verdict.intact());
    EXPECT_EQ(verdict.first_broken, std::min(first, second));
}

TEST_F(audit_trail, the_chain_verifies_again_once_the_rows_are_restored) {
    const auto altered = entry_of("success");
    const auto where = event_at(altered);
    const auto original = text("select outcome from audit_events" + where);
    execute("update audit_events set outcome = 'error'" + where);
    EXPECT_FALSE(services::verify_audit(env_).intact());
    execute("update audit_events set outcome = " + literal(original) + where);
    const auto verdict = services::verify_audit(env_);
    EXPECT_TRUE(verdict.intact()) << verdict.problem;
}

// ---- signed checkpoints ---------------------------------------------------------------------

class audit_checkpoints : public audit_trail {
protected:
    void TearDown() override {
        execute("delete from audit_checkpoints where id > " + std::to_string(checkpoints_before_));
        audit_trail::TearDown();
    }
};

TEST_F(audit_checkpoints, a_checkpoint_signs_the_head_and_goes_to_the_witness_and_the_database) {
    const auto head = sign_head();
    EXPECT_EQ(head.made.seq, head_);
    EXPECT_EQ(head.made.hash_hex, text("select encode(hash, 'hex') from audit_chain where seq = " +
                                       std::to_string(head_)));
    const auto witnessed = read_whole(head.witness_file);
    EXPECT_EQ(witnessed, head.made.line() + "\n");
    const auto document = boost::json::parse(head.made.document).as_object();
    EXPECT_EQ(document.at("seq").to_number<std::int64_t>(), head_);
    EXPECT_EQ(document.at("algorithm"), "Ed25519");
    EXPECT_EQ(
        count_where("audit_checkpoints", "seq = " + std::to_string(head_) +
                                             " and document = " + literal(head.made.document)),
        1);
    std::filesystem::remove(head.witness_file);
}

TEST_F(audit_checkpoints, a_signed_checkpoint_verifies_against_the_trail_it_signed) {
    const auto head = sign_head();
    // Entries written and chained after the checkpoint do not disturb it.
    services::get_episode(env_, w_.police, episode_);
    services::sequence_audit(env_);
    const auto verdict =
        services::verify_checkpoint(env_, read_whole(head.witness_file), head.key.public_pem);
    EXPECT_TRUE(verdict.valid) << verdict.problem;
    EXPECT_EQ(verdict.seq, head_);
    std::filesystem::remove(head.witness_file);
}

TEST_F(audit_checkpoints, a_checkpoint_verified_with_another_key_is_refused) {
    const auto head = sign_head();
    const auto verdict = services::verify_checkpoint(env_, read_whole(head.witness_file),
                                                     services::new_signing_key().public_pem);
    EXPECT_FALSE(verdict.valid);
    EXPECT_THAT(verdict.problem, HasSubstr("signature does not verify"));
    std::filesystem::remove(head.witness_file);
}

// Someone holding the database rewrites an entry and recomputes every hash after it: the chain
// verifies again, but the hash the checkpoint signed is gone.
TEST_F(audit_checkpoints,
       a_rewrite_with_every_hash_recomputed_passes_the_chain_but_not_the_checkpoint) {
    const auto head = sign_head();
    const auto rewritten = entry_of("success");
    const auto where = event_at(rewritten);
    const auto original = text("select outcome from audit_events" + where);
    const auto saved = "audit_saved_" + unique_code();
    execute("create temporary table " + saved +
            " as select seq, prev_hash, hash from audit_chain where seq >= " +
            std::to_string(rewritten));
    restore_on_exit restore{[&] {
        execute("update audit_events set outcome = " + literal(original) + where);
        execute("update audit_chain c set prev_hash = s.prev_hash, hash = s.hash from " + saved +
                " s where c.seq = s.seq");
        execute("drop table " + saved);
    }};
    execute("update audit_events set outcome = 'denied'" + where);
    execute("do $$ declare r record; prev bytea; h bytea; begin select hash into prev from "
            "audit_chain where seq = " +
            std::to_string(rewritten - 1) +
            "; for r in select c.seq, e.* from audit_chain c join audit_events e on e.id = "
            "c.event_id where c.seq >= " +
            std::to_string(rewritten) +
            " order by c.seq loop h := audit_entry_hash(prev, r.seq, r.at, r.request_id, "
            "r.actor_id, r.actor_username, r.actor_role, r.organisation_id, r.action, "
            "r.entity_type, r.entity_id, r.outcome, r.detail); update audit_chain set prev_hash "
            "= prev, hash = h where seq = r.seq; prev := h; end loop; end $$");

    const auto chain = services::verify_audit(env_);
    ASSERT_TRUE(chain.intact()) << "the rewrite was not complete: " << chain.problem;
    const auto verdict =
        services::verify_checkpoint(env_, read_whole(head.witness_file), head.key.public_pem);
    EXPECT_FALSE(verdict.valid);
    EXPECT_EQ(verdict.seq, head_);
    EXPECT_THAT(verdict.problem, HasSubstr("the trail was rewritten"));
    std::filesystem::remove(head.witness_file);
}

// The newest entry removed entirely (chain row, event and the checkpoint row kept in the
// database) leaves a chain that verifies; the witness's copy of the checkpoint still names it.
TEST_F(audit_checkpoints, the_newest_entry_removed_entirely_is_caught_by_the_witnessed_checkpoint) {
    const auto head = sign_head();
    const removed_entry removed{head_};
    const auto verdict =
        services::verify_checkpoint(env_, read_whole(head.witness_file), head.key.public_pem);
    EXPECT_FALSE(verdict.valid);
    EXPECT_THAT(verdict.problem, HasSubstr("entries were removed"));
    std::filesystem::remove(head.witness_file);
}

} // namespace
} // namespace homeward::testing
