// Concurrent writers: optimistic versions let exactly one of many conflicting writers through,
// row locks serialise the rest without gaps, and an idempotent report stays one episode.

#include "fixture.hpp"

#include "homeward/services/audit.hpp"
#include "homeward/services/episodes.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace homeward::testing {
namespace {

using workflow::episode_event;
using workflow::episode_state;

// What each of many threads got from one use case.
struct outcomes {
    std::mutex mutex;
    std::map<std::string, int> by_kind; // "success" or the failure's kind
    std::vector<std::string> unexpected;
    std::set<std::string> episode_ids;
    std::vector<std::int64_t> versions;

    void success(const services::episode_view& view) {
        std::lock_guard lock{mutex};
        ++by_kind["success"];
        episode_ids.emplace(view.episode.id);
        versions.push_back(view.episode.version);
    }
    void success(const services::event_result& result) { success(result.episode); }
    void failed(const services::failure& refused) {
        std::lock_guard lock{mutex};
        ++by_kind[std::string{to_string(refused.kind())}];
    }
    void other(const std::string& what) {
        std::lock_guard lock{mutex};
        unexpected.push_back(what);
    }
};

// Starts every thread, lets them go at once, and waits for them all.
void run_together(int threads, const std::function<void()>& work) {
    std::atomic<bool> go{false};
    std::vector<std::thread> running;
    running.reserve(static_cast<std::size_t>(threads));
    for (int i = 0; i < threads; ++i) {
        running.emplace_back([&] {
            while (!go.load()) {
                std::this_thread::yield();
            }
            work();
        });
    }
    go = true;
    for (auto& thread : running) {
        thread.join();
    }
}

class concurrent_use_cases : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
    }

    void regrade_from_many_threads(const std::string& id, int threads,
                                   std::optional<int> expected_version, outcomes& seen) {
        run_together(threads, [&] {
            try {
                seen.success(
                    services::send_event(env_, w_.police,
                                         call(episode_event::regrade_risk, id,
                                              event_bodies::regrade("high"), expected_version)));
            } catch (const services::failure& refused) {
                seen.failed(refused);
            } catch (const std::exception& error) {
                seen.other(error.what());
            }
        });
    }

    std::string history_versions(const std::string& id) {
        return text("select string_agg(version::text, ',' order by version) from "
                    "episode_history where episode_id::text = " +
                    literal(id));
    }
};

std::string one_to(int last) {
    std::string list;
    for (int version = 1; version <= last; ++version) {
        list += (version == 1 ? "" : ",") + std::to_string(version);
    }
    return list;
}

TEST_F(concurrent_use_cases, fifty_regrades_expecting_version_one_let_exactly_one_through) {
    const auto id = episode_in(episode_state::missing);
    outcomes seen;
    regrade_from_many_threads(id, 50, 1, seen);
    EXPECT_THAT(seen.unexpected, ::testing::IsEmpty());
    EXPECT_EQ(seen.by_kind["success"], 1);
    EXPECT_EQ(seen.by_kind["stale_version"], 49);
    EXPECT_EQ(version_of(id), 2);
    EXPECT_EQ(history_versions(id), "1,2");
}

TEST_F(concurrent_use_cases, fifty_regrades_without_a_version_all_commit_one_version_each) {
    const auto id = episode_in(episode_state::missing);
    send(w_.police, episode_event::regrade_risk, id, event_bodies::regrade("low"), 1);
    outcomes seen;
    regrade_from_many_threads(id, 50, std::nullopt, seen);
    EXPECT_THAT(seen.unexpected, ::testing::IsEmpty());
    EXPECT_EQ(seen.by_kind["success"], 50);
    EXPECT_EQ(seen.by_kind.size(), 1U);
    EXPECT_EQ(version_of(id), 52);
    EXPECT_EQ(history_versions(id), one_to(52));
    // Each writer saw its own version: no two answered with the same one.
    std::set<std::int64_t> distinct(seen.versions.begin(), seen.versions.end());
    EXPECT_EQ(distinct.size(), 50U);
    EXPECT_EQ(*distinct.begin(), 3);
    EXPECT_EQ(*distinct.rbegin(), 52);
    EXPECT_EQ(scalar("select count(*) from pg_locks where not granted"), 0);
    EXPECT_EQ(env_.pool.stats().in_use, 0U);
}

TEST_F(concurrent_use_cases, twenty_retries_of_one_idempotent_report_make_one_episode) {
    const auto child = make_child();
    const auto report = bodies_.report(child);
    outcomes seen;
    run_together(20, [&] {
        try {
            seen.success(services::report_episode(env_, w_.police, report, "concurrent-retry"));
        } catch (const services::failure& refused) {
            seen.failed(refused);
        } catch (const std::exception& error) {
            seen.other(error.what());
        }
    });
    EXPECT_THAT(seen.unexpected, ::testing::IsEmpty());
    EXPECT_EQ(seen.by_kind["success"], 20);
    EXPECT_EQ(seen.episode_ids.size(), 1U);
    EXPECT_EQ(count_where("episodes", "child_id::text = " + literal(child)), 1);
    EXPECT_EQ(count_where("idempotency_keys", "user_id::text = " + literal(w_.police.user_id)), 1);
    ASSERT_EQ(seen.episode_ids.size(), 1U);
    const auto& id = *seen.episode_ids.begin();
    EXPECT_EQ(history_of(id), 1);
    EXPECT_EQ(count_where("notifications", "episode_id::text = " + literal(id)), 2);
}

// The third report in the window opens the multi-agency review. Two reports at once that bring
// the count to three must still open it, once: the second counts after the first.
TEST_F(concurrent_use_cases, two_reports_at_once_that_make_a_child_repeat_missing_open_one_review) {
    const auto child = make_child();
    report(child);
    outcomes seen;
    run_together(2, [&] {
        try {
            seen.success(services::report_episode(env_, w_.police, bodies_.report(child), {}));
        } catch (const services::failure& refused) {
            seen.failed(refused);
        } catch (const std::exception& error) {
            seen.other(error.what());
        }
    });
    EXPECT_THAT(seen.unexpected, ::testing::IsEmpty());
    EXPECT_EQ(seen.by_kind["success"], 2);
    EXPECT_EQ(count_where("clocks", "child_id = " + literal(child) +
                                        " and kind = 'repeat_missing_review' and episode_id is "
                                        "null"),
              1);
    EXPECT_EQ(count_where("notifications",
                          "child_id = " + literal(child) + " and kind = 'repeat_missing'"),
              4); // the manager and the champion of each authority (the child is cross-border)
}

// Reports at once that all take the child over the threshold open one review between them: each
// report locks the child's row before it counts and looks for an open review.
TEST_F(concurrent_use_cases, reports_at_once_over_the_threshold_open_exactly_one_review) {
    const auto child = make_child();
    report(child);
    report(child);
    outcomes seen;
    run_together(6, [&] {
        try {
            seen.success(services::report_episode(env_, w_.police, bodies_.report(child), {}));
        } catch (const services::failure& refused) {
            seen.failed(refused);
        } catch (const std::exception& error) {
            seen.other(error.what());
        }
    });
    EXPECT_THAT(seen.unexpected, ::testing::IsEmpty());
    EXPECT_EQ(seen.by_kind["success"], 6);
    EXPECT_EQ(count_where("clocks", "child_id = " + literal(child) +
                                        " and kind = 'repeat_missing_review' and episode_id is "
                                        "null"),
              1);
    EXPECT_EQ(count_where("notifications",
                          "child_id = " + literal(child) + " and kind = 'repeat_missing'"),
              4);
}

TEST_F(concurrent_use_cases, the_audit_chain_stays_whole_under_concurrent_writers) {
    const auto first = episode_in(episode_state::missing);
    const auto second = episode_in(episode_state::missing);
    const auto before = services::verify_audit(env_);
    ASSERT_TRUE(before.intact()) << before.problem;
    std::atomic<int> turn{0};
    outcomes seen;
    run_together(40, [&] {
        const int mine = turn++;
        const auto& id = mine % 2 == 0 ? first : second;
        try {
            if (mine % 4 == 3) {
                services::get_episode(env_, w_.social_worker, id);
                return;
            }
            // Every fourth writer sends a stale version: a refusal is audited too.
            seen.success(services::send_event(
                env_, w_.police,
                call(episode_event::regrade_risk, id, event_bodies::regrade("high"),
                     mine % 4 == 1 ? std::optional<int>{1} : std::nullopt)));
        } catch (const services::failure& refused) {
            seen.failed(refused);
        } catch (const std::exception& error) {
            seen.other(error.what());
        }
    });
    EXPECT_THAT(seen.unexpected, ::testing::IsEmpty());
    services::sequence_audit(env_);
    const auto after = services::verify_audit(env_);
    EXPECT_TRUE(after.intact()) << after.problem;
    EXPECT_EQ(after.unchained, 0);
    EXPECT_GE(after.entries, before.entries + before.unchained + 40);
    EXPECT_EQ(scalar("select count(*) from audit_log"), after.entries);
    EXPECT_EQ(scalar("select max(seq) from audit_log"), after.entries);
}

// Each serve process runs a sequencer: several passes at once, while writers and readers append,
// chain every entry exactly once, in one line with no fork and no gap.
TEST_F(concurrent_use_cases, sequencer_passes_at_once_beside_writers_chain_every_entry_once) {
    const auto id = episode_in(episode_state::missing);
    services::sequence_audit(env_);
    const auto before = services::verify_audit(env_);
    ASSERT_TRUE(before.intact()) << before.problem;
    const auto written_before = count("audit_events");
    std::atomic<int> turn{0};
    std::atomic<int> writers_left{27};
    outcomes seen;
    run_together(30, [&] {
        const int mine = turn++;
        try {
            if (mine % 10 == 9) {
                // One of three sequencers: passes until the writers are done.
                while (writers_left > 0) {
                    services::sequence_audit(env_);
                }
                return;
            }
            if (mine % 2 == 0) {
                services::get_episode(env_, w_.social_worker, id);
            } else {
                seen.success(services::send_event(
                    env_, w_.police,
                    call(episode_event::regrade_risk, id, event_bodies::regrade("high"))));
            }
        } catch (const services::failure& refused) {
            seen.failed(refused);
        } catch (const std::exception& error) {
            seen.other(error.what());
        }
        --writers_left;
    });
    EXPECT_THAT(seen.unexpected, ::testing::IsEmpty());
    services::sequence_audit(env_);
    const auto after = services::verify_audit(env_);
    EXPECT_TRUE(after.intact()) << after.problem;
    EXPECT_EQ(after.unchained, 0);
    EXPECT_GE(count("audit_events"), written_before + 27);
    EXPECT_EQ(after.entries, count("audit_events"));
    EXPECT_EQ(scalar("select max(seq) from audit_chain"), after.entries);
    EXPECT_EQ(scalar("select count(*) - count(distinct prev_hash) from audit_chain"), 0);
    EXPECT_EQ(scalar("select count(*) from audit_chain c join audit_chain p on p.seq = c.seq - 1 "
                     "where c.prev_hash <> p.hash"),
              0);
}

} // namespace
} // namespace homeward::testing
