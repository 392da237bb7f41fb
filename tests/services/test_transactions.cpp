// Every transition whole, versioned, audited, never lost: refused use cases change nothing,
// conflicting writers commit once per version, a failure half-way leaves nothing behind.

#include "use_case_fixture.hpp"

#include "homeward/services/audit.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <functional>
#include <set>
#include <thread>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using services::failure;
using services::failure_kind;

class use_cases : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        force = make_org("police");
        authority = make_org("local_authority");
        other = make_org("local_authority");
        police = make_user("police", force);
        worker = make_user("social_worker", authority);
        manager = make_user("manager", authority);
        champion = make_user("cse_champion", authority);
        outsider = make_user("social_worker", other);
        child = make_child(worker, authority);
    }

    services::event_call call(const std::string& id, json::object body,
                              std::optional<int> version = std::nullopt) {
        return {id, version, std::move(body), ""};
    }

    json::object returned(const std::string& id) {
        return services::record_return(
            *env_, police,
            call(id,
                 {{"returned_at", at(-1h)}, {"found_location", "Park"}, {"returned_to", "Home"}}));
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

    std::string force, authority, other;
    services::actor police, worker, manager, champion, outsider;
    std::string child;
};

TEST_F(use_cases, each_transition_writes_state_version_history_and_audit_together) {
    const auto id = report(police, child);
    const auto audit_before = std::stoll(query("select count(*) from audit_log"));
    const auto episode = returned(id);
    EXPECT_EQ(episode.at("state"), "returned");
    EXPECT_EQ(episode.at("version"), 2);
    EXPECT_EQ(query("select count(*) from episode_history where episode_id = '" + id + "'"), "2");
    EXPECT_EQ(query("select to_state from episode_history where episode_id = '" + id +
                    "' and version = 2"),
              "returned");
    EXPECT_EQ(std::stoll(query("select count(*) from audit_log")), audit_before + 1);
    EXPECT_EQ(query("select action || ':' || outcome from audit_log order by seq desc limit 1"),
              "episode.return:success");
    EXPECT_EQ(query("select count(*) from clocks where episode_id = '" + id +
                    "' and kind in ('safe_and_well', 'interview_offered', 'interview_held')"),
              "3");
    EXPECT_EQ(query("select count(*) from notifications where episode_id = '" + id +
                    "' and kind = 'child_returned'"),
              "1");
}

TEST_F(use_cases, a_role_that_may_not_send_the_event_changes_nothing) {
    const auto id = report(police, child);
    expect_refused_unchanged(id, failure_kind::forbidden, [&] {
        services::cancel_episode(*env_, worker, call(id, {{"reason", "x"}}));
    });
}

TEST_F(use_cases, an_event_the_state_does_not_allow_changes_nothing) {
    const auto id = report(police, child);
    expect_refused_unchanged(id, failure_kind::state_conflict, [&] {
        services::close_episode(*env_, worker, call(id, {{"summary", "x"}}));
    });
}

TEST_F(use_cases, a_stale_expected_version_changes_nothing) {
    const auto id = report(police, child);
    expect_refused_unchanged(id, failure_kind::stale_version, [&] {
        services::regrade_risk(*env_, police,
                               call(id, {{"risk_level", "high"}, {"reason", "x"}}, 5));
    });
}

TEST_F(use_cases, invalid_fields_change_nothing_and_are_all_named) {
    const auto id = report(police, child);
    expect_refused_unchanged(id, failure_kind::invalid_input, [&] {
        try {
            services::record_return(*env_, police, call(id, {{"returned_at", "soon"}, {"x", 1}}));
        } catch (const failure& refused) {
            std::set<std::string> fields;
            for (const auto& field : refused.fields()) {
                fields.insert(field.field);
            }
            EXPECT_EQ(fields,
                      (std::set<std::string>{"returned_at", "found_location", "returned_to", "x"}));
            throw;
        }
    });
}

TEST_F(use_cases, a_time_before_the_episodes_own_times_changes_nothing) {
    const auto id = report(police, child);
    expect_refused_unchanged(id, failure_kind::invalid_input, [&] {
        services::record_return(
            *env_, police,
            call(id, {{"returned_at", at(-4h)}, {"found_location", "P"}, {"returned_to", "H"}}));
    });
}

TEST_F(use_cases, an_episode_out_of_scope_is_not_found_and_changes_nothing) {
    const auto id = report(police, child);
    expect_refused_unchanged(id, failure_kind::not_found, [&] {
        services::assign_worker(*env_, outsider, call(id, {{"worker_id", outsider.user_id}}));
    });
    expect_refused_unchanged(id, failure_kind::not_found, [&] {
        services::regrade_risk(*env_, police,
                               call("not-an-id", {{"risk_level", "high"}, {"reason", "x"}}));
    });
}

TEST_F(use_cases, closing_with_medium_cse_risk_before_sign_off_changes_nothing) {
    const auto id = report(police, child);
    returned(id);
    services::record_interview(*env_, worker,
                               call(id, {{"conducted_at", at(-10min)},
                                         {"location", "Home"},
                                         {"where_stayed", "Friend"},
                                         {"with_whom", "Friend"},
                                         {"harm_disclosed", false},
                                         {"indicators", json::array{}},
                                         {"cse_risk", "medium"},
                                         {"risk_rationale", "Professional judgement"},
                                         {"child_views", "ok"}}));
    expect_refused_unchanged(id, failure_kind::state_conflict, [&] {
        services::close_episode(*env_, worker, call(id, {{"summary", "x"}}));
    });
    services::sign_off(*env_, champion, call(id, {{"note", "Seen"}}));
    EXPECT_EQ(services::close_episode(*env_, worker, call(id, {{"summary", "x"}})).at("state"),
              "closed");
}

TEST_F(use_cases, a_failure_after_the_state_write_leaves_nothing_behind) {
    const auto id = report(police, child);
    const auto before = snapshot(id);
    const auto audit_before = query("select count(*) from audit_log where entity_id = '" + id +
                                    "' and outcome = 'success'");
    env_->fault_injection = [](std::string_view stage) {
        if (stage == "after_state_write") {
            throw std::runtime_error("injected failure");
        }
    };
    EXPECT_THROW(returned(id), std::runtime_error);
    env_->fault_injection = nullptr;
    EXPECT_EQ(snapshot(id), before);
    EXPECT_EQ(query("select count(*) from audit_log where entity_id = '" + id +
                    "' and outcome = 'success'"),
              audit_before);
    EXPECT_EQ(returned(id).at("version"), 2);
}

TEST_F(use_cases, fifty_conflicting_writers_on_one_version_commit_exactly_once) {
    const auto id = report(police, child);
    std::atomic<int> committed{0};
    std::atomic<int> stale{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i) {
        threads.emplace_back([&, i] {
            try {
                services::regrade_risk(
                    *env_, police,
                    call(id, {{"risk_level", i % 2 == 0 ? "high" : "low"}, {"reason", "race"}}, 1));
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
    EXPECT_EQ(query("select version from episodes where id = '" + id + "'"), "2");
}

TEST_F(use_cases, fifty_concurrent_writers_leave_a_history_without_gaps_or_locks) {
    const auto id = report(police, child);
    std::vector<std::thread> threads;
    std::atomic<int> committed{0};
    for (int i = 0; i < 50; ++i) {
        threads.emplace_back([&, i] {
            services::regrade_risk(
                *env_, police,
                call(id, {{"risk_level", i % 2 == 0 ? "high" : "low"}, {"reason", "race"}}));
            ++committed;
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(committed, 50);
    EXPECT_EQ(query("select version from episodes where id = '" + id + "'"), "51");
    EXPECT_EQ(query("select count(distinct version) || ':' || min(version) || ':' || max(version) "
                    "from episode_history where episode_id = '" +
                    id + "'"),
              "51:1:51");
    EXPECT_EQ(query("select count(*) from pg_locks where not granted"), "0");
    EXPECT_TRUE(services::verify_audit(*env_).intact());
}

TEST_F(use_cases, concurrent_retries_of_one_idempotent_report_make_one_episode) {
    const json::object body{
        {"child_id", child},        {"last_seen_at", at(-2h)}, {"last_seen_location", "Here"},
        {"circumstances", "Gone"},  {"risk_level", "low"},     {"police_reference", "R-1"},
        {"missing_or_away", "away"}};
    std::vector<std::string> ids(20);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        threads.emplace_back([&, i] {
            ids[i] = std::string{
                services::report_episode(*env_, police, body, "retry-key").at("id").as_string()};
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1U);
    EXPECT_EQ(query("select count(*) from episodes where child_id = '" + child + "'"), "1");
}

TEST_F(use_cases, an_idempotency_key_reused_with_another_body_is_refused) {
    json::object body{{"child_id", child},         {"last_seen_at", at(-2h)},
                      {"last_seen_location", "A"}, {"circumstances", "B"},
                      {"risk_level", "low"},       {"police_reference", "C"},
                      {"missing_or_away", "away"}};
    services::report_episode(*env_, police, body, "key-1");
    body["risk_level"] = "high";
    try {
        services::report_episode(*env_, police, body, "key-1");
        ADD_FAILURE() << "a different report was accepted under a used key";
    } catch (const failure& refused) {
        EXPECT_EQ(refused.kind(), failure_kind::idempotency_conflict);
    }
    EXPECT_EQ(query("select count(*) from episodes where child_id = '" + child + "'"), "1");
}

TEST_F(use_cases, a_whole_lifecycle_writes_one_history_row_and_one_audit_entry_per_event) {
    const auto id = report(police, child);
    returned(id);
    services::record_safe_and_well(*env_, police,
                                   call(id, {{"conducted_at", at(-50min)}, {"notes", "Well"}}));
    services::assign_worker(*env_, worker, call(id, {{"worker_id", worker.user_id}}));
    services::offer_interview(
        *env_, worker,
        call(id,
             {{"offered_at", at(-40min)}, {"scheduled_for", at(-20min)}, {"independent", true}}));
    services::record_decline(*env_, worker,
                             call(id, {{"declined_at", at(-15min)}, {"reason", "No"}}));
    const auto raised = services::raise_action(*env_, manager,
                                               call(id, {{"type", "safety_plan"},
                                                         {"description", "Plan"},
                                                         {"owner_id", worker.user_id},
                                                         {"due_at", at(48h)}}));
    services::event_call complete{id,
                                  std::nullopt,
                                  {{"outcome", "Done"}},
                                  std::string{raised.at("action").at("id").as_string()}};
    services::complete_action(*env_, worker, complete);
    const auto closed = services::close_episode(*env_, worker, call(id, {{"summary", "Safe"}}));
    EXPECT_EQ(closed.at("state"), "closed");
    EXPECT_EQ(closed.at("version"), 9);
    EXPECT_EQ(query("select count(*) from episode_history where episode_id = '" + id + "'"), "9");
    EXPECT_EQ(query("select count(*) from audit_log where entity_id = '" + id +
                    "' and outcome = 'success' and action like 'episode.%' and action <> "
                    "'episode.read'"),
              "9");
    EXPECT_EQ(query("select count(*) from clocks where episode_id = '" + id +
                    "' and met_at is null and stopped_at is null"),
              "0");
}

} // namespace
} // namespace homeward::testing
