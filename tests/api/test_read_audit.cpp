// Reads' audit entries under the HTTPS server, as serve runs them (through a batcher): the answer
// of a read leaves only once its entry is durable, no worker thread waits for that commit
// meanwhile, and a read whose entry cannot be written answers 503 and shows nothing.

#include "https_fixture.hpp"

#include "homeward/db/audit.hpp"
#include "homeward/db/pool.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <future>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

class read_audit_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        force = make_org(workflow::organisation_kind::police);
        authority = make_org(workflow::organisation_kind::local_authority);
        police = make_user(workflow::role::police, force);
        worker = make_user(workflow::role::social_worker, authority);
        episode = std::string{report(police, make_child(worker, authority)).at("id").as_string()};
    }

    void TearDown() override {
        https_test::TearDown(); // the server stops before the batcher it was given goes
        env_->audit_reads = nullptr;
    }

    // Serves with one worker thread, reads' entries going through `batcher`.
    void serve_through(db::audit::batcher& batcher) {
        api::server_options options;
        options.worker_threads = 1;
        restart(test_rules(), options); // (through TearDown, which unsets the batcher)
        env_->audit_reads = &batcher;
    }

    long long entries_of_the_read() {
        return scalar("select count(*) from audit_events where action = 'episode.read' and "
                      "entity_id = " +
                      literal(episode));
    }

    std::future<https_reply> read_episode() {
        request_options as_police;
        as_police.token = police.token;
        return std::async(std::launch::async, [this, as_police] {
            return https_call(port_, "GET", "/api/v1/episodes/" + episode, "", as_police);
        });
    }

    test_org force;
    test_org authority;
    test_user police;
    test_user worker;
    std::string episode;
};

TEST_F(read_audit_over_https, a_read_waiting_for_its_entry_holds_no_worker_and_waits_to_answer) {
    db::audit::batcher batcher{env_->pool};
    serve_through(batcher);
    // Another session holds the queue of entries to chain: the batch cannot commit until it lets
    // go.
    pqxx::connection holder{database_url()};
    pqxx::work holding{holder};
    holding.exec("lock table audit_unchained in share mode");

    auto read = read_episode();
    EXPECT_EQ(read.wait_for(1s), std::future_status::timeout)
        << "the episode was shown before its audit entry was durable";
    EXPECT_EQ(entries_of_the_read(), 0);

    // The only worker is free: a request that needs one is answered while the read waits.
    request_options as_worker;
    as_worker.token = worker.token;
    auto other = std::async(std::launch::async, [this, as_worker] {
        return https_call(port_, "GET", "/api/v1/indicators", "", as_worker);
    });
    // A safety net, not a performance limit: with the worker held, no answer would come.
    ASSERT_EQ(other.wait_for(20s), std::future_status::ready);
    EXPECT_EQ(other.get().status, 200U);
    EXPECT_EQ(read.wait_for(0s), std::future_status::timeout);

    holding.abort();
    ASSERT_EQ(read.wait_for(20s), std::future_status::ready);
    const auto shown = read.get();
    EXPECT_EQ(shown.status, 200U) << shown.body;
    EXPECT_THAT(shown.body, HasSubstr(episode));
    EXPECT_EQ(entries_of_the_read(), 1);
    EXPECT_EQ(batcher.counted().entries, 1U);
}

TEST_F(read_audit_over_https, a_read_whose_entry_cannot_be_written_answers_503_and_shows_nothing) {
    db::connection_pool unreachable{"postgresql://postgres@127.0.0.1:1/none", 1, 200ms};
    db::audit::batcher broken{unreachable};
    serve_through(broken);

    auto read = read_episode();
    ASSERT_EQ(read.wait_for(20s), std::future_status::ready);
    const auto refused = read.get();
    EXPECT_EQ(refused.status, 503U);
    EXPECT_EQ(refused.header("retry-after"), "5");
    EXPECT_THAT(refused.body, HasSubstr("the database is unavailable"));
    EXPECT_THAT(refused.body, Not(HasSubstr(episode)));
    EXPECT_THAT(refused.body, Not(HasSubstr("Taylor")));
    EXPECT_THAT(refused.body, Not(HasSubstr("Station Road")));
    EXPECT_FALSE(refused.header("x-request-id").empty());

    // A request that reads no case content is answered as before.
    EXPECT_EQ(get(worker, "/api/v1/indicators").status, 200U);
}

} // namespace
} // namespace homeward::testing
