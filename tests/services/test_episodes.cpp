// The episode use cases: every event moves the state, the version, the history and the audit
// trail together; every refusal leaves the case exactly as it was.

#include "fixture.hpp"

#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <stdexcept>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using services::failure_kind;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using workflow::episode_event;
using workflow::episode_state;
namespace json = boost::json;

class episode_use_cases : public services_test {
protected:
    // Runs a use case that must move the episode to `to_state`: the next version, one more
    // history row naming the event, and an audit entry for the episode.
    services::event_result
    expect_transition(const std::string& id, episode_event event, episode_state to_state,
                      const std::function<services::event_result()>& use_case) {
        const int version = version_of(id);
        const auto history = history_of(id);
        const auto audit = count("audit_log");
        const auto audited = count_where("audit_log", "entity_id = " + literal(id));
        auto result = use_case();
        const auto& episode = result.episode.episode;
        EXPECT_EQ(episode.id, id);
        EXPECT_EQ(episode.state, to_state);
        EXPECT_EQ(episode.version, version + 1);
        EXPECT_EQ(state_of(id), workflow::to_string(to_state));
        EXPECT_EQ(version_of(id), version + 1);
        EXPECT_EQ(history_of(id), history + 1);
        EXPECT_EQ(text("select event || ' ' || to_state || ' ' || version from episode_history "
                       "where episode_id::text = " +
                       literal(id) + " order by version desc limit 1"),
                  std::string{workflow::to_string(event)} + " " +
                      std::string{workflow::to_string(to_state)} + " " +
                      std::to_string(version + 1));
        EXPECT_GE(count("audit_log"), audit + 1);
        EXPECT_GE(count_where("audit_log", "entity_id = " + literal(id)), audited + 1);
        return result;
    }

    services::event_result expect_transition(const std::string& id, const services::actor& who,
                                             episode_event event, episode_state to_state,
                                             json::object body,
                                             std::optional<int> expected_version = std::nullopt) {
        return expect_transition(id, event, to_state, [&] {
            return send(who, event, id, std::move(body), expected_version);
        });
    }

    // Runs a use case that must be refused with `kind` and leave the case as it was.
    services::failure expect_refused(const std::string& id, failure_kind kind,
                                     const std::function<void()>& use_case) {
        const auto before = snapshot(id);
        const auto refused = failure_of(use_case);
        EXPECT_EQ(refused.kind(), kind) << refused.detail();
        EXPECT_EQ(snapshot(id), before);
        return refused;
    }

    // An event that must be refused with `kind` and leave the case as it was.
    services::failure expect_refused(const std::string& id, failure_kind kind,
                                     const services::actor& who, episode_event event,
                                     json::object body,
                                     std::optional<int> expected_version = std::nullopt) {
        return expect_refused(id, kind, [&] {
            services::send_event(env_, who, call(event, id, std::move(body), expected_version));
        });
    }

    long long notifications_of(const std::string& id, std::string_view kind) {
        return count_where("notifications",
                           "episode_id::text = " + literal(id) + " and kind = " + literal(kind));
    }

    std::vector<std::string> notified_organisations(const std::string& id, std::string_view kind) {
        const auto list = text("select string_agg(organisation_id::text, ',' order by "
                               "organisation_id::text) from notifications where episode_id::text "
                               "= " +
                               literal(id) + " and kind = " + literal(kind));
        std::vector<std::string> ids;
        std::size_t start = 0;
        while (start < list.size()) {
            const auto comma = list.find(',', start);
            ids.push_back(list.substr(start, comma - start));
            start = comma == std::string::npos ? list.size() : comma + 1;
        }
        return ids;
    }

    services::clock_view deadline(const services::episode_view& view, std::string_view kind) {
        const auto clock = deadline_of(view, kind);
        if (!clock) {
            ADD_FAILURE() << "no deadline of kind " << kind;
            return {};
        }
        return *clock;
    }
};

// ---- the report
// ----------------------------------------------------------------------------------

TEST_F(episode_use_cases,
       a_report_creates_a_missing_episode_at_version_one_with_history_audit_and_notifications) {
    const auto child = make_child();
    const auto episodes = count("episodes");
    const auto audit = count("audit_log");
    const auto outbox = count("outbox");
    const auto report = bodies_.report(child);

    const auto view = services::report_episode(env_, w_.police, report, {});

    const auto& episode = view.episode;
    const std::string id = episode.id;
    EXPECT_EQ(episode.state, episode_state::missing);
    EXPECT_EQ(episode.version, 1);
    EXPECT_EQ(episode.child.id, child);
    EXPECT_EQ(episode.reported_at, now());
    EXPECT_EQ(episode.last_seen_at,
              workflow::parse_rfc3339(report.at("last_seen_at").as_string()).value());
    EXPECT_EQ(episode.risk, workflow::risk_level::medium);
    EXPECT_EQ(view.audience, workflow::role::police);
    EXPECT_EQ(count("episodes"), episodes + 1);
    EXPECT_EQ(history_of(id), 1);
    EXPECT_EQ(text("select coalesce(from_state, '-') || ' ' || event || ' ' || to_state from "
                   "episode_history where episode_id::text = " +
                   literal(id)),
              "- report missing");
    EXPECT_GE(count("audit_log"), audit + 1);
    EXPECT_GE(count_where("audit_log", "entity_id = " + literal(id) + " and outcome = 'success'"),
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
                                 json::parse(R"({"child_id": "00000000-0000-0000-0000-000000000000",
                                          "risk_level": "extreme", "missing_or_away": "gone"})")
                                     .as_object(),
                                 {});
    });
    EXPECT_EQ(refused.kind(), failure_kind::invalid_input) << refused.detail();
    EXPECT_THAT(fields_of(refused),
                IsSupersetOf({"child_id", "last_seen_at", "last_seen_location", "circumstances",
                              "risk_level", "police_reference", "missing_or_away"}));
    EXPECT_EQ(count("episodes"), episodes);
}

TEST_F(episode_use_cases, a_report_last_seen_in_the_future_is_refused_naming_last_seen_at) {
    auto report = bodies_.report(make_child());
    report["last_seen_at"] = at(1h);
    const auto episodes = count("episodes");
    const auto refused = failure_of([&] { services::report_episode(env_, w_.police, report, {}); });
    EXPECT_EQ(refused.kind(), failure_kind::invalid_input) << refused.detail();
    EXPECT_THAT(fields_of(refused), Contains("last_seen_at"));
    EXPECT_EQ(count("episodes"), episodes);
}

TEST_F(episode_use_cases, only_police_report_an_episode) {
    const auto child = make_child();
    const auto episodes = count("episodes");
    for (const auto& who : {w_.social_worker, w_.manager, w_.cse_champion, w_.admin}) {
        const auto refused =
            failure_of([&] { services::report_episode(env_, who, bodies_.report(child), {}); });
        EXPECT_EQ(refused.kind(), failure_kind::forbidden) << who.username;
    }
    EXPECT_EQ(count("episodes"), episodes);
}

TEST_F(episode_use_cases,
       a_report_retried_with_the_same_idempotency_key_returns_the_first_episode) {
    const auto child = make_child();
    const auto report = bodies_.report(child);
    const auto first = services::report_episode(env_, w_.police, report, "retry-key-1");
    const auto notifications = count("notifications");
    const auto again = services::report_episode(env_, w_.police, report, "retry-key-1");
    EXPECT_EQ(again.episode.id, first.episode.id);
    EXPECT_EQ(again.episode.version, 1);
    EXPECT_EQ(count_where("episodes", "child_id::text = " + literal(child)), 1);
    EXPECT_EQ(count("notifications"), notifications);
}

TEST_F(episode_use_cases, an_idempotency_key_reused_with_another_body_is_refused) {
    const auto child = make_child();
    auto report = bodies_.report(child);
    const auto first = services::report_episode(env_, w_.police, report, "retry-key-2");
    report["risk_level"] = "high";
    expect_refused(first.episode.id, failure_kind::idempotency_conflict,
                   [&] { services::report_episode(env_, w_.police, report, "retry-key-2"); });
    EXPECT_EQ(count_where("episodes", "child_id::text = " + literal(child)), 1);
}

TEST_F(episode_use_cases, the_same_idempotency_key_from_another_officer_is_another_report) {
    const auto child = make_child();
    const auto colleague = make_user(workflow::role::police, w_.force);
    const auto report = bodies_.report(child);
    const auto first = services::report_episode(env_, w_.police, report, "shared-key");
    const auto second = services::report_episode(env_, colleague, report, "shared-key");
    EXPECT_NE(first.episode.id, second.episode.id);
    EXPECT_EQ(count_where("episodes", "child_id::text = " + literal(child)), 2);
}

// ---- every event, in its state
// --------------------------------------------------------------------

TEST_F(episode_use_cases, regrading_the_risk_keeps_the_episode_missing_at_the_next_version) {
    const auto id = episode_in(episode_state::missing);
    const auto result = expect_transition(id, w_.police, episode_event::regrade_risk,
                                          episode_state::missing, event_bodies::regrade("high"));
    EXPECT_EQ(result.episode.episode.risk, workflow::risk_level::high);
}

TEST_F(episode_use_cases, recording_the_return_moves_to_returned_and_tells_both_authorities) {
    const auto id = episode_in(episode_state::missing);
    advance(3h);
    const auto outbox = count("outbox");
    const auto result = expect_transition(id, w_.police, episode_event::record_return,
                                          episode_state::returned, bodies_.record_return());
    EXPECT_EQ(result.episode.episode.returned_at, now());
    EXPECT_EQ(result.episode.episode.found_location, "Leeds railway station");
    EXPECT_EQ(notifications_of(id, "child_returned"), 2);
    EXPECT_THAT(notified_organisations(id, "child_returned"),
                ::testing::UnorderedElementsAre(w_.authority.id, w_.host.id));
    EXPECT_EQ(count("outbox"), outbox + 2);
}

TEST_F(episode_use_cases, police_record_the_safe_and_well_check_after_the_return) {
    const auto id = episode_in(episode_state::returned);
    advance(2h);
    const auto result = expect_transition(id, w_.police, episode_event::safe_and_well,
                                          episode_state::returned, bodies_.safe_and_well());
    const auto& check = result.episode.episode.safe_and_well;
    ASSERT_TRUE(check.has_value());
    EXPECT_EQ(check->conducted_at, now());
    EXPECT_EQ(check->by, w_.police.user_id);
    EXPECT_TRUE(deadline(result.episode, "safe_and_well").met_at.has_value());
}

TEST_F(episode_use_cases, a_manager_assigns_the_episode_to_a_social_worker_of_the_authority) {
    const auto id = episode_in(episode_state::returned);
    const auto result =
        expect_transition(id, w_.manager, episode_event::assign, episode_state::returned,
                          event_bodies::assign(w_.social_worker.user_id));
    EXPECT_EQ(result.episode.episode.assigned_worker_id, w_.social_worker.user_id);
}

TEST_F(episode_use_cases, a_social_worker_takes_an_episode_for_themselves) {
    const auto id = episode_in(episode_state::missing);
    const auto result =
        expect_transition(id, w_.social_worker, episode_event::assign, episode_state::missing,
                          event_bodies::assign(w_.social_worker.user_id));
    EXPECT_EQ(result.episode.episode.assigned_worker_id, w_.social_worker.user_id);
}

TEST_F(episode_use_cases, offering_the_interview_moves_to_interview_offered) {
    const auto id = episode_in(episode_state::returned);
    advance(1h);
    const auto result = expect_transition(id, w_.social_worker, episode_event::offer_interview,
                                          episode_state::interview_offered, bodies_.offer());
    const auto& offer = result.episode.episode.offer;
    ASSERT_TRUE(offer.has_value());
    EXPECT_EQ(offer->scheduled_for, now() + 24h);
    EXPECT_TRUE(offer->independent);
    EXPECT_TRUE(deadline(result.episode, "interview_offered").met_at.has_value());
}

TEST_F(episode_use_cases, recording_the_interview_after_the_offer_moves_to_interviewed) {
    const auto id = episode_in(episode_state::interview_offered);
    advance(20h);
    const auto result = expect_transition(id, w_.manager, episode_event::record_interview,
                                          episode_state::interviewed, bodies_.interview("low"));
    const auto& interview = result.episode.episode.interview;
    ASSERT_TRUE(interview.has_value());
    EXPECT_EQ(interview->outcome, workflow::interview_outcome::held);
    EXPECT_EQ(interview->risk, workflow::cse_risk::low);
    EXPECT_EQ(count_where("interviews", "episode_id::text = " + literal(id)), 1);
}

TEST_F(episode_use_cases, an_interview_may_be_recorded_without_a_prior_offer) {
    const auto id = episode_in(episode_state::returned);
    advance(5h);
    expect_transition(id, w_.social_worker, episode_event::record_interview,
                      episode_state::interviewed, bodies_.interview());
}

TEST_F(episode_use_cases, the_childs_refusal_moves_to_interviewed_with_its_reason) {
    const auto id = episode_in(episode_state::interview_offered);
    advance(3h);
    const auto result = expect_transition(id, w_.social_worker, episode_event::record_decline,
                                          episode_state::interviewed, bodies_.decline());
    const auto& interview = result.episode.episode.interview;
    ASSERT_TRUE(interview.has_value());
    EXPECT_EQ(interview->outcome, workflow::interview_outcome::declined);
    EXPECT_EQ(interview->declined_reason, "Did not want to talk to anyone");
}

TEST_F(episode_use_cases,
       a_further_offer_after_the_childs_refusal_moves_back_to_interview_offered) {
    const auto id = episode_in(episode_state::returned);
    advance(1h);
    send(w_.social_worker, episode_event::record_decline, id, bodies_.decline());
    advance(24h);
    expect_transition(id, w_.social_worker, episode_event::offer_interview,
                      episode_state::interview_offered, bodies_.offer());
}

TEST_F(episode_use_cases, raising_an_action_moves_to_follow_up_and_answers_the_action) {
    const auto id = episode_in(episode_state::interviewed);
    const auto actions = count_where("actions", "episode_id::text = " + literal(id));
    const auto result = expect_transition(id, w_.social_worker, episode_event::raise_action,
                                          episode_state::follow_up,
                                          bodies_.action(w_.second_social_worker.user_id));
    ASSERT_TRUE(result.created_action.has_value());
    const auto& action = *result.created_action;
    EXPECT_EQ(action.status, workflow::action_status::open);
    EXPECT_EQ(action.owner_id, w_.second_social_worker.user_id);
    EXPECT_EQ(action.due_at, now() + 7 * 24h);
    EXPECT_EQ(count_where("actions", "episode_id::text = " + literal(id)), actions + 1);
    EXPECT_EQ(count_where("clocks",
                          "episode_id::text = " + literal(id) +
                              " and kind = 'follow_up_action' and subject = " + literal(action.id)),
              1);
}

// Issue 12, finding 12: the CSE champion may not complete an action, so may not own one; nor may
// anyone outside the episode's authorities and force. Each is refused naming owner_id, and the
// episode stays as it was.
TEST_F(episode_use_cases, an_action_owned_by_the_champion_or_an_outsider_is_refused_naming_owner) {
    const auto id = episode_in(episode_state::interviewed);
    for (const auto* owner : {&w_.cse_champion, &w_.admin, &w_.other_social_worker}) {
        const auto refused =
            expect_refused(id, failure_kind::invalid_input, w_.social_worker,
                           episode_event::raise_action, bodies_.action(owner->user_id));
        EXPECT_THAT(fields_of(refused), ::testing::ElementsAre("owner_id")) << owner->username;
    }
    for (const auto* owner : {&w_.manager, &w_.host_social_worker, &w_.police}) {
        EXPECT_NO_THROW(
            send(w_.social_worker, episode_event::raise_action, id, bodies_.action(owner->user_id)))
            << owner->username;
    }
}

TEST_F(episode_use_cases, the_owner_completes_an_action_and_the_episode_stays_in_follow_up) {
    const auto id = episode_in(episode_state::follow_up);
    const auto action_id = action_of(id);
    advance(24h);
    const auto result =
        expect_transition(id, episode_event::complete_action, episode_state::follow_up, [&] {
            return services::send_event(env_, w_.social_worker, completion(id, action_id));
        });
    const auto& listed = result.episode.actions;
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].status, workflow::action_status::done);
    EXPECT_EQ(listed[0].completed_at, now());
}

TEST_F(episode_use_cases, the_champion_signs_off_an_episode_whose_cse_risk_is_medium) {
    const auto id = episode_in(episode_state::interviewed, "medium");
    const auto result = expect_transition(id, w_.cse_champion, episode_event::sign_off,
                                          episode_state::interviewed, event_bodies::sign_off());
    const auto& sign_off = result.episode.episode.sign_off;
    ASSERT_TRUE(sign_off.has_value());
    EXPECT_EQ(sign_off->by, w_.cse_champion.user_id);
}

TEST_F(episode_use_cases, closing_an_interviewed_episode_moves_to_closed) {
    const auto id = episode_in(episode_state::interviewed);
    advance(1h);
    const auto result = expect_transition(id, w_.social_worker, episode_event::close,
                                          episode_state::closed, event_bodies::close());
    EXPECT_EQ(result.episode.episode.closed_at, now());
}

TEST_F(episode_use_cases, follow_up_closes_once_every_action_is_done) {
    const auto id = episode_in(episode_state::follow_up);
    services::send_event(env_, w_.manager, completion(id, action_of(id)));
    expect_transition(id, w_.manager, episode_event::close, episode_state::closed,
                      event_bodies::close());
}

TEST_F(episode_use_cases,
       an_action_cancelled_with_its_reason_ends_its_clock_and_lets_follow_up_close) {
    const auto id = episode_in(episode_state::follow_up);
    const auto action_id = action_of(id);
    expect_refused(id, failure_kind::state_conflict, w_.social_worker, episode_event::close,
                   event_bodies::close());
    // The reason is required, and named when missing.
    auto missing = call(episode_event::cancel_action, id, {});
    missing.action_id = action_id;
    const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
        services::send_event(env_, w_.social_worker, missing);
    });
    EXPECT_THAT(fields_of(refused), ElementsAre("reason"));

    advance(2h);
    auto cancelling = call(episode_event::cancel_action, id,
                           {{"reason", "The school has put its own support in place"}});
    cancelling.action_id = action_id;
    const auto result =
        expect_transition(id, episode_event::cancel_action, episode_state::follow_up,
                          [&] { return services::send_event(env_, w_.social_worker, cancelling); });
    ASSERT_EQ(result.episode.actions.size(), 1U);
    EXPECT_EQ(result.episode.actions[0].status, workflow::action_status::cancelled);
    EXPECT_EQ(result.episode.actions[0].outcome, "The school has put its own support in place");
    EXPECT_EQ(result.episode.actions[0].completed_at, now());
    EXPECT_EQ(count_where("clocks", "episode_id::text = " + literal(id) +
                                        " and kind = 'follow_up_action' and met_at is not null"),
              1);
    // Cancelled is not open: it cannot be cancelled or completed again, and the episode closes.
    expect_refused(id, failure_kind::state_conflict,
                   [&] { services::send_event(env_, w_.manager, cancelling); });
    expect_transition(id, w_.social_worker, episode_event::close, episode_state::closed,
                      event_bodies::close());
}

TEST_F(episode_use_cases, only_the_owner_or_a_manager_cancels_an_action) {
    const auto id = episode_in(episode_state::follow_up); // owned by the social worker
    auto cancelling = call(episode_event::cancel_action, id, {{"reason", "No longer needed"}});
    cancelling.action_id = action_of(id);
    const auto refused = expect_refused(id, failure_kind::state_conflict, [&] {
        services::send_event(env_, w_.second_social_worker, cancelling);
    });
    EXPECT_THAT(refused.detail(), HasSubstr("owner or a manager may cancel"));
    EXPECT_NO_THROW(services::send_event(env_, w_.manager, cancelling));
}

TEST_F(episode_use_cases, a_manager_reassigns_an_action_and_its_clock_and_the_new_owner_is_told) {
    const auto id = episode_in(episode_state::follow_up);
    const auto action_id = action_of(id);
    const auto owner_before = w_.social_worker.user_id;
    const auto* next = &w_.host_social_worker; // of the host authority: may hold it
    auto reassigning = call(episode_event::reassign_action, id, {{"owner_id", next->user_id}});
    reassigning.action_id = action_id;

    // Only a manager; an owner no one of the episode's organisations; the current owner.
    expect_refused(id, failure_kind::forbidden,
                   [&] { services::send_event(env_, w_.social_worker, reassigning); });
    for (const auto* wrong : {&w_.other_social_worker, &w_.cse_champion}) {
        auto attempt = call(episode_event::reassign_action, id, {{"owner_id", wrong->user_id}});
        attempt.action_id = action_id;
        const auto refused = expect_refused(id, failure_kind::invalid_input, [&] {
            services::send_event(env_, w_.manager, attempt);
        });
        EXPECT_THAT(fields_of(refused), ElementsAre("owner_id")) << wrong->username;
    }
    auto same = call(episode_event::reassign_action, id, {{"owner_id", owner_before}});
    same.action_id = action_id;
    const auto refused_same = expect_refused(id, failure_kind::invalid_input,
                                             [&] { services::send_event(env_, w_.manager, same); });
    EXPECT_THAT(fields_of(refused_same), ElementsAre("owner_id"));
    EXPECT_EQ(notifications_of(id, "action_assigned"), 0);

    const auto result =
        expect_transition(id, episode_event::reassign_action, episode_state::follow_up,
                          [&] { return services::send_event(env_, w_.manager, reassigning); });
    ASSERT_EQ(result.episode.actions.size(), 1U);
    EXPECT_EQ(result.episode.actions[0].owner_id, next->user_id);
    EXPECT_EQ(result.episode.actions[0].status, workflow::action_status::open);
    EXPECT_EQ(text("select holder_user_id::text from clocks where kind = 'follow_up_action' and "
                   "subject = " +
                   literal(action_id)),
              next->user_id);
    EXPECT_EQ(count_where("notifications",
                          "kind = 'action_assigned' and recipient_user_id::text = " +
                              literal(next->user_id) + " and episode_id::text = " + literal(id) +
                              " and body->>'action_id' = " + literal(action_id)),
              1);
    EXPECT_EQ(notifications_of(id, "action_assigned"), 1) << "the new owner only";
}

TEST_F(episode_use_cases,
       a_worker_is_told_when_a_manager_gives_them_an_episode_not_when_they_take_it) {
    const auto given = episode_in(episode_state::returned);
    send(w_.manager, episode_event::assign, given, event_bodies::assign(w_.social_worker.user_id));
    EXPECT_EQ(
        count_where("notifications",
                    "kind = 'episode_assigned' and episode_id::text = " + literal(given) +
                        " and recipient_user_id::text = " + literal(w_.social_worker.user_id) +
                        " and organisation_id::text = " + literal(w_.authority.id)),
        1);
    const auto taken = episode_in(episode_state::returned);
    send(w_.social_worker, episode_event::assign, taken,
         event_bodies::assign(w_.social_worker.user_id));
    EXPECT_EQ(notifications_of(taken, "episode_assigned"), 0);
}

TEST_F(episode_use_cases, police_cancel_a_report_made_in_error_while_missing) {
    const auto id = episode_in(episode_state::missing);
    const auto result = expect_transition(id, w_.police, episode_event::cancel,
                                          episode_state::cancelled, event_bodies::cancel());
    EXPECT_EQ(result.episode.episode.cancel_reason, "Reported in error: she was at her aunt's");
}

TEST_F(episode_use_cases, a_manager_reopens_a_closed_episode_into_follow_up) {
    const auto id = episode_in(episode_state::closed);
    advance(48h);
    const auto result = expect_transition(id, w_.manager, episode_event::reopen,
                                          episode_state::follow_up, event_bodies::reopen());
    EXPECT_EQ(result.episode.episode.reopen_reason, "A new disclosure at school");
}

TEST_F(episode_use_cases, the_history_lists_every_transition_oldest_first) {
    const auto id = episode_in(episode_state::closed);
    const auto history = services::episode_history(env_, w_.manager, id);
    std::vector<std::string> steps;
    for (const auto& entry : history.items) {
        steps.push_back(entry.event + ":" +
                        (entry.from_state ? std::string{workflow::to_string(*entry.from_state)}
                                          : std::string{"-"}) +
                        ">" + std::string{workflow::to_string(entry.to_state)});
    }
    EXPECT_THAT(steps, ElementsAre("report:->missing", "return:missing>returned",
                                   "interview:returned>interviewed", "close:interviewed>closed"));
    ASSERT_FALSE(history.items.empty());
    EXPECT_EQ(history.items.at(0).actor_role, workflow::role::police);
    EXPECT_EQ(history.items.at(0).actor_id, w_.police.user_id);
    EXPECT_EQ(history.audience, workflow::role::manager);
}

// ---- refusals change nothing
// ------------------------------------------------------------------------

TEST_F(episode_use_cases, a_social_worker_may_not_record_the_return_and_nothing_changes) {
    const auto id = episode_in(episode_state::missing);
    advance(1h);
    expect_refused(id, failure_kind::forbidden, w_.social_worker, episode_event::record_return,
                   bodies_.record_return());
}

TEST_F(episode_use_cases, roles_outside_an_events_list_are_forbidden_and_change_nothing) {
    const auto returned = episode_in(episode_state::returned);
    expect_refused(returned, failure_kind::forbidden, w_.police, episode_event::offer_interview,
                   bodies_.offer());
    expect_refused(returned, failure_kind::forbidden, w_.admin, episode_event::regrade_risk,
                   event_bodies::regrade());
    const auto interviewed = episode_in(episode_state::interviewed, "high");
    expect_refused(interviewed, failure_kind::forbidden, w_.cse_champion, episode_event::close,
                   event_bodies::close());
    expect_refused(interviewed, failure_kind::forbidden, w_.manager, episode_event::sign_off,
                   event_bodies::sign_off());
    const auto closed = episode_in(episode_state::closed);
    expect_refused(closed, failure_kind::forbidden, w_.social_worker, episode_event::reopen,
                   event_bodies::reopen());
}

TEST_F(episode_use_cases,
       an_event_the_state_does_not_allow_is_a_conflict_naming_the_state_and_allowed_events) {
    const auto id = episode_in(episode_state::returned);
    const auto refused = expect_refused(id, failure_kind::state_conflict, w_.police,
                                        episode_event::record_return, bodies_.record_return());
    EXPECT_THAT(refused.detail(), HasSubstr("returned"));
    EXPECT_THAT(refused.detail(), HasSubstr("safe-and-well"));
    EXPECT_THAT(refused.allowed_events(), Contains("safe-and-well"));
    EXPECT_THAT(refused.allowed_events(), ::testing::Not(Contains("return")));
}

TEST_F(episode_use_cases, an_interview_offer_while_missing_is_a_conflict_naming_missing) {
    const auto id = episode_in(episode_state::missing);
    const auto refused = expect_refused(id, failure_kind::state_conflict, w_.social_worker,
                                        episode_event::offer_interview, bodies_.offer());
    EXPECT_THAT(refused.detail(), HasSubstr("missing"));
    EXPECT_THAT(refused.allowed_events(), ElementsAre("assign"));
}

TEST_F(episode_use_cases, a_report_cannot_be_cancelled_after_the_return) {
    const auto id = episode_in(episode_state::returned);
    const auto refused = expect_refused(id, failure_kind::state_conflict, w_.police,
                                        episode_event::cancel, event_bodies::cancel());
    EXPECT_THAT(refused.detail(), HasSubstr("returned"));
}

TEST_F(episode_use_cases, a_cancelled_episode_takes_no_further_event) {
    const auto id = episode_in(episode_state::cancelled);
    advance(1h);
    const auto refused = expect_refused(id, failure_kind::state_conflict, w_.police,
                                        episode_event::record_return, bodies_.record_return());
    EXPECT_THAT(refused.detail(), HasSubstr("cancelled"));
    EXPECT_TRUE(refused.allowed_events().empty());
}

TEST_F(episode_use_cases, an_episode_with_open_actions_cannot_be_closed) {
    const auto id = episode_in(episode_state::follow_up);
    const auto refused = expect_refused(id, failure_kind::state_conflict, w_.social_worker,
                                        episode_event::close, event_bodies::close());
    EXPECT_THAT(refused.detail(), HasSubstr("follow_up"));
}

TEST_F(episode_use_cases, the_safe_and_well_check_cannot_be_recorded_twice) {
    const auto id = episode_in(episode_state::returned);
    send(w_.police, episode_event::safe_and_well, id, bodies_.safe_and_well());
    advance(1h);
    expect_refused(id, failure_kind::state_conflict, w_.police, episode_event::safe_and_well,
                   bodies_.safe_and_well());
}

TEST_F(episode_use_cases, a_sign_off_is_refused_when_the_cse_risk_does_not_need_one) {
    const auto id = episode_in(episode_state::interviewed, "low");
    expect_refused(id, failure_kind::state_conflict, w_.cse_champion, episode_event::sign_off,
                   event_bodies::sign_off());
}

TEST_F(episode_use_cases, closing_with_medium_cse_risk_needs_the_champions_sign_off_first) {
    const auto id = episode_in(episode_state::interviewed, "medium");
    const auto refused = expect_refused(id, failure_kind::state_conflict, w_.social_worker,
                                        episode_event::close, event_bodies::close());
    EXPECT_THAT(refused.allowed_events(), ::testing::Not(Contains("close")));
    send(w_.cse_champion, episode_event::sign_off, id, event_bodies::sign_off());
    expect_transition(id, w_.social_worker, episode_event::close, episode_state::closed,
                      event_bodies::close());
}

TEST_F(episode_use_cases, an_interview_with_high_cse_risk_tells_the_champions_of_both_authorities) {
    const auto id = episode_in(episode_state::interviewed, "high");
    for (const auto* authority : {&w_.authority, &w_.host}) {
        EXPECT_EQ(count_where("notifications", "episode_id::text = " + literal(id) +
                                                   " and kind = 'cse_risk_raised' and "
                                                   "recipient_role = 'cse_champion' and "
                                                   "organisation_id::text = " +
                                                   literal(authority->id)),
                  1)
            << authority->code;
    }
    EXPECT_EQ(notifications_of(id, "cse_risk_raised"), 2);
}

TEST_F(episode_use_cases, a_stale_expected_version_is_refused_and_changes_nothing) {
    const auto id = episode_in(episode_state::missing);
    send(w_.police, episode_event::regrade_risk, id, event_bodies::regrade("low"), 1);
    expect_refused(id, failure_kind::stale_version, w_.police, episode_event::regrade_risk,
                   event_bodies::regrade("high"), 1);
    expect_refused(id, failure_kind::stale_version, w_.police, episode_event::regrade_risk,
                   event_bodies::regrade("high"), 7);
}

TEST_F(episode_use_cases, the_current_expected_version_is_accepted) {
    const auto id = episode_in(episode_state::returned);
    const int version = version_of(id);
    advance(1h);
    expect_transition(id, w_.social_worker, episode_event::offer_interview,
                      episode_state::interview_offered, bodies_.offer(), version);
}

TEST_F(episode_use_cases, an_invalid_return_names_every_field_at_fault_and_changes_nothing) {
    const auto id = episode_in(episode_state::missing);
    const auto refused = expect_refused(id, failure_kind::invalid_input, w_.police,
                                        episode_event::record_return, {{"found_by", 7}});
    EXPECT_THAT(fields_of(refused),
                IsSupersetOf({"returned_at", "found_location", "returned_to", "found_by"}));
}

TEST_F(episode_use_cases, an_invalid_interview_names_every_field_at_fault_and_changes_nothing) {
    const auto id = episode_in(episode_state::returned);
    auto interview = bodies_.interview();
    interview["cse_risk"] = "severe";
    interview["indicators"] = json::array{"no_such_indicator"};
    interview.erase("harm_disclosed");
    interview.erase("location");
    interview["mood"] = "quiet";
    const auto refused = expect_refused(id, failure_kind::invalid_input, w_.social_worker,
                                        episode_event::record_interview, interview);
    EXPECT_THAT(fields_of(refused),
                IsSupersetOf({"cse_risk", "indicators", "harm_disclosed", "location", "mood"}));
}

TEST_F(episode_use_cases, a_cse_risk_below_the_indicators_suggestion_needs_a_rationale) {
    const auto id = episode_in(episode_state::returned);
    auto interview = bodies_.interview("none");
    interview["indicators"] =
        json::array{"going_missing_repeatedly", "unexplained_money_gifts_or_phones",
                    "older_boyfriend_or_girlfriend"};
    interview.erase("risk_rationale");
    const auto refused = expect_refused(id, failure_kind::invalid_input, w_.social_worker,
                                        episode_event::record_interview, interview);
    EXPECT_THAT(fields_of(refused), Contains("risk_rationale"));
}

TEST_F(episode_use_cases, a_return_recorded_before_last_seen_is_refused_and_changes_nothing) {
    const auto id = episode_in(episode_state::missing); // last seen 2 hours before the report
    advance(1h);
    auto early = bodies_.record_return();
    early["returned_at"] = at(-4h);
    const auto refused = expect_refused(id, failure_kind::invalid_input, w_.police,
                                        episode_event::record_return, early);
    EXPECT_THAT(fields_of(refused), Contains("returned_at"));
}

TEST_F(episode_use_cases, a_return_in_the_future_is_refused_and_changes_nothing) {
    const auto id = episode_in(episode_state::missing);
    auto later = bodies_.record_return();
    later["returned_at"] = at(2h);
    const auto refused = expect_refused(id, failure_kind::invalid_input, w_.police,
                                        episode_event::record_return, later);
    EXPECT_THAT(fields_of(refused), Contains("returned_at"));
}

TEST_F(episode_use_cases, an_interview_before_the_return_is_refused_and_changes_nothing) {
    const auto id = episode_in(episode_state::returned); // returned at the current time
    advance(2h);
    auto early = bodies_.interview();
    early["conducted_at"] = at(-3h);
    const auto refused = expect_refused(id, failure_kind::invalid_input, w_.social_worker,
                                        episode_event::record_interview, early);
    EXPECT_THAT(fields_of(refused), Contains("conducted_at"));
}

TEST_F(episode_use_cases, an_interview_scheduled_before_its_offer_is_refused) {
    const auto id = episode_in(episode_state::returned);
    auto offer = bodies_.offer();
    offer["scheduled_for"] = at(-1h);
    const auto refused = expect_refused(id, failure_kind::invalid_input, w_.social_worker,
                                        episode_event::offer_interview, offer);
    EXPECT_THAT(fields_of(refused), Contains("scheduled_for"));
}

TEST_F(episode_use_cases, a_social_worker_may_assign_only_themselves) {
    const auto id = episode_in(episode_state::returned);
    const auto refused =
        expect_refused(id, failure_kind::invalid_input, w_.social_worker, episode_event::assign,
                       event_bodies::assign(w_.second_social_worker.user_id));
    EXPECT_THAT(fields_of(refused), Contains("worker_id"));
}

TEST_F(episode_use_cases, a_worker_of_another_authority_cannot_be_assigned) {
    const auto id = episode_in(episode_state::returned);
    const auto refused =
        expect_refused(id, failure_kind::invalid_input, w_.manager, episode_event::assign,
                       event_bodies::assign(w_.other_social_worker.user_id));
    EXPECT_THAT(fields_of(refused), Contains("worker_id"));
}

TEST_F(episode_use_cases, a_social_worker_may_not_complete_an_action_someone_else_owns) {
    const auto id = episode_in(episode_state::follow_up); // owned by w_.social_worker
    const auto before = snapshot(id);
    const auto refused = failure_of([&] {
        services::send_event(env_, w_.second_social_worker, completion(id, action_of(id)));
    });
    EXPECT_THAT(refused.kind(), AnyOf(failure_kind::forbidden, failure_kind::state_conflict))
        << refused.detail();
    EXPECT_EQ(snapshot(id), before);
}

TEST_F(episode_use_cases, an_action_of_another_episode_is_not_found) {
    const auto id = episode_in(episode_state::follow_up);
    const auto elsewhere = episode_in(episode_state::follow_up);
    expect_refused(id, failure_kind::not_found, [&] {
        services::send_event(env_, w_.manager, completion(id, action_of(elsewhere)));
    });
    expect_refused(id, failure_kind::not_found, [&] {
        services::send_event(env_, w_.manager, completion(id, "not-an-action"));
    });
}

TEST_F(episode_use_cases, an_episode_outside_the_callers_scope_is_not_found_and_changes_nothing) {
    const auto id = episode_in(episode_state::missing);
    expect_refused(id, failure_kind::not_found, w_.other_police, episode_event::regrade_risk,
                   event_bodies::regrade());
    expect_refused(id, failure_kind::not_found, w_.other_manager, episode_event::assign,
                   event_bodies::assign(w_.other_manager.user_id));
    expect_refused(id, failure_kind::not_found,
                   [&] { services::get_episode(env_, w_.other_social_worker, id); });
}

TEST_F(episode_use_cases, an_id_that_names_no_episode_is_not_found_and_changes_nothing) {
    const auto id = episode_in(episode_state::missing);
    const std::vector<std::string> bad_ids{"not-an-id",
                                           "",
                                           "'; delete from episodes; --",
                                           "00000000-0000-0000-0000-000000000000",
                                           id + "0",
                                           id.substr(0, 35)};
    for (const auto& bad : bad_ids) {
        expect_refused(id, failure_kind::not_found, [&] {
            services::send_event(env_, w_.police,
                                 call(episode_event::regrade_risk, bad, event_bodies::regrade()));
        });
        expect_refused(id, failure_kind::not_found,
                       [&] { services::get_episode(env_, w_.police, bad); });
    }
}

// ---- reading an episode
// --------------------------------------------------------------------------

// What police may read of the interview is the API's to write (api/test_representation.cpp and
// the HTTPS test prove the child's own account is left out); the use case's part is to say the
// view is made for police.
TEST_F(episode_use_cases, police_read_the_interview_outcome_as_the_police_audience) {
    const auto id = episode_in(episode_state::interviewed, "medium");
    const auto view = services::get_episode(env_, w_.police, id);
    EXPECT_EQ(view.audience, workflow::role::police);
    ASSERT_TRUE(view.episode.interview.has_value());
    const auto& interview = *view.episode.interview;
    EXPECT_EQ(interview.outcome, workflow::interview_outcome::held);
    EXPECT_EQ(interview.risk, workflow::cse_risk::medium);
    EXPECT_EQ(interview.police_intelligence, "Flat above the takeaway on Kirk Street");
}

TEST_F(episode_use_cases, social_workers_of_both_authorities_read_the_childs_account) {
    const auto id = episode_in(episode_state::interviewed, "medium");
    for (const auto& who : {w_.social_worker, w_.host_social_worker, w_.cse_champion}) {
        const auto view = services::get_episode(env_, who, id);
        EXPECT_EQ(view.audience, who.role) << who.username;
        ASSERT_TRUE(view.episode.interview.has_value()) << who.username;
        const auto& interview = *view.episode.interview;
        EXPECT_EQ(interview.where_stayed, "A flat above the takeaway on Kirk Street")
            << who.username;
        EXPECT_EQ(interview.with_whom, "Two older men she met online");
        EXPECT_EQ(interview.child_views, "Wants to stay at the placement");
        EXPECT_EQ(interview.harm_details, "Was given alcohol");
        EXPECT_EQ(interview.push_factors.size(), 1U);
        EXPECT_EQ(interview.pull_factors.size(), 2U);
    }
}

TEST_F(episode_use_cases, an_admin_may_not_read_an_episode) {
    const auto id = episode_in(episode_state::missing);
    const auto refused = failure_of([&] { services::get_episode(env_, w_.admin, id); });
    EXPECT_THAT(refused.kind(), AnyOf(failure_kind::forbidden, failure_kind::not_found));
}

TEST_F(episode_use_cases, reading_an_episode_is_audited) {
    const auto id = episode_in(episode_state::missing);
    const auto audited = count_where("audit_log", "entity_id = " + literal(id));
    services::get_episode(env_, w_.host_social_worker, id);
    EXPECT_EQ(count_where("audit_log", "entity_id = " + literal(id)), audited + 1);
    EXPECT_EQ(text("select actor_id::text from audit_log where entity_id = " + literal(id) +
                   " order by id desc limit 1"),
              w_.host_social_worker.user_id);
}

TEST_F(episode_use_cases, the_return_starts_clocks_due_24_24_and_72_hours_after_it) {
    const auto id = episode_in(episode_state::missing);
    advance(5h);
    auto back = bodies_.record_return();
    back["returned_at"] = at(-1h);
    send(w_.police, episode_event::record_return, id, back);
    const auto view = services::get_episode(env_, w_.social_worker, id);
    const auto returned = now() - 1h;
    struct expected {
        const char* kind;
        std::chrono::hours due;
    };
    for (const auto& [kind, due] :
         {expected{"safe_and_well", 24h}, expected{"interview_offered", 24h},
          expected{"interview_held", 72h}}) {
        const auto clock = deadline_of(view, kind);
        ASSERT_TRUE(clock.has_value()) << kind;
        EXPECT_EQ(clock->starts_at, returned) << kind;
        EXPECT_EQ(clock->due_at, returned + due) << kind;
        EXPECT_FALSE(clock->met_at.has_value()) << kind;
        EXPECT_NE(clock->status, workflow::clock_status::overdue) << kind;
        EXPECT_FALSE(clock->subject.has_value()) << kind;
    }
    advance(25h);
    const auto later = services::get_episode(env_, w_.social_worker, id);
    EXPECT_EQ(deadline(later, "interview_offered").status, workflow::clock_status::overdue);
    EXPECT_NE(deadline(later, "interview_held").status, workflow::clock_status::overdue);
}

TEST_F(episode_use_cases, recording_the_interview_meets_the_interview_held_clock) {
    const auto id = episode_in(episode_state::returned);
    advance(30h);
    const auto result =
        send(w_.social_worker, episode_event::record_interview, id, bodies_.interview());
    const auto held = deadline_of(result.episode, "interview_held");
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(held->met_at, now());
    EXPECT_EQ(held->status, workflow::clock_status::met);
}

TEST_F(episode_use_cases, each_role_is_offered_the_events_it_may_send_now) {
    const auto id = episode_in(episode_state::missing);
    EXPECT_THAT(services::get_episode(env_, w_.police, id).allowed_events,
                ElementsAre(episode_event::regrade_risk, episode_event::record_return,
                            episode_event::cancel));
    EXPECT_THAT(services::get_episode(env_, w_.social_worker, id).allowed_events,
                ElementsAre(episode_event::assign));
    EXPECT_TRUE(services::get_episode(env_, w_.cse_champion, id).allowed_events.empty());
    const auto interviewed = episode_in(episode_state::interviewed, "high");
    EXPECT_THAT(services::get_episode(env_, w_.cse_champion, interviewed).allowed_events,
                ElementsAre(episode_event::sign_off));
}

TEST_F(episode_use_cases, episodes_are_listed_only_within_the_callers_scope) {
    const auto id = episode_in(episode_state::missing);
    const auto contains = [&](const services::actor& who) {
        services::episode_query query;
        query.limit = 500;
        for (const auto& item : services::list_episodes(env_, who, query).items) {
            if (item.id == id) {
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

// send_event runs the use case of the event it is given: each use case audits under its own
// name, so a refused attempt of each event is found in the trail under that event's name.
TEST_F(episode_use_cases, every_event_of_an_episode_is_sent_to_its_own_use_case) {
    const std::string nowhere = "00000000-0000-0000-0000-000000000000";
    for (const auto event : workflow::all_events()) {
        if (event == episode_event::report) {
            continue;
        }
        const auto& traits = workflow::traits_of(event);
        // One who may send it: a role that may not is refused before the use case looks.
        const auto& who = [&]() -> const services::actor& {
            switch (traits.roles.front()) {
            case workflow::role::police:
                return w_.police;
            case workflow::role::social_worker:
                return w_.social_worker;
            case workflow::role::cse_champion:
                return w_.cse_champion;
            case workflow::role::manager:
            case workflow::role::admin:
            case workflow::role::data_protection_officer:
                break;
            }
            return w_.manager;
        }();
        auto attempt = call(event, nowhere, {});
        attempt.action_id = nowhere;
        const auto refused = failure_of([&] { services::send_event(env_, who, attempt); });
        EXPECT_EQ(refused.kind(), failure_kind::not_found) << traits.name;
        EXPECT_EQ(text("select action from audit_log where request_id = " +
                       literal(who.request_id) + " order by id desc limit 1"),
                  "episode." + std::string{traits.name});
    }
}

TEST_F(episode_use_cases, a_report_is_not_an_event_of_an_existing_episode) {
    const auto id = episode_in(episode_state::missing);
    expect_refused(id, failure_kind::not_found, w_.police, episode_event::report,
                   bodies_.report(make_child()));
    EXPECT_EQ(count_where("episode_history", "episode_id::text = " + literal(id)), 1);
}

// ---- one transaction
// --------------------------------------------------------------------------------

TEST_F(episode_use_cases, a_failure_inside_the_return_transaction_leaves_nothing_behind) {
    const auto id = episode_in(episode_state::missing);
    advance(1h);
    const auto before = snapshot(id);
    const auto audit = count("audit_log");
    env_.fault_injection = [](std::string_view) { throw std::runtime_error("injected"); };
    try {
        send(w_.police, episode_event::record_return, id, bodies_.record_return());
        ADD_FAILURE() << "the injected fault did not stop the return";
    } catch (const services::failure& refused) {
        ADD_FAILURE() << "the injected fault became a failure: " << refused.detail();
    } catch (const std::runtime_error& injected) {
        EXPECT_STREQ(injected.what(), "injected");
    }
    EXPECT_EQ(snapshot(id), before);
    // Nothing of the return's own transaction is left; the attempt itself is audited as an error
    // in a transaction of its own, so that the trail still shows it was made.
    EXPECT_EQ(count("audit_log"), audit + 1);
    EXPECT_EQ(text("select action || ':' || outcome from audit_log order by id desc limit 1"),
              "episode.return:error");
    EXPECT_EQ(notifications_of(id, "child_returned"), 0);

    env_.fault_injection = nullptr;
    expect_transition(id, w_.police, episode_event::record_return, episode_state::returned,
                      bodies_.record_return());
}

} // namespace
} // namespace homeward::testing
