// Every transition whole, versioned, audited, never lost: refused use cases change nothing,
// conflicting writers commit once per version, a failure half-way leaves nothing behind.

#include "fixture.hpp"

#include "homeward/services/audit.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using services::failure;
using services::failure_kind;
using workflow::episode_event;
using workflow::episode_state;

class transactions : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        child = make_child();
    }

    services::episode_view returned(const std::string& id) {
        return send(w_.police, episode_event::record_return, id,
                    {{"returned_at", at(-1h)}, {"found_location", "Park"}, {"returned_to", "Home"}})
            .episode;
    }

    // The call must fail with `kind` and leave every row as it was.
    void expect_refused_unchanged(const std::string& episode_id, failure_kind kind,
                                  const std::function<void()>& attempt) {
        const auto before = snapshot(episode_id);
        try {
            attempt();
            ADD_FAILURE() << "the use case succeeded";
        } catch (const failure& refused) {
            EXPECT_EQ(refused.kind(), kind) << refused.detail();
        }
        EXPECT_EQ(snapshot(episode_id), before);
    }

    void expect_refused_unchanged(const std::string& episode_id, failure_kind kind,
                                  const services::actor& who, episode_event event,
                                  json::object body,
                                  std::optional<int> expected_version = std::nullopt) {
        expect_refused_unchanged(episode_id, kind, [&] {
            services::send_event(env_, who, call(event, episode_id, body, expected_version));
        });
    }

    std::string child;
};

TEST_F(transactions, each_transition_writes_state_version_history_and_audit_together) {
    const auto id = report(child);
    const auto audit_before = count("audit_log");
    const auto episode = returned(id);
    EXPECT_EQ(episode.episode.state, episode_state::returned);
    EXPECT_EQ(episode.episode.version, 2);
    EXPECT_EQ(history_of(id), 2);
    EXPECT_EQ(text("select to_state from episode_history where episode_id = " + literal(id) +
                   " and version = 2"),
              "returned");
    EXPECT_EQ(count("audit_log"), audit_before + 1);
    EXPECT_EQ(text("select action || ':' || outcome from audit_log order by id desc limit 1"),
              "episode.return:success");
    EXPECT_EQ(count_where("clocks", "episode_id = " + literal(id) +
                                        " and kind in ('safe_and_well', 'interview_offered', "
                                        "'interview_held')"),
              3);
    // One notification for each authority of the child: the responsible and the host.
    EXPECT_EQ(count_where("notifications",
                          "episode_id = " + literal(id) + " and kind = 'child_returned'"),
              2);
}

TEST_F(transactions, a_role_that_may_not_send_the_event_changes_nothing) {
    const auto id = report(child);
    expect_refused_unchanged(id, failure_kind::forbidden, w_.social_worker, episode_event::cancel,
                             {{"reason", "x"}});
}

TEST_F(transactions, an_event_the_state_does_not_allow_changes_nothing) {
    const auto id = report(child);
    expect_refused_unchanged(id, failure_kind::state_conflict, w_.social_worker,
                             episode_event::close, {{"summary", "x"}});
}

TEST_F(transactions, a_stale_expected_version_changes_nothing) {
    const auto id = report(child);
    expect_refused_unchanged(id, failure_kind::stale_version, w_.police,
                             episode_event::regrade_risk, {{"risk_level", "high"}, {"reason", "x"}},
                             5);
}

TEST_F(transactions, invalid_fields_change_nothing_and_are_all_named) {
    const auto id = report(child);
    expect_refused_unchanged(id, failure_kind::invalid_input, [&] {
        try {
            send(w_.police, episode_event::record_return, id, {{"returned_at", "soon"}, {"x", 1}});
        } catch (const failure& refused) {
            const auto named = fields_of(refused);
            EXPECT_EQ(std::set<std::string>(named.begin(), named.end()),
                      (std::set<std::string>{"returned_at", "found_location", "returned_to", "x"}));
            throw;
        }
    });
}

TEST_F(transactions, a_time_before_the_episodes_own_times_changes_nothing) {
    const auto id = report(child);
    expect_refused_unchanged(
        id, failure_kind::invalid_input, w_.police, episode_event::record_return,
        {{"returned_at", at(-4h)}, {"found_location", "P"}, {"returned_to", "H"}});
}

TEST_F(transactions, an_episode_out_of_scope_is_not_found_and_changes_nothing) {
    const auto id = report(child);
    expect_refused_unchanged(id, failure_kind::not_found, w_.other_social_worker,
                             episode_event::assign,
                             {{"worker_id", w_.other_social_worker.user_id}});
    expect_refused_unchanged(id, failure_kind::not_found, [&] {
        send(w_.police, episode_event::regrade_risk, "not-an-id",
             {{"risk_level", "high"}, {"reason", "x"}});
    });
}

TEST_F(transactions, closing_with_medium_cse_risk_before_sign_off_changes_nothing) {
    const auto id = report(child);
    returned(id);
    send(w_.social_worker, episode_event::record_interview, id,
         {{"conducted_at", at(-10min)},
          {"location", "Home"},
          {"where_stayed", "Friend"},
          {"with_whom", "Friend"},
          {"harm_disclosed", false},
          {"indicators", json::array{}},
          {"cse_risk", "medium"},
          {"risk_rationale", "Professional judgement"},
          {"child_views", "ok"}});
    expect_refused_unchanged(id, failure_kind::state_conflict, w_.social_worker,
                             episode_event::close, {{"summary", "x"}});
    send(w_.cse_champion, episode_event::sign_off, id, {{"note", "Seen"}});
    EXPECT_EQ(
        send(w_.social_worker, episode_event::close, id, {{"summary", "x"}}).episode.episode.state,
        episode_state::closed);
}

TEST_F(transactions, a_failure_after_the_state_write_leaves_nothing_behind) {
    const auto id = report(child);
    const auto before = snapshot(id);
    const auto successes = [&] {
        return count_where("audit_log", "entity_id = " + literal(id) + " and outcome = 'success'");
    };
    const auto audit_before = successes();
    env_.fault_injection = [](std::string_view stage) {
        if (stage == "after_state_write") {
            throw std::runtime_error("injected failure");
        }
    };
    EXPECT_THROW(returned(id), std::runtime_error);
    env_.fault_injection = nullptr;
    EXPECT_EQ(snapshot(id), before);
    EXPECT_EQ(successes(), audit_before);
    EXPECT_EQ(returned(id).episode.version, 2);
}

TEST_F(transactions, fifty_conflicting_writers_on_one_version_commit_exactly_once) {
    const auto id = report(child);
    std::atomic<int> committed{0};
    std::atomic<int> stale{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i) {
        threads.emplace_back([&, i] {
            try {
                send(w_.police, episode_event::regrade_risk, id,
                     {{"risk_level", i % 2 == 0 ? "high" : "low"}, {"reason", "race"}}, 1);
                ++committed;
            } catch (const failure& refused) {
                if (refused.kind() == failure_kind::stale_version) {
                    ++stale;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(committed, 1);
    EXPECT_EQ(stale, 49);
    EXPECT_EQ(version_of(id), 2);
}

TEST_F(transactions, fifty_concurrent_writers_leave_a_history_without_gaps_or_locks) {
    const auto id = report(child);
    std::vector<std::thread> threads;
    std::atomic<int> committed{0};
    for (int i = 0; i < 50; ++i) {
        threads.emplace_back([&, i] {
            send(w_.police, episode_event::regrade_risk, id,
                 {{"risk_level", i % 2 == 0 ? "high" : "low"}, {"reason", "race"}});
            ++committed;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(committed, 50);
    EXPECT_EQ(version_of(id), 51);
    EXPECT_EQ(text("select count(distinct version) || ':' || min(version) || ':' || max(version) "
                   "from episode_history where episode_id = " +
                   literal(id)),
              "51:1:51");
    EXPECT_EQ(scalar("select count(*) from pg_locks where not granted"), 0);
    EXPECT_TRUE(services::verify_audit(env_).intact());
}

TEST_F(transactions, concurrent_retries_of_one_idempotent_report_make_one_episode) {
    const json::object body{
        {"child_id", child},        {"last_seen_at", at(-2h)}, {"last_seen_location", "Here"},
        {"circumstances", "Gone"},  {"risk_level", "low"},     {"police_reference", "R-1"},
        {"missing_or_away", "away"}};
    std::vector<std::string> ids(20);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        threads.emplace_back([&, i] {
            ids[i] = services::report_episode(env_, w_.police, body, "retry-key").episode.id;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1U);
    EXPECT_EQ(count_where("episodes", "child_id = " + literal(child)), 1);
}

TEST_F(transactions, an_idempotency_key_reused_with_another_body_is_refused) {
    json::object body{{"child_id", child},         {"last_seen_at", at(-2h)},
                      {"last_seen_location", "A"}, {"circumstances", "B"},
                      {"risk_level", "low"},       {"police_reference", "C"},
                      {"missing_or_away", "away"}};
    services::report_episode(env_, w_.police, body, "key-1");
    body["risk_level"] = "high";
    try {
        services::report_episode(env_, w_.police, body, "key-1");
        ADD_FAILURE() << "a different report was accepted under a used key";
    } catch (const failure& refused) {
        EXPECT_EQ(refused.kind(), failure_kind::idempotency_conflict);
    }
    EXPECT_EQ(count_where("episodes", "child_id = " + literal(child)), 1);
}

TEST_F(transactions, a_whole_lifecycle_writes_one_history_row_and_one_audit_entry_per_event) {
    const auto id = report(child);
    returned(id);
    const auto& worker = w_.social_worker;
    send(w_.police, episode_event::safe_and_well, id,
         {{"conducted_at", at(-50min)}, {"notes", "Well"}});
    send(worker, episode_event::assign, id, {{"worker_id", worker.user_id}});
    send(worker, episode_event::offer_interview, id,
         {{"offered_at", at(-40min)}, {"scheduled_for", at(-20min)}, {"independent", true}});
    send(worker, episode_event::record_decline, id,
         {{"declined_at", at(-15min)}, {"reason", "No"}});
    const auto raised = send(w_.manager, episode_event::raise_action, id,
                             {{"type", "safety_plan"},
                              {"description", "Plan"},
                              {"owner_id", worker.user_id},
                              {"due_at", at(48h)}});
    ASSERT_TRUE(raised.created_action.has_value());
    services::send_event(env_, worker,
                         completion(id, raised.created_action->id, {{"outcome", "Done"}}));
    const auto closed = send(worker, episode_event::close, id, {{"summary", "Safe"}});
    EXPECT_EQ(closed.episode.episode.state, episode_state::closed);
    EXPECT_EQ(closed.episode.episode.version, 9);
    EXPECT_EQ(history_of(id), 9);
    EXPECT_EQ(count_where("audit_log", "entity_id = " + literal(id) +
                                           " and outcome = 'success' and action like 'episode.%' "
                                           "and action <> 'episode.read'"),
              9);
    EXPECT_EQ(count_where("clocks", "episode_id = " + literal(id) +
                                        " and met_at is null and stopped_at is null"),
              0);
}

} // namespace
} // namespace homeward::testing
