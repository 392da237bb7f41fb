// The episode use cases: every event moves the state, the version, the history and the audit
// trail together; every refusal leaves the case exactly as it was.

#include "fixture.hpp"

#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <stdexcept>

namespace homeward::services_testing {
namespace {

using namespace std::chrono_literals;
using services::failure_kind;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using workflow::episode_state;
namespace json = boost::json;

class episode_use_cases : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        w_ = make_world();
    }

    // Runs a use case that must move the episode to `to_state`: the next version, one more
    // history row naming the event, and an audit entry for the episode.
    json::object expect_transition(const std::string& id, std::string_view event,
                                   std::string_view to_state,
                                   const std::function<json::object()>& use_case) {
        const int version = version_of(id);
        const auto history = history_of(id);
        const auto audit = count("audit_log");
        const auto audited = count_where("audit_log", "entity_id = " + quoted(id));
        json::object episode = use_case();
        EXPECT_EQ(episode.at("id").as_string(), id);
        EXPECT_EQ(episode.at("state").as_string(), to_state);
        EXPECT_EQ(episode.at("version").as_int64(), version + 1);
        EXPECT_EQ(state_of(id), to_state);
        EXPECT_EQ(version_of(id), version + 1);
        EXPECT_EQ(history_of(id), history + 1);
        EXPECT_EQ(text("select event || ' ' || to_state || ' ' || version from episode_history "
                       "where episode_id::text = " +
                       quoted(id) + " order by version desc limit 1"),
                  std::string{event} + " " + std::string{to_state} + " " +
                      std::to_string(version + 1));
        EXPECT_GE(count("audit_log"), audit + 1);
        EXPECT_GE(count_where("audit_log", "entity_id = " + quoted(id)), audited + 1);
        return episode;
    }

    // Runs a use case that must be refused with `kind` and leave the case as it was.
    services::failure expect_refused(const std::string& id, failure_kind kind,
                                     const std::function<void()>& use_case) {
        const auto before = snapshot(id);
        const auto refused = failure_of(use_case);
        EXPECT_EQ(to_string(refused.kind()), to_string(kind)) << refused.detail();
        EXPECT_EQ(snapshot(id), before);
        return refused;
    }

    long long notifications_of(const std::string& id, std::string_view kind) {
        return count_where("notifications",
                           "episode_id::text = " + quoted(id) + " and kind = " + quoted(kind));
    }

    std::vector<std::string> notified_organisations(const std::string& id, std::string_view kind) {
        const auto list = text("select string_agg(organisation_id::text, ',' order by "
                               "organisation_id::text) from notifications where episode_id::text "
                               "= " +
                               quoted(id) + " and kind = " + quoted(kind));
        std::vector<std::string> ids;
        std::size_t start = 0;
        while (start < list.size()) {
            const auto comma = list.find(',', start);
            ids.push_back(list.substr(start, comma - start));
            start = comma == std::string::npos ? list.size() : comma + 1;
        }
        return ids;
    }

    json::object deadline(const json::object& episode, std::string_view kind) {
        for (const auto& item : episode.at("deadlines").as_array()) {
            if (item.as_object().at("kind").as_string() == kind) {
                return item.as_object();
            }
        }
        ADD_FAILURE() << "no deadline of kind " << kind << " in " << json::serialize(episode);
        return {};
    }

    world w_;
};

// ---- the report
// ----------------------------------------------------------------------------------

TEST_F(episode_use_cases,
       a_report_creates_a_missing_episode_at_version_one_with_history_audit_and_notifications) {
    const auto child = make_child(w_);
    const auto episodes = count("episodes");
    const auto audit = count("audit_log");
    const auto outbox = count("outbox");
    const auto report = report_body(child);

    const auto episode = services::report_episode(env_, w_.police, report, {});

    const std::string id{episode.at("id").as_string()};
    EXPECT_EQ(episode.at("state").as_string(), "missing");
    EXPECT_EQ(episode.at("version").as_int64(), 1);
    EXPECT_EQ(episode.at("child_id").as_string(), child);
    EXPECT_EQ(episode.at("reported_at").as_string(), at());
    EXPECT_EQ(episode.at("last_seen_at").as_string(), report.at("last_seen_at").as_string());
    EXPECT_EQ(episode.at("risk_level").as_string(), "medium");
    EXPECT_EQ(count("episodes"), episodes + 1);
    EXPECT_EQ(history_of(id), 1);
    EXPECT_EQ(text("select coalesce(from_state, '-') || ' ' || event || ' ' || to_state from "
                   "episode_history where episode_id::text = " +
                   quoted(id)),
              "- report missing");
    EXPECT_GE(count("audit_log"), audit + 1);
    EXPECT_GE(count_where("audit_log", "entity_id = " + quoted(id) + " and outcome = 'success'"),
              1);
    EXPECT_EQ(notifications_of(id, "episode_reported"), 2);
    EXPECT_THAT(notified_organisations(id, "episode_reported"),
                ::testing::UnorderedElementsAre(w_.authority.id, w_.host.id));
    EXPECT_EQ(count("outbox"), outbox + 2); // both authorities take webhooks
}

TEST_F(episode_use_cases, a_report_with_invalid_fields_names_every_one_and_creates_nothing) {
    const auto episodes = count("episodes");
    const auto refused = failure_of([&] {
        services::report_episode(env_, w_.police,
                                 body(R"({"child_id": "00000000-0000-0000-0000-000000000000",
                                          "risk_level": "extreme", "missing_or_away": "gone"})"),
                                 {});
    });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input") << refused.detail();
    EXPECT_THAT(fields_of(refused),
                IsSupersetOf({"child_id", "last_seen_at", "last_seen_location", "circumstances",
                              "risk_level", "police_reference", "missing_or_away"}));
    EXPECT_EQ(count("episodes"), episodes);
}

TEST_F(episode_use_cases, a_report_last_seen_in_the_future_is_refused_naming_last_seen_at) {
    auto report = report_body(make_child(w_));
    report["last_seen_at"] = at(1h);
    const auto episodes = count("episodes");
    const auto refused = failure_of([&] { services::report_episode(env_, w_.police, report, {}); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input") << refused.detail();
    EXPECT_THAT(fields_of(refused), Contains("last_seen_at"));
    EXPECT_EQ(count("episodes"), episodes);
}

TEST_F(episode_use_cases, only_police_report_an_episode) {
    const auto child = make_child(w_);
    const auto episodes = count("episodes");
    for (const auto& who : {w_.social_worker, w_.manager, w_.cse_champion, w_.admin}) {
        const auto refused =
            failure_of([&] { services::report_episode(env_, who, report_body(child), {}); });
        EXPECT_EQ(to_string(refused.kind()), "forbidden") << who.username;
    }
    EXPECT_EQ(count("episodes"), episodes);
}

TEST_F(episode_use_cases,
       a_report_retried_with_the_same_idempotency_key_returns_the_first_episode) {
    const auto child = make_child(w_);
    const auto report = report_body(child);
    const auto first = services::report_episode(env_, w_.police, report, "retry-key-1");
    const auto notifications = count("notifications");
    const auto again = services::report_episode(env_, w_.police, report, "retry-key-1");
    EXPECT_EQ(again.at("id"), first.at("id"));
    EXPECT_EQ(again.at("version").as_int64(), 1);
    EXPECT_EQ(count_where("episodes", "child_id::text = " + quoted(child)), 1);
    EXPECT_EQ(count("notifications"), notifications);
}

TEST_F(episode_use_cases, an_idempotency_key_reused_with_another_body_is_refused) {
    const auto child = make_child(w_);
    auto report = report_body(child);
    const auto first = services::report_episode(env_, w_.police, report, "retry-key-2");
    report["risk_level"] = "high";
    const std::string id{first.at("id").as_string()};
    expect_refused(id, failure_kind::idempotency_conflict,
                   [&] { services::report_episode(env_, w_.police, report, "retry-key-2"); });
    EXPECT_EQ(count_where("episodes", "child_id::text = " + quoted(child)), 1);
}

TEST_F(episode_use_cases, the_same_idempotency_key_from_another_officer_is_another_report) {
    const auto child = make_child(w_);
    const auto colleague = make_user(workflow::role::police, w_.force.id);
    const auto report = report_body(child);
    const auto first = services::report_episode(env_, w_.police, report, "shared-key");
    const auto second = services::report_episode(env_, colleague, report, "shared-key");
    EXPECT_NE(first.at("id"), second.at("id"));
    EXPECT_EQ(count_where("episodes", "child_id::text = " + quoted(child)), 2);
}

// ---- every event, in its state
// --------------------------------------------------------------------

TEST_F(episode_use_cases, regrading_the_risk_keeps_the_episode_missing_at_the_next_version) {
    const auto id = episode_in(w_, episode_state::missing);
    const auto episode = expect_transition(id, "risk", "missing", [&] {
        return services::regrade_risk(env_, w_.police, call(id, regrade_body("high")));
    });
    EXPECT_EQ(episode.at("risk_level").as_string(), "high");
}

TEST_F(episode_use_cases, recording_the_return_moves_to_returned_and_tells_both_authorities) {
    const auto id = episode_in(w_, episode_state::missing);
    advance(3h);
    const auto outbox = count("outbox");
    const auto episode = expect_transition(id, "return", "returned", [&] {
        return services::record_return(env_, w_.police, call(id, return_body()));
    });
    EXPECT_EQ(episode.at("returned_at").as_string(), at());
    EXPECT_EQ(episode.at("found_location").as_string(), "Leeds railway station");
    EXPECT_EQ(notifications_of(id, "child_returned"), 2);
    EXPECT_THAT(notified_organisations(id, "child_returned"),
                ::testing::UnorderedElementsAre(w_.authority.id, w_.host.id));
    EXPECT_EQ(count("outbox"), outbox + 2);
}

TEST_F(episode_use_cases, police_record_the_safe_and_well_check_after_the_return) {
    const auto id = episode_in(w_, episode_state::returned);
    advance(2h);
    const auto episode = expect_transition(id, "safe-and-well", "returned", [&] {
        return services::record_safe_and_well(env_, w_.police, call(id, safe_and_well_body()));
    });
    ASSERT_TRUE(episode.at("safe_and_well").is_object());
    EXPECT_EQ(episode.at("safe_and_well").as_object().at("conducted_at").as_string(), at());
    EXPECT_FALSE(deadline(episode, "safe_and_well").at("met_at").is_null());
}

TEST_F(episode_use_cases, a_manager_assigns_the_episode_to_a_social_worker_of_the_authority) {
    const auto id = episode_in(w_, episode_state::returned);
    const auto episode = expect_transition(id, "assign", "returned", [&] {
        return services::assign_worker(env_, w_.manager,
                                       call(id, assign_body(w_.social_worker.user_id)));
    });
    EXPECT_EQ(episode.at("assigned_worker_id").as_string(), w_.social_worker.user_id);
}

TEST_F(episode_use_cases, a_social_worker_takes_an_episode_for_themselves) {
    const auto id = episode_in(w_, episode_state::missing);
    const auto episode = expect_transition(id, "assign", "missing", [&] {
        return services::assign_worker(env_, w_.social_worker,
                                       call(id, assign_body(w_.social_worker.user_id)));
    });
    EXPECT_EQ(episode.at("assigned_worker_id").as_string(), w_.social_worker.user_id);
}

TEST_F(episode_use_cases, offering_the_interview_moves_to_interview_offered) {
    const auto id = episode_in(w_, episode_state::returned);
    advance(1h);
    const auto episode = expect_transition(id, "interview-offer", "interview_offered", [&] {
        return services::offer_interview(env_, w_.social_worker, call(id, offer_body()));
    });
    ASSERT_TRUE(episode.at("interview_offer").is_object());
    EXPECT_EQ(episode.at("interview_offer").as_object().at("scheduled_for").as_string(), at(24h));
    EXPECT_FALSE(deadline(episode, "interview_offered").at("met_at").is_null());
}

TEST_F(episode_use_cases, recording_the_interview_after_the_offer_moves_to_interviewed) {
    const auto id = episode_in(w_, episode_state::interview_offered);
    advance(20h);
    const auto episode = expect_transition(id, "interview", "interviewed", [&] {
        return services::record_interview(env_, w_.manager, call(id, interview_body("low")));
    });
    ASSERT_TRUE(episode.at("interview").is_object());
    EXPECT_EQ(episode.at("interview").as_object().at("outcome").as_string(), "held");
    EXPECT_EQ(episode.at("interview").as_object().at("cse_risk").as_string(), "low");
    EXPECT_EQ(count_where("interviews", "episode_id::text = " + quoted(id)), 1);
}

TEST_F(episode_use_cases, an_interview_may_be_recorded_without_a_prior_offer) {
    const auto id = episode_in(w_, episode_state::returned);
    advance(5h);
    expect_transition(id, "interview", "interviewed", [&] {
        return services::record_interview(env_, w_.social_worker, call(id, interview_body()));
    });
}

TEST_F(episode_use_cases, the_childs_refusal_moves_to_interviewed_with_its_reason) {
    const auto id = episode_in(w_, episode_state::interview_offered);
    advance(3h);
    const auto episode = expect_transition(id, "interview-declined", "interviewed", [&] {
        return services::record_decline(env_, w_.social_worker, call(id, decline_body()));
    });
    const auto& interview = episode.at("interview").as_object();
    EXPECT_EQ(interview.at("outcome").as_string(), "declined");
    EXPECT_EQ(interview.at("declined_reason").as_string(), "Did not want to talk to anyone");
}

TEST_F(episode_use_cases,
       a_further_offer_after_the_childs_refusal_moves_back_to_interview_offered) {
    const auto id = episode_in(w_, episode_state::returned);
    advance(1h);
    services::record_decline(env_, w_.social_worker, call(id, decline_body()));
    advance(24h);
    expect_transition(id, "interview-offer", "interview_offered", [&] {
        return services::offer_interview(env_, w_.social_worker, call(id, offer_body()));
    });
}

TEST_F(episode_use_cases, raising_an_action_moves_to_follow_up_and_answers_the_action) {
    const auto id = episode_in(w_, episode_state::interviewed);
    const auto actions = count_where("actions", "episode_id::text = " + quoted(id));
    json::object action;
    expect_transition(id, "actions", "follow_up", [&] {
        auto answer = services::raise_action(
            env_, w_.social_worker, call(id, action_body(w_.second_social_worker.user_id)));
        action = answer.at("action").as_object();
        return answer.at("episode").as_object();
    });
    EXPECT_EQ(action.at("status").as_string(), "open");
    EXPECT_EQ(action.at("owner_id").as_string(), w_.second_social_worker.user_id);
    EXPECT_EQ(action.at("due_at").as_string(), at(7 * 24h));
    EXPECT_EQ(count_where("actions", "episode_id::text = " + quoted(id)), actions + 1);
    EXPECT_EQ(count_where("clocks", "episode_id::text = " + quoted(id) +
                                        " and kind = 'follow_up_action' and subject = " +
                                        quoted(action.at("id").as_string())),
              1);
}

TEST_F(episode_use_cases, the_owner_completes_an_action_and_the_episode_stays_in_follow_up) {
    const auto id = episode_in(w_, episode_state::follow_up);
    const auto action_id =
        text("select id::text from actions where episode_id::text = " + quoted(id));
    advance(24h);
    auto completion = call(id, complete_body());
    completion.action_id = action_id;
    const auto episode = expect_transition(id, "action-complete", "follow_up", [&] {
        return services::complete_action(env_, w_.social_worker, completion);
    });
    const auto& listed = episode.at("actions").as_array();
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].as_object().at("status").as_string(), "done");
    EXPECT_EQ(listed[0].as_object().at("completed_at").as_string(), at());
}

TEST_F(episode_use_cases, the_champion_signs_off_an_episode_whose_cse_risk_is_medium) {
    const auto id = episode_in(w_, episode_state::interviewed, "medium");
    const auto episode = expect_transition(id, "sign-off", "interviewed", [&] {
        return services::sign_off(env_, w_.cse_champion, call(id, sign_off_body()));
    });
    ASSERT_TRUE(episode.at("sign_off").is_object());
    EXPECT_EQ(episode.at("sign_off").as_object().at("by").as_string(), w_.cse_champion.user_id);
}

TEST_F(episode_use_cases, closing_an_interviewed_episode_moves_to_closed) {
    const auto id = episode_in(w_, episode_state::interviewed);
    advance(1h);
    const auto episode = expect_transition(id, "close", "closed", [&] {
        return services::close_episode(env_, w_.social_worker, call(id, close_body()));
    });
    EXPECT_EQ(episode.at("closed_at").as_string(), at());
}

TEST_F(episode_use_cases, follow_up_closes_once_every_action_is_done) {
    const auto id = episode_in(w_, episode_state::follow_up);
    auto completion = call(id, complete_body());
    completion.action_id =
        text("select id::text from actions where episode_id::text = " + quoted(id));
    services::complete_action(env_, w_.manager, completion);
    expect_transition(id, "close", "closed", [&] {
        return services::close_episode(env_, w_.manager, call(id, close_body()));
    });
}

TEST_F(episode_use_cases, police_cancel_a_report_made_in_error_while_missing) {
    const auto id = episode_in(w_, episode_state::missing);
    const auto episode = expect_transition(id, "cancel", "cancelled", [&] {
        return services::cancel_episode(env_, w_.police, call(id, cancel_body()));
    });
    EXPECT_EQ(episode.at("cancel_reason").as_string(), "Reported in error: she was at her aunt's");
}

TEST_F(episode_use_cases, a_manager_reopens_a_closed_episode_into_follow_up) {
    const auto id = episode_in(w_, episode_state::closed);
    advance(48h);
    const auto episode = expect_transition(id, "reopen", "follow_up", [&] {
        return services::reopen_episode(env_, w_.manager, call(id, reopen_body()));
    });
    EXPECT_EQ(episode.at("reopen_reason").as_string(), "A new disclosure at school");
}

TEST_F(episode_use_cases, the_history_lists_every_transition_oldest_first) {
    const auto id = episode_in(w_, episode_state::closed);
    const auto history = services::episode_history(env_, w_.manager, id);
    std::vector<std::string> steps;
    for (const auto& entry : history) {
        const auto& row = entry.as_object();
        steps.push_back(std::string{row.at("event").as_string()} + ":" +
                        (row.at("from_state").is_null()
                             ? std::string{"-"}
                             : std::string{row.at("from_state").as_string()}) +
                        ">" + std::string{row.at("to_state").as_string()});
    }
    EXPECT_THAT(steps, ElementsAre("report:->missing", "return:missing>returned",
                                   "interview:returned>interviewed", "close:interviewed>closed"));
    EXPECT_EQ(history.at(0).as_object().at("role").as_string(), "police");
}

// ---- refusals change nothing
// ------------------------------------------------------------------------

TEST_F(episode_use_cases, a_social_worker_may_not_record_the_return_and_nothing_changes) {
    const auto id = episode_in(w_, episode_state::missing);
    advance(1h);
    expect_refused(id, failure_kind::forbidden, [&] {
        services::record_return(env_, w_.social_worker, call(id, return_body()));
    });
}

TEST_F(episode_use_cases, roles_outside_an_events_list_are_forbidden_and_change_nothing) {
    const auto returned = episode_in(w_, episode_state::returned);
    expect_refused(returned, failure_kind::forbidden, [&] {
        services::offer_interview(env_, w_.police, call(returned, offer_body()));
    });
    expect_refused(returned, failure_kind::forbidden,
                   [&] { services::regrade_risk(env_, w_.admin, call(returned, regrade_body())); });
    const auto interviewed = episode_in(w_, episode_state::interviewed, "high");
    expect_refused(interviewed, failure_kind::forbidden, [&] {
        services::close_episode(env_, w_.cse_champion, call(interviewed, close_body()));
    });
    expect_refused(interviewed, failure_kind::forbidden, [&] {
        services::sign_off(env_, w_.manager, call(interviewed, sign_off_body()));
    });
    const auto closed = episode_in(w_, episode_state::closed);
    expect_refused(closed, failure_kind::forbidden, [&] {
        services::reopen_episode(env_, w_.social_worker, call(closed, reopen_body()));
    });
}

TEST_F(episode_use_cases,
       an_event_the_state_does_not_allow_is_a_conflict_naming_the_state_and_allowed_events) {
    const auto id = episode_in(w_, episode_state::returned);
    const auto refused = expect_refused(id, failure_kind::state_conflict, [&] {
        services::record_return(env_, w_.police, call(id, return_body()));
    });
    EXPECT_THAT(refused.detail(), HasSubstr("returned"));
    EXPECT_THAT(refused.detail(), HasSubstr("safe-and-well"));
    EXPECT_THAT(refused.allowed_events(), Contains("safe-and-well"));
    EXPECT_THAT(refused.allowed_events(), ::testing::Not(Contains("return")));
}

TEST_F(episode_use_cases, an_interview_offer_while_missing_is_a_conflict_naming_missing) {
    const auto id = episode_in(w_, episode_state::missing);
    const auto refused = expect_refused(id, failure_kind::state_conflict, [&] {
        services::offer_interview(env_, w_.social_worker, call(id, offer_body()));
    });
    EXPECT_THAT(refused.detail(), HasSubstr("missing"));
    EXPECT_THAT(refused.allowed_events(), ElementsAre("assign"));
}

TEST_F(episode_use_cases, a_report_cannot_be_cancelled_after_the_return) {
    const auto id = episode_in(w_, episode_state::returned);
    const auto refused = expect_refused(id, failure_kind::state_conflict, [&] {
        services::cancel_episode(env_, w_.police, call(id, cancel_body()));
    });
    EXPECT_THAT(refused.detail(), HasSubstr("returned"));
}

TEST_F(episode_use_cases, a_cancelled_episode_takes_no_further_event) {
    const auto id = episode_in(w_, episode_state::cancelled);
    advance(1h);
    const auto refused = expect_refused(id, failure_kind::state_conflict, [&] {
        services::record_return(env_, w_.police, call(id, return_body()));
    });
    EXPECT_THAT(refused.detail(), HasSubstr("cancelled"));
    EXPECT_TRUE(refused.allowed_events().empty());
}

TEST_F(episode_use_cases, an_episode_with_open_actions_cannot_be_closed) {
    const auto id = episode_in(w_, episode_state::follow_up);
    const auto refused = expect_refused(id, failure_kind::state_conflict, [&] {
        services::close_episode(env_, w_.social_worker, call(id, close_body()));
    });
    EXPECT_THAT(refused.detail(), HasSubstr("follow_up"));
}

TEST_F(episode_use_cases, the_safe_and_well_check_cannot_be_recorded_twice) {
    const auto id = episode_in(w_, episode_state::returned);
    services::record_safe_and_well(env_, w_.police, call(id, safe_and_well_body()));
    advance(1h);
    expect_refused(id, failure_kind::state_conflict, [&] {
        services::record_safe_and_well(env_, w_.police, call(id, safe_and_well_body()));
    });
}

TEST_F(episode_use_cases, a_sign_off_is_refused_when_the_cse_risk_does_not_need_one) {
    const auto id = episode_in(w_, episode_state::interviewed, "low");
    expect_refused(id, failure_kind::state_conflict,
                   [&] { services::sign_off(env_, w_.cse_champion, call(id, sign_off_body())); });
}

TEST_F(episode_use_cases, closing_with_medium_cse_risk_needs_the_champions_sign_off_first) {
    const auto id = episode_in(w_, episode_state::interviewed, "medium");
    const auto refused = expect_refused(id, failure_kind::state_conflict, [&] {
        services::close_episode(env_, w_.social_worker, call(id, close_body()));
    });
    EXPECT_THAT(refused.allowed_events(), ::testing::Not(Contains("close")));
    services::sign_off(env_, w_.cse_champion, call(id, sign_off_body()));
    expect_transition(id, "close", "closed", [&] {
        return services::close_episode(env_, w_.social_worker, call(id, close_body()));
    });
}

TEST_F(episode_use_cases, an_interview_with_high_cse_risk_tells_the_champion) {
    const auto id = episode_in(w_, episode_state::interviewed, "high");
    EXPECT_EQ(count_where("notifications", "episode_id::text = " + quoted(id) +
                                               " and kind = 'cse_risk_raised' and "
                                               "organisation_id::text = " +
                                               quoted(w_.authority.id)),
              1);
}

TEST_F(episode_use_cases, a_stale_expected_version_is_refused_and_changes_nothing) {
    const auto id = episode_in(w_, episode_state::missing);
    services::regrade_risk(env_, w_.police, call(id, regrade_body("low"), 1));
    expect_refused(id, failure_kind::stale_version, [&] {
        services::regrade_risk(env_, w_.police, call(id, regrade_body("high"), 1));
    });
    expect_refused(id, failure_kind::stale_version, [&] {
        services::regrade_risk(env_, w_.police, call(id, regrade_body("high"), 7));
    });
}

TEST_F(episode_use_cases, the_current_expected_version_is_accepted) {
    const auto id = episode_in(w_, episode_state::returned);
    const int version = version_of(id);
    advance(1h);
    expect_transition(id, "interview-offer", "interview_offered", [&] {
        return services::offer_interview(env_, w_.social_worker, call(id, offer_body(), version));
    });
}

TEST_F(episode_use_cases, an_invalid_return_names_every_field_at_fault_and_changes_nothing) {
    const auto id = episode_in(w_, episode_state::missing);
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::record_return(env_, w_.police, call(id, body(R"({"found_by": 7})")));
    });
    EXPECT_THAT(fields_of(refused),
                IsSupersetOf({"returned_at", "found_location", "returned_to", "found_by"}));
}

TEST_F(episode_use_cases, an_invalid_interview_names_every_field_at_fault_and_changes_nothing) {
    const auto id = episode_in(w_, episode_state::returned);
    auto interview = interview_body();
    interview["cse_risk"] = "severe";
    interview["indicators"] = json::array{"no_such_indicator"};
    interview.erase("harm_disclosed");
    interview.erase("location");
    interview["mood"] = "quiet";
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::record_interview(env_, w_.social_worker, call(id, interview));
    });
    EXPECT_THAT(fields_of(refused),
                IsSupersetOf({"cse_risk", "indicators", "harm_disclosed", "location", "mood"}));
}

TEST_F(episode_use_cases, a_cse_risk_below_the_indicators_suggestion_needs_a_rationale) {
    const auto id = episode_in(w_, episode_state::returned);
    auto interview = interview_body("none");
    interview["indicators"] =
        json::array{"going_missing_repeatedly", "unexplained_money_gifts_or_phones",
                    "older_boyfriend_or_girlfriend"};
    interview.erase("risk_rationale");
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::record_interview(env_, w_.social_worker, call(id, interview));
    });
    EXPECT_THAT(fields_of(refused), Contains("risk_rationale"));
}

TEST_F(episode_use_cases, a_return_recorded_before_last_seen_is_refused_and_changes_nothing) {
    const auto id = episode_in(w_, episode_state::missing); // last seen 2 hours before the report
    advance(1h);
    auto early = return_body();
    early["returned_at"] = at(-4h);
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::record_return(env_, w_.police, call(id, early));
    });
    EXPECT_THAT(fields_of(refused), Contains("returned_at"));
}

TEST_F(episode_use_cases, a_return_in_the_future_is_refused_and_changes_nothing) {
    const auto id = episode_in(w_, episode_state::missing);
    auto later = return_body();
    later["returned_at"] = at(2h);
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::record_return(env_, w_.police, call(id, later));
    });
    EXPECT_THAT(fields_of(refused), Contains("returned_at"));
}

TEST_F(episode_use_cases, an_interview_before_the_return_is_refused_and_changes_nothing) {
    const auto id = episode_in(w_, episode_state::returned); // returned at the current time
    advance(2h);
    auto early = interview_body();
    early["conducted_at"] = at(-3h);
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::record_interview(env_, w_.social_worker, call(id, early));
    });
    EXPECT_THAT(fields_of(refused), Contains("conducted_at"));
}

TEST_F(episode_use_cases, an_interview_scheduled_before_its_offer_is_refused) {
    const auto id = episode_in(w_, episode_state::returned);
    auto offer = offer_body();
    offer["scheduled_for"] = at(-1h);
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::offer_interview(env_, w_.social_worker, call(id, offer));
    });
    EXPECT_THAT(fields_of(refused), Contains("scheduled_for"));
}

TEST_F(episode_use_cases, a_social_worker_may_assign_only_themselves) {
    const auto id = episode_in(w_, episode_state::returned);
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::assign_worker(env_, w_.social_worker,
                                call(id, assign_body(w_.second_social_worker.user_id)));
    });
    EXPECT_THAT(fields_of(refused), Contains("worker_id"));
}

TEST_F(episode_use_cases, a_worker_of_another_authority_cannot_be_assigned) {
    const auto id = episode_in(w_, episode_state::returned);
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::assign_worker(env_, w_.manager,
                                call(id, assign_body(w_.other_social_worker.user_id)));
    });
    EXPECT_THAT(fields_of(refused), Contains("worker_id"));
}

TEST_F(episode_use_cases, a_social_worker_may_not_complete_an_action_someone_else_owns) {
    const auto id = episode_in(w_, episode_state::follow_up); // owned by w_.social_worker
    auto completion = call(id, complete_body());
    completion.action_id =
        text("select id::text from actions where episode_id::text = " + quoted(id));
    const auto before = snapshot(id);
    const auto refused =
        failure_of([&] { services::complete_action(env_, w_.second_social_worker, completion); });
    EXPECT_THAT(to_string(refused.kind()), AnyOf("forbidden", "state_conflict"))
        << refused.detail();
    EXPECT_EQ(snapshot(id), before);
}

TEST_F(episode_use_cases, an_action_of_another_episode_is_not_found) {
    const auto id = episode_in(w_, episode_state::follow_up);
    const auto elsewhere = episode_in(w_, episode_state::follow_up);
    auto completion = call(id, complete_body());
    completion.action_id =
        text("select id::text from actions where episode_id::text = " + quoted(elsewhere));
    expect_refused(id, failure_kind::not_found,
                   [&] { services::complete_action(env_, w_.manager, completion); });
    completion.action_id = "not-an-action";
    expect_refused(id, failure_kind::not_found,
                   [&] { services::complete_action(env_, w_.manager, completion); });
}

TEST_F(episode_use_cases, an_episode_outside_the_callers_scope_is_not_found_and_changes_nothing) {
    const auto id = episode_in(w_, episode_state::missing);
    expect_refused(id, failure_kind::not_found, [&] {
        services::regrade_risk(env_, w_.other_police, call(id, regrade_body()));
    });
    expect_refused(id, failure_kind::not_found, [&] {
        services::assign_worker(env_, w_.other_manager,
                                call(id, assign_body(w_.other_manager.user_id)));
    });
    expect_refused(id, failure_kind::not_found,
                   [&] { services::get_episode(env_, w_.other_social_worker, id); });
}

TEST_F(episode_use_cases, an_id_that_names_no_episode_is_not_found_and_changes_nothing) {
    const auto id = episode_in(w_, episode_state::missing);
    const std::vector<std::string> bad_ids{"not-an-id",
                                           "",
                                           "'; delete from episodes; --",
                                           "00000000-0000-0000-0000-000000000000",
                                           id + "0",
                                           id.substr(0, 35)};
    for (const auto& bad : bad_ids) {
        expect_refused(id, failure_kind::not_found,
                       [&] { services::regrade_risk(env_, w_.police, call(bad, regrade_body())); });
        expect_refused(id, failure_kind::not_found,
                       [&] { services::get_episode(env_, w_.police, bad); });
    }
}

// ---- reading an episode
// --------------------------------------------------------------------------

TEST_F(episode_use_cases, police_read_the_interview_outcome_but_not_the_childs_account) {
    const auto id = episode_in(w_, episode_state::interviewed, "medium");
    const auto episode = services::get_episode(env_, w_.police, id);
    ASSERT_TRUE(episode.at("interview").is_object());
    const auto& interview = episode.at("interview").as_object();
    for (const auto* hidden : {"where_stayed", "with_whom", "push_factors", "pull_factors",
                               "harm_details", "child_views"}) {
        EXPECT_FALSE(interview.contains(hidden)) << hidden;
    }
    EXPECT_EQ(interview.at("cse_risk").as_string(), "medium");
    EXPECT_EQ(interview.at("police_intelligence").as_string(),
              "Flat above the takeaway on Kirk Street");
}

TEST_F(episode_use_cases, social_workers_of_both_authorities_read_the_childs_account) {
    const auto id = episode_in(w_, episode_state::interviewed, "medium");
    for (const auto& who : {w_.social_worker, w_.host_social_worker, w_.cse_champion}) {
        const auto episode = services::get_episode(env_, who, id);
        const auto& interview = episode.at("interview").as_object();
        EXPECT_EQ(interview.at("where_stayed").as_string(),
                  "A flat above the takeaway on Kirk Street")
            << who.username;
        EXPECT_EQ(interview.at("with_whom").as_string(), "Two older men she met online");
        EXPECT_EQ(interview.at("child_views").as_string(), "Wants to stay at the placement");
        EXPECT_EQ(interview.at("harm_details").as_string(), "Was given alcohol");
        EXPECT_EQ(interview.at("push_factors").as_array().size(), 1U);
        EXPECT_EQ(interview.at("pull_factors").as_array().size(), 2U);
    }
}

TEST_F(episode_use_cases, an_admin_may_not_read_an_episode) {
    const auto id = episode_in(w_, episode_state::missing);
    const auto refused = failure_of([&] { services::get_episode(env_, w_.admin, id); });
    EXPECT_THAT(to_string(refused.kind()), AnyOf("forbidden", "not_found"));
}

TEST_F(episode_use_cases, reading_an_episode_is_audited) {
    const auto id = episode_in(w_, episode_state::missing);
    const auto audited = count_where("audit_log", "entity_id = " + quoted(id));
    services::get_episode(env_, w_.host_social_worker, id);
    EXPECT_EQ(count_where("audit_log", "entity_id = " + quoted(id)), audited + 1);
    EXPECT_EQ(text("select actor_id::text from audit_log where entity_id = " + quoted(id) +
                   " order by seq desc limit 1"),
              w_.host_social_worker.user_id);
}

TEST_F(episode_use_cases, the_return_starts_clocks_due_24_24_and_72_hours_after_it) {
    const auto id = episode_in(w_, episode_state::missing);
    advance(5h);
    auto back = return_body();
    back["returned_at"] = at(-1h);
    services::record_return(env_, w_.police, call(id, back));
    const auto episode = services::get_episode(env_, w_.social_worker, id);
    const auto returned = *services::parse_rfc3339(at(-1h));
    struct expected {
        const char* kind;
        std::chrono::hours due;
    };
    for (const auto& [kind, due] :
         {expected{"safe_and_well", 24h}, expected{"interview_offered", 24h},
          expected{"interview_held", 72h}}) {
        const auto clock = deadline(episode, kind);
        ASSERT_FALSE(clock.empty()) << kind;
        EXPECT_EQ(clock.at("due_at").as_string(), services::format_rfc3339(returned + due)) << kind;
        EXPECT_TRUE(clock.at("met_at").is_null()) << kind;
        EXPECT_FALSE(clock.at("overdue").as_bool()) << kind;
        EXPECT_TRUE(clock.contains("subject")) << kind;
        EXPECT_TRUE(clock.contains("status")) << kind;
    }
    advance(25h);
    const auto later = services::get_episode(env_, w_.social_worker, id);
    EXPECT_TRUE(deadline(later, "interview_offered").at("overdue").as_bool());
    EXPECT_EQ(deadline(later, "interview_offered").at("status").as_string(), "overdue");
    EXPECT_FALSE(deadline(later, "interview_held").at("overdue").as_bool());
}

TEST_F(episode_use_cases, recording_the_interview_meets_the_interview_held_clock) {
    const auto id = episode_in(w_, episode_state::returned);
    advance(30h);
    const auto episode =
        services::record_interview(env_, w_.social_worker, call(id, interview_body()));
    const auto held = deadline(episode, "interview_held");
    ASSERT_FALSE(held.empty());
    EXPECT_EQ(held.at("met_at").as_string(), at());
    EXPECT_EQ(held.at("status").as_string(), "met");
    EXPECT_FALSE(held.at("overdue").as_bool());
}

TEST_F(episode_use_cases, each_role_is_offered_the_events_it_may_send_now) {
    const auto id = episode_in(w_, episode_state::missing);
    EXPECT_THAT(allowed_events_of(services::get_episode(env_, w_.police, id)),
                ElementsAre("risk", "return", "cancel"));
    EXPECT_THAT(allowed_events_of(services::get_episode(env_, w_.social_worker, id)),
                ElementsAre("assign"));
    EXPECT_TRUE(allowed_events_of(services::get_episode(env_, w_.cse_champion, id)).empty());
    const auto interviewed = episode_in(w_, episode_state::interviewed, "high");
    EXPECT_THAT(allowed_events_of(services::get_episode(env_, w_.cse_champion, interviewed)),
                ElementsAre("sign-off"));
}

TEST_F(episode_use_cases, episodes_are_listed_only_within_the_callers_scope) {
    const auto id = episode_in(w_, episode_state::missing);
    const auto contains = [&](const services::actor& who) {
        services::episode_query query;
        query.limit = 500;
        const auto listed = services::list_episodes(env_, who, query);
        for (const auto& item : listed.at("items").as_array()) {
            if (item.as_object().at("id").as_string() == id) {
                return true;
            }
        }
        return false;
    };
    EXPECT_TRUE(contains(w_.police));
    EXPECT_TRUE(contains(w_.social_worker));
    EXPECT_TRUE(contains(w_.host_social_worker));
    EXPECT_FALSE(contains(w_.other_police));
    EXPECT_FALSE(contains(w_.other_social_worker));
}

// ---- routing
// -----------------------------------------------------------------------------------------

TEST_F(episode_use_cases, every_event_name_of_the_api_routes_to_its_use_case) {
    EXPECT_EQ(services::event_use_case_for("risk"), &services::regrade_risk);
    EXPECT_EQ(services::event_use_case_for("return"), &services::record_return);
    EXPECT_EQ(services::event_use_case_for("safe-and-well"), &services::record_safe_and_well);
    EXPECT_EQ(services::event_use_case_for("assign"), &services::assign_worker);
    EXPECT_EQ(services::event_use_case_for("interview-offer"), &services::offer_interview);
    EXPECT_EQ(services::event_use_case_for("interview"), &services::record_interview);
    EXPECT_EQ(services::event_use_case_for("interview-declined"), &services::record_decline);
    EXPECT_EQ(services::event_use_case_for("actions"), &services::raise_action);
    EXPECT_EQ(services::event_use_case_for("sign-off"), &services::sign_off);
    EXPECT_EQ(services::event_use_case_for("close"), &services::close_episode);
    EXPECT_EQ(services::event_use_case_for("cancel"), &services::cancel_episode);
    EXPECT_EQ(services::event_use_case_for("reopen"), &services::reopen_episode);
    EXPECT_EQ(services::event_use_case_for("report"), nullptr);
    EXPECT_EQ(services::event_use_case_for("Return"), nullptr);
    EXPECT_EQ(services::event_use_case_for(""), nullptr);
}

// ---- one transaction
// --------------------------------------------------------------------------------

TEST_F(episode_use_cases, a_failure_inside_the_return_transaction_leaves_nothing_behind) {
    const auto id = episode_in(w_, episode_state::missing);
    advance(1h);
    const auto before = snapshot(id);
    const auto audit = count("audit_log");
    env_.fault_injection = [](std::string_view) { throw std::runtime_error("injected"); };
    try {
        services::record_return(env_, w_.police, call(id, return_body()));
        ADD_FAILURE() << "the injected fault did not stop the return";
    } catch (const services::failure& refused) {
        ADD_FAILURE() << "the injected fault became a failure: " << refused.detail();
    } catch (const std::runtime_error& injected) {
        EXPECT_STREQ(injected.what(), "injected");
    }
    EXPECT_EQ(snapshot(id), before);
    EXPECT_EQ(count("audit_log"), audit);
    EXPECT_EQ(notifications_of(id, "child_returned"), 0);

    env_.fault_injection = nullptr;
    expect_transition(id, "return", "returned", [&] {
        return services::record_return(env_, w_.police, call(id, return_body()));
    });
}

} // namespace
} // namespace homeward::services_testing
