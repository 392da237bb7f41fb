// The episode state machine: every row of the transition table, allowed and refused, for every
// role; and every guard, at its edges.

#include "homeward/workflow/episode_machine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace homeward::workflow {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 1} + 8h};
constexpr time_point last_seen = t0;
constexpr time_point returned = t0 + 10h;
constexpr time_point offered = t0 + 12h;
constexpr time_point interviewed = t0 + 30h;
constexpr time_point now = t0 + 100h;

// The transition table of domain.md, written out independently of the implementation.
// Key: (state or unreported, event) → state after.
using state_key = std::optional<episode_state>;
const std::map<std::pair<state_key, episode_event>, episode_state>& expected_table() {
    using S = episode_state;
    using E = episode_event;
    static const std::map<std::pair<state_key, episode_event>, episode_state> table{
        {{std::nullopt, E::report}, S::missing},
        {{S::missing, E::regrade_risk}, S::missing},
        {{S::missing, E::record_return}, S::returned},
        {{S::missing, E::cancel}, S::cancelled},
        {{S::missing, E::assign}, S::missing},
        {{S::returned, E::assign}, S::returned},
        {{S::interview_offered, E::assign}, S::interview_offered},
        {{S::interviewed, E::assign}, S::interviewed},
        {{S::follow_up, E::assign}, S::follow_up},
        {{S::returned, E::safe_and_well}, S::returned},
        {{S::interview_offered, E::safe_and_well}, S::interview_offered},
        {{S::interviewed, E::safe_and_well}, S::interviewed},
        {{S::follow_up, E::safe_and_well}, S::follow_up},
        {{S::returned, E::offer_interview}, S::interview_offered},
        {{S::interviewed, E::offer_interview},
         S::interview_offered}, // further offer after a refusal
        {{S::returned, E::record_interview}, S::interviewed},
        {{S::interview_offered, E::record_interview}, S::interviewed},
        {{S::returned, E::record_decline}, S::interviewed},
        {{S::interview_offered, E::record_decline}, S::interviewed},
        {{S::interviewed, E::raise_action}, S::follow_up},
        {{S::follow_up, E::raise_action}, S::follow_up},
        {{S::follow_up, E::complete_action}, S::follow_up},
        {{S::follow_up, E::cancel_action}, S::follow_up},
        {{S::follow_up, E::reassign_action}, S::follow_up},
        {{S::interviewed, E::sign_off}, S::interviewed},
        {{S::follow_up, E::sign_off}, S::follow_up},
        {{S::interviewed, E::close}, S::closed},
        {{S::follow_up, E::close}, S::closed},
        {{S::closed, E::reopen}, S::follow_up},
    };
    return table;
}

const std::map<episode_event, std::vector<role>>& expected_roles() {
    using E = episode_event;
    static const std::map<episode_event, std::vector<role>> roles{
        {E::report, {role::police}},
        {E::regrade_risk, {role::police}},
        {E::record_return, {role::police}},
        {E::safe_and_well, {role::police}},
        {E::assign, {role::social_worker, role::manager}},
        {E::offer_interview, {role::social_worker, role::manager}},
        {E::record_interview, {role::social_worker, role::manager}},
        {E::record_decline, {role::social_worker, role::manager}},
        {E::raise_action, {role::social_worker, role::manager}},
        {E::complete_action, {role::social_worker, role::manager, role::police}},
        {E::cancel_action, {role::social_worker, role::manager, role::police}},
        {E::reassign_action, {role::manager}},
        {E::sign_off, {role::cse_champion}},
        {E::close, {role::social_worker, role::manager}},
        {E::cancel, {role::police}},
        {E::reopen, {role::manager}},
    };
    return roles;
}

constexpr std::string_view actor_id = "actor-1";

// Facts and a request under which every guard of the row passes.
episode_facts ready_facts(state_key state, episode_event event) {
    episode_facts facts;
    facts.last_seen_at = last_seen;
    if (state && *state != episode_state::missing && *state != episode_state::cancelled) {
        facts.returned_at = returned;
    }
    if (state == episode_state::interview_offered) {
        facts.interview_offered_at = offered;
    }
    if (state == episode_state::interviewed || state == episode_state::follow_up ||
        state == episode_state::closed) {
        facts.interview_offered_at = offered;
        facts.interview_at = interviewed;
        facts.interview_declined = event == episode_event::offer_interview;
        facts.interview_cse_risk =
            event == episode_event::sign_off ? cse_risk::medium : cse_risk::low;
    }
    const bool on_action = event == episode_event::complete_action ||
                           event == episode_event::cancel_action ||
                           event == episode_event::reassign_action;
    facts.open_actions = on_action ? 1 : 0;
    if (on_action) {
        facts.target_action = episode_facts::action{std::string{actor_id}, true};
    }
    return facts;
}

// The event with data under which its guard passes, its own time set to `at`: the worker
// assigned is the sender; the action completed is the sender's and open (ready_facts).
event_body ready_body(episode_event event, time_point at) {
    event_body body;
    for_each_event([&]<typename Event>(std::type_identity<Event>) {
        if (Event::id != event) {
            return;
        }
        Event e{};
        if constexpr (requires { e.last_seen_at; }) {
            e.last_seen_at = at;
        }
        if constexpr (requires { e.returned_at; }) {
            e.returned_at = at;
        }
        if constexpr (requires { e.conducted_at; }) {
            e.conducted_at = at;
        }
        if constexpr (requires { e.offered_at; }) {
            e.offered_at = at;
            e.scheduled_for = at + 24h;
        }
        if constexpr (requires { e.declined_at; }) {
            e.declined_at = at;
        }
        if constexpr (requires { e.worker_id; }) {
            e.worker_id = std::string{actor_id};
        }
        if constexpr (requires { e.action_id; }) {
            e.action_id = "action-1";
        }
        if constexpr (requires { e.owner_id; }) {
            e.owner_id = "owner-2"; // not the action's owner (ready_facts)
        }
        body = std::move(e);
    });
    return body;
}

event_sender sender(role actor) { return {actor, std::string{actor_id}, now}; }

std::string key_name(state_key state, episode_event event) {
    std::string name{state ? to_string(*state) : "unreported"};
    name += "__";
    for (const char c : to_string(event)) {
        name += c == '-' ? '_' : c;
    }
    return name;
}

class transition_row : public ::testing::TestWithParam<std::tuple<state_key, episode_event>> {};

// Every (state, event) pair, for every role: allowed exactly where the table and the role
// table say so; otherwise refused with the reason the API turns into 403 or 409.
TEST_P(transition_row, is_allowed_exactly_for_the_roles_and_states_of_the_table) {
    const auto [state, event] = GetParam();
    const auto row = expected_table().find({state, event});
    const auto& permitted = expected_roles().at(event);
    for (const auto actor : all_roles()) {
        SCOPED_TRACE(std::string{to_string(actor)});
        const bool role_ok =
            std::find(permitted.begin(), permitted.end(), actor) != permitted.end();
        const auto result =
            decide(state, sender(actor), ready_facts(state, event), ready_body(event, now - 1h));
        EXPECT_EQ(result.from, state);
        if (!role_ok) {
            EXPECT_EQ(result.outcome, verdict::role_forbidden);
            EXPECT_THAT(result.reason, HasSubstr(std::string{to_string(actor)}));
            EXPECT_FALSE(result.to);
        } else if (row != expected_table().end()) {
            EXPECT_EQ(result.outcome, verdict::allowed) << result.reason;
            EXPECT_EQ(result.to, row->second);
        } else {
            EXPECT_EQ(result.outcome, verdict::state_forbids);
            EXPECT_FALSE(result.to);
            const std::string state_name{state ? to_string(*state) : "unreported"};
            EXPECT_THAT(result.reason, HasSubstr("the episode is " + state_name));
            EXPECT_THAT(result.reason, HasSubstr("allowed events:"));
        }
    }
}

std::vector<state_key> every_state_key() {
    std::vector<state_key> keys{std::nullopt};
    for (const auto state : all_states()) {
        keys.emplace_back(state);
    }
    return keys;
}

INSTANTIATE_TEST_SUITE_P(every_state_and_event, transition_row,
                         ::testing::Combine(::testing::ValuesIn(every_state_key()),
                                            ::testing::ValuesIn(all_events())),
                         [](const auto& param_info) {
                             return key_name(std::get<0>(param_info.param),
                                             std::get<1>(param_info.param));
                         });

TEST(episode_roles, role_table_in_the_workflow_matches_domain_md) {
    for (const auto& [event, roles] : expected_roles()) {
        const auto actual = roles_for(event);
        EXPECT_EQ(std::vector<role>(actual.begin(), actual.end()), roles) << to_string(event);
    }
}

TEST(episode_roles, admin_may_send_no_event_at_all) {
    for (const auto event : all_events()) {
        EXPECT_FALSE(role_may(role::admin, event)) << to_string(event);
    }
}

// ---- guards -------------------------------------------------------------------------------

decision send(state_key state, episode_event event, role actor, const episode_facts& facts,
              time_point at = now - 1h) {
    return decide(state, sender(actor), facts, ready_body(event, at));
}

TEST(report_guard, last_seen_in_the_future_is_refused_naming_the_field) {
    const auto result = send(std::nullopt, episode_event::report, role::police, {}, now + 1s);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_EQ(result.field, "last_seen_at");
    EXPECT_THAT(result.reason, HasSubstr("future"));
}

TEST(report_guard, last_seen_exactly_now_is_allowed) {
    EXPECT_TRUE(send(std::nullopt, episode_event::report, role::police, {}, now).allowed());
}

TEST(return_guard, return_before_last_seen_is_refused) {
    const auto facts = ready_facts(episode_state::missing, episode_event::record_return);
    const auto result = send(episode_state::missing, episode_event::record_return, role::police,
                             facts, last_seen - 1s);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_EQ(result.field, "returned_at");
    EXPECT_THAT(result.reason, HasSubstr("before the episode's last seen time"));
}

TEST(return_guard, return_at_the_last_seen_instant_is_allowed) {
    const auto facts = ready_facts(episode_state::missing, episode_event::record_return);
    EXPECT_TRUE(
        send(episode_state::missing, episode_event::record_return, role::police, facts, last_seen)
            .allowed());
}

TEST(return_guard, return_in_the_future_is_refused) {
    const auto facts = ready_facts(episode_state::missing, episode_event::record_return);
    const auto result =
        send(episode_state::missing, episode_event::record_return, role::police, facts, now + 1s);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_THAT(result.reason, HasSubstr("future"));
}

TEST(safe_and_well_guard, a_second_check_is_refused) {
    auto facts = ready_facts(episode_state::returned, episode_event::safe_and_well);
    facts.safe_and_well_at = returned + 1h;
    const auto result =
        send(episode_state::returned, episode_event::safe_and_well, role::police, facts, now);
    EXPECT_EQ(result.outcome, verdict::precondition_failed);
    EXPECT_THAT(result.reason, HasSubstr("already recorded"));
}

TEST(safe_and_well_guard, a_check_before_the_return_is_refused) {
    const auto facts = ready_facts(episode_state::returned, episode_event::safe_and_well);
    const auto result = send(episode_state::returned, episode_event::safe_and_well, role::police,
                             facts, returned - 1s);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_EQ(result.field, "conducted_at");
}

events::assign assigning(std::string worker) {
    events::assign e;
    e.worker_id = std::move(worker);
    return e;
}

TEST(assign_guard, a_social_worker_may_not_assign_someone_else) {
    const auto result = decide(episode_state::returned, sender(role::social_worker),
                               ready_facts(episode_state::returned, episode_event::assign),
                               assigning("someone-else"));
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_EQ(result.field, "worker_id");
}

TEST(assign_guard, a_manager_may_assign_anyone) {
    EXPECT_TRUE(decide(episode_state::returned, sender(role::manager),
                       ready_facts(episode_state::returned, episode_event::assign),
                       assigning("someone-else"))
                    .allowed());
}

TEST(offer_guard, an_offer_before_the_return_is_refused) {
    const auto facts = ready_facts(episode_state::returned, episode_event::offer_interview);
    const auto result = send(episode_state::returned, episode_event::offer_interview,
                             role::social_worker, facts, returned - 1s);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_EQ(result.field, "offered_at");
}

TEST(offer_guard, a_further_offer_after_a_held_interview_is_refused) {
    auto facts = ready_facts(episode_state::interviewed, episode_event::offer_interview);
    facts.interview_declined = false;
    const auto result = send(episode_state::interviewed, episode_event::offer_interview,
                             role::social_worker, facts, now);
    EXPECT_EQ(result.outcome, verdict::precondition_failed);
    EXPECT_THAT(result.reason, HasSubstr("only a refusal"));
}

TEST(offer_guard, a_further_offer_before_the_refusal_is_refused) {
    const auto facts = ready_facts(episode_state::interviewed, episode_event::offer_interview);
    const auto result = send(episode_state::interviewed, episode_event::offer_interview,
                             role::social_worker, facts, interviewed - 1s);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
}

TEST(interview_guard, an_interview_before_the_offer_is_refused) {
    const auto facts =
        ready_facts(episode_state::interview_offered, episode_event::record_interview);
    const auto result = send(episode_state::interview_offered, episode_event::record_interview,
                             role::social_worker, facts, offered - 1s);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_EQ(result.field, "conducted_at");
    EXPECT_THAT(result.reason, HasSubstr("offer time"));
}

TEST(interview_guard, an_interview_without_an_offer_is_allowed_after_the_return) {
    const auto facts = ready_facts(episode_state::returned, episode_event::record_interview);
    EXPECT_TRUE(send(episode_state::returned, episode_event::record_interview, role::social_worker,
                     facts, returned)
                    .allowed());
}

TEST(decline_guard, a_refusal_before_the_return_is_refused) {
    const auto facts = ready_facts(episode_state::returned, episode_event::record_decline);
    const auto result = send(episode_state::returned, episode_event::record_decline,
                             role::social_worker, facts, returned - 1s);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_EQ(result.field, "declined_at");
}

TEST(complete_action_guard, a_social_worker_who_does_not_own_the_action_is_refused) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::complete_action);
    facts.target_action->owner_id = "someone-else";
    const auto result =
        send(episode_state::follow_up, episode_event::complete_action, role::social_worker, facts);
    EXPECT_EQ(result.outcome, verdict::precondition_failed);
    EXPECT_THAT(result.reason, HasSubstr("owner"));
}

TEST(complete_action_guard, a_manager_may_complete_an_action_owned_by_someone_else) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::complete_action);
    facts.target_action->owner_id = "someone-else";
    EXPECT_TRUE(send(episode_state::follow_up, episode_event::complete_action, role::manager, facts)
                    .allowed());
}

TEST(complete_action_guard, an_action_already_done_cannot_be_completed_again) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::complete_action);
    facts.target_action->open = false;
    const auto result =
        send(episode_state::follow_up, episode_event::complete_action, role::manager, facts);
    EXPECT_EQ(result.outcome, verdict::precondition_failed);
}

TEST(cancel_action_guard, only_the_owner_or_a_manager_cancels_and_only_an_open_action) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::cancel_action);
    EXPECT_TRUE(
        send(episode_state::follow_up, episode_event::cancel_action, role::social_worker, facts)
            .allowed());
    facts.target_action->owner_id = "someone-else";
    const auto not_theirs =
        send(episode_state::follow_up, episode_event::cancel_action, role::social_worker, facts);
    EXPECT_EQ(not_theirs.outcome, verdict::precondition_failed);
    EXPECT_THAT(not_theirs.reason, HasSubstr("owner or a manager may cancel"));
    EXPECT_TRUE(send(episode_state::follow_up, episode_event::cancel_action, role::manager, facts)
                    .allowed());
    facts.target_action->open = false;
    EXPECT_EQ(
        send(episode_state::follow_up, episode_event::cancel_action, role::manager, facts).outcome,
        verdict::precondition_failed);
}

TEST(reassign_action_guard, the_current_owner_is_refused_naming_owner_id) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::reassign_action);
    facts.target_action->owner_id = "owner-2"; // the owner ready_body names
    const auto result =
        send(episode_state::follow_up, episode_event::reassign_action, role::manager, facts);
    EXPECT_EQ(result.outcome, verdict::invalid_input);
    EXPECT_EQ(result.field, "owner_id");
    facts.target_action->open = false;
    EXPECT_EQ(send(episode_state::follow_up, episode_event::reassign_action, role::manager, facts)
                  .outcome,
              verdict::precondition_failed);
}

TEST(sign_off_guard, sign_off_is_refused_when_cse_risk_is_low_or_none) {
    for (const auto level : {cse_risk::none, cse_risk::low}) {
        auto facts = ready_facts(episode_state::follow_up, episode_event::sign_off);
        facts.interview_cse_risk = level;
        const auto result =
            send(episode_state::follow_up, episode_event::sign_off, role::cse_champion, facts);
        EXPECT_EQ(result.outcome, verdict::precondition_failed) << to_string(level);
    }
}

TEST(sign_off_guard, a_second_sign_off_is_refused) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::sign_off);
    facts.signed_off = true;
    const auto result =
        send(episode_state::follow_up, episode_event::sign_off, role::cse_champion, facts);
    EXPECT_EQ(result.outcome, verdict::precondition_failed);
}

TEST(close_guard, close_with_open_actions_is_refused_naming_the_count_and_state) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::close);
    facts.open_actions = 2;
    const auto result = send(episode_state::follow_up, episode_event::close, role::manager, facts);
    EXPECT_EQ(result.outcome, verdict::precondition_failed);
    EXPECT_THAT(result.reason, HasSubstr("2 follow-up action(s) are still open"));
    EXPECT_THAT(result.reason, HasSubstr("episode is follow_up"));
}

TEST(close_guard, close_at_medium_or_high_cse_risk_needs_the_champions_sign_off) {
    for (const auto level : {cse_risk::medium, cse_risk::high}) {
        auto facts = ready_facts(episode_state::follow_up, episode_event::close);
        facts.interview_cse_risk = level;
        const auto refused =
            send(episode_state::follow_up, episode_event::close, role::social_worker, facts);
        EXPECT_EQ(refused.outcome, verdict::precondition_failed) << to_string(level);
        EXPECT_THAT(refused.reason, HasSubstr("sign off"));
        facts.signed_off = true;
        EXPECT_TRUE(send(episode_state::follow_up, episode_event::close, role::social_worker, facts)
                        .allowed());
    }
}

TEST(close_guard, an_interviewed_episode_without_actions_may_close) {
    const auto facts = ready_facts(episode_state::interviewed, episode_event::close);
    const auto result =
        send(episode_state::interviewed, episode_event::close, role::social_worker, facts);
    EXPECT_EQ(result.to, episode_state::closed);
}

TEST(cancel_guard, cancel_after_return_is_refused_naming_state_and_allowed_events) {
    const auto facts = ready_facts(episode_state::returned, episode_event::cancel);
    const auto result = send(episode_state::returned, episode_event::cancel, role::police, facts);
    EXPECT_EQ(result.outcome, verdict::state_forbids);
    EXPECT_THAT(result.reason, HasSubstr("the episode is returned"));
    EXPECT_THAT(result.reason, HasSubstr("allowed events: safe-and-well"));
}

// ---- allowed events -----------------------------------------------------------------------

std::vector<episode_event> allowed_for(state_key state, role actor, episode_facts facts) {
    return allowed_events(state, sender(actor), facts);
}

TEST(allowed_events, police_on_a_missing_episode_may_regrade_return_or_cancel) {
    EXPECT_EQ(allowed_for(episode_state::missing, role::police, {}),
              (std::vector{episode_event::regrade_risk, episode_event::record_return,
                           episode_event::cancel}));
}

TEST(allowed_events, only_police_may_report_a_new_episode) {
    EXPECT_EQ(allowed_for(std::nullopt, role::police, {}), (std::vector{episode_event::report}));
    EXPECT_TRUE(allowed_for(std::nullopt, role::social_worker, {}).empty());
}

TEST(allowed_events, a_declined_interview_may_be_offered_again) {
    auto facts = ready_facts(episode_state::interviewed, episode_event::offer_interview);
    const auto allowed = allowed_for(episode_state::interviewed, role::social_worker, facts);
    EXPECT_THAT(allowed, ::testing::Contains(episode_event::offer_interview));
    facts.interview_declined = false;
    EXPECT_THAT(allowed_for(episode_state::interviewed, role::social_worker, facts),
                ::testing::Not(::testing::Contains(episode_event::offer_interview)));
}

TEST(allowed_events, close_is_not_offered_while_actions_are_open) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::close);
    facts.open_actions = 1;
    const auto allowed = allowed_for(episode_state::follow_up, role::manager, facts);
    EXPECT_THAT(allowed, ::testing::Not(::testing::Contains(episode_event::close)));
    EXPECT_THAT(allowed, ::testing::Contains(episode_event::complete_action));
}

TEST(allowed_events, the_champion_is_offered_sign_off_only_when_it_is_needed) {
    auto facts = ready_facts(episode_state::follow_up, episode_event::sign_off);
    EXPECT_EQ(allowed_for(episode_state::follow_up, role::cse_champion, facts),
              (std::vector{episode_event::sign_off}));
    facts.interview_cse_risk = cse_risk::low;
    EXPECT_TRUE(allowed_for(episode_state::follow_up, role::cse_champion, facts).empty());
}

TEST(allowed_events, a_closed_episode_may_only_be_reopened_by_a_manager) {
    const auto facts = ready_facts(episode_state::closed, episode_event::reopen);
    EXPECT_EQ(allowed_for(episode_state::closed, role::manager, facts),
              (std::vector{episode_event::reopen}));
    EXPECT_TRUE(allowed_for(episode_state::closed, role::social_worker, facts).empty());
}

TEST(allowed_events, a_cancelled_episode_allows_nothing_to_anyone) {
    for (const auto actor : all_roles()) {
        EXPECT_TRUE(allowed_for(episode_state::cancelled, actor, {}).empty());
    }
}

TEST(allowed_events, a_refusal_lists_the_callers_allowed_events) {
    const auto result =
        send(episode_state::missing, episode_event::safe_and_well, role::police, {}, now);
    EXPECT_EQ(result.outcome, verdict::state_forbids);
    EXPECT_EQ(result.allowed_events,
              (std::vector{episode_event::regrade_risk, episode_event::record_return,
                           episode_event::cancel}));
    EXPECT_THAT(result.reason, HasSubstr("allowed events: risk, return, cancel"));
}

} // namespace
} // namespace homeward::workflow
