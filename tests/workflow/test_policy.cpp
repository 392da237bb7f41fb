#include "homeward/workflow/policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace homeward::workflow {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A UTC instant from its calendar parts.
time_point utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0,
               int second = 0) {
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                           std::chrono::day{day}};
    return time_point{std::chrono::sys_days{date}} + hours{hour} + minutes{minute} +
           seconds{second};
}

const time_point reported = utc(2024, 3, 1, 22, 15);
const time_point returned = utc(2024, 3, 2, 9, 30);

clock_inputs returned_episode() {
    clock_inputs facts;
    facts.reported_at = reported;
    facts.risk = risk_level::medium;
    facts.returned_at = returned;
    return facts;
}

std::vector<deadline> clocks_of_kind(const std::vector<deadline>& clocks, clock_kind kind) {
    std::vector<deadline> found;
    std::copy_if(clocks.begin(), clocks.end(), std::back_inserter(found),
                 [kind](const deadline& clock) { return clock.kind == kind; });
    return found;
}

// The only clock of a kind; fails the test if there is not exactly one.
deadline only_clock(const std::vector<deadline>& clocks, clock_kind kind) {
    const auto found = clocks_of_kind(clocks, kind);
    EXPECT_EQ(found.size(), 1U) << "clock " << to_string(kind);
    return found.empty() ? deadline{} : found.front();
}

// Checks a clock's due time and its status at the exact boundary instants: one second before the
// 24-hour due-soon window opens it is pending, at the opening and one second before due it is
// due soon, at the due time itself it is overdue.
void expect_boundaries(const deadline& clock, time_point expected_due, const policy& rules) {
    EXPECT_EQ(clock.due_at, expected_due);
    EXPECT_EQ(classify(clock, expected_due - hours{24} - seconds{1}, rules), clock_status::pending);
    EXPECT_EQ(classify(clock, expected_due - hours{24}, rules), clock_status::due_soon);
    EXPECT_EQ(classify(clock, expected_due - seconds{1}, rules), clock_status::due_soon);
    EXPECT_EQ(classify(clock, expected_due, rules), clock_status::overdue);
    EXPECT_EQ(classify(clock, expected_due + days{30}, rules), clock_status::overdue);
}

// ---- england --------------------------------------------------------------------------------

TEST(england_policy, safe_and_well_is_due_24_hours_after_return_at_exact_boundaries) {
    const policy rules = england_policy();
    const deadline clock =
        only_clock(episode_deadlines(rules, returned_episode()), clock_kind::safe_and_well);
    EXPECT_EQ(clock.starts_at, returned);
    expect_boundaries(clock, utc(2024, 3, 3, 9, 30), rules);
    EXPECT_EQ(holder_of(clock.kind), clock_holder::police);
}

TEST(england_policy, safe_and_well_is_met_by_the_check) {
    const policy rules = england_policy();
    auto facts = returned_episode();
    facts.safe_and_well_at = returned + hours{3};
    const deadline clock = only_clock(episode_deadlines(rules, facts), clock_kind::safe_and_well);
    EXPECT_EQ(clock.met_at, returned + hours{3});
    EXPECT_EQ(classify(clock, returned + days{10}, rules), clock_status::met);
    EXPECT_FALSE(met_late(clock));
}

TEST(england_policy, interview_offered_is_due_24_hours_after_return) {
    const policy rules = england_policy();
    const deadline clock =
        only_clock(episode_deadlines(rules, returned_episode()), clock_kind::interview_offered);
    EXPECT_EQ(clock.starts_at, returned);
    expect_boundaries(clock, utc(2024, 3, 3, 9, 30), rules);
    EXPECT_EQ(holder_of(clock.kind), clock_holder::social_work);
}

TEST(england_policy, interview_held_is_due_72_hours_after_return) {
    const policy rules = england_policy();
    const deadline clock =
        only_clock(episode_deadlines(rules, returned_episode()), clock_kind::interview_held);
    EXPECT_EQ(clock.starts_at, returned);
    expect_boundaries(clock, utc(2024, 3, 5, 9, 30), rules);
    EXPECT_EQ(classify(clock, utc(2024, 3, 4, 9, 29, 59), rules), clock_status::pending);
    EXPECT_EQ(classify(clock, utc(2024, 3, 4, 9, 30), rules), clock_status::due_soon);
}

TEST(england_policy, interview_offered_is_met_by_the_offer) {
    auto facts = returned_episode();
    facts.interview_offered_at = returned + hours{5};
    facts.interview_held_at = returned + hours{30};
    const deadline clock =
        only_clock(episode_deadlines(england_policy(), facts), clock_kind::interview_offered);
    EXPECT_EQ(clock.met_at, returned + hours{5});
}

TEST(england_policy, interview_offered_is_met_by_an_interview_held_without_an_offer) {
    auto facts = returned_episode();
    facts.interview_held_at = returned + hours{20};
    const deadline clock =
        only_clock(episode_deadlines(england_policy(), facts), clock_kind::interview_offered);
    EXPECT_EQ(clock.met_at, returned + hours{20});
    EXPECT_EQ(classify(clock, returned + hours{30}, england_policy()), clock_status::met);
}

TEST(england_policy, interview_offered_is_met_by_a_decline_that_came_before_any_offer) {
    auto facts = returned_episode();
    facts.interview_declined_at = returned + hours{2};
    facts.interview_offered_at = returned + hours{4};
    const deadline clock =
        only_clock(episode_deadlines(england_policy(), facts), clock_kind::interview_offered);
    EXPECT_EQ(clock.met_at, returned + hours{2});
}

TEST(england_policy, interview_held_is_met_by_the_interview) {
    auto facts = returned_episode();
    facts.interview_offered_at = returned + hours{1};
    facts.interview_held_at = returned + hours{71};
    const deadline clock =
        only_clock(episode_deadlines(england_policy(), facts), clock_kind::interview_held);
    EXPECT_EQ(clock.met_at, returned + hours{71});
    EXPECT_FALSE(met_late(clock));
}

TEST(england_policy, interview_held_is_met_by_the_earlier_of_interview_and_decline) {
    auto facts = returned_episode();
    facts.interview_declined_at = returned + hours{10};
    facts.interview_held_at = returned + hours{50};
    const deadline clock =
        only_clock(episode_deadlines(england_policy(), facts), clock_kind::interview_held);
    EXPECT_EQ(clock.met_at, returned + hours{10});
}

TEST(england_policy, return_clocks_do_not_exist_while_the_child_is_missing) {
    clock_inputs facts;
    facts.reported_at = reported;
    const auto clocks = episode_deadlines(england_policy(), facts);
    ASSERT_EQ(clocks.size(), 1U);
    EXPECT_EQ(clocks.front().kind, clock_kind::long_missing);
    EXPECT_TRUE(clocks.front().subject.empty());
}

TEST(england_policy, long_missing_high_risk_is_due_6_hours_after_report) {
    const policy rules = england_policy();
    clock_inputs facts;
    facts.reported_at = reported;
    facts.risk = risk_level::high;
    const deadline clock = only_clock(episode_deadlines(rules, facts), clock_kind::long_missing);
    EXPECT_EQ(clock.starts_at, reported);
    expect_boundaries(clock, utc(2024, 3, 2, 4, 15), rules);
    EXPECT_EQ(holder_of(clock.kind), clock_holder::police);
}

TEST(england_policy, long_missing_medium_risk_is_due_24_hours_after_report) {
    const policy rules = england_policy();
    clock_inputs facts;
    facts.reported_at = reported;
    facts.risk = risk_level::medium;
    const deadline clock = only_clock(episode_deadlines(rules, facts), clock_kind::long_missing);
    expect_boundaries(clock, utc(2024, 3, 2, 22, 15), rules);
}

TEST(england_policy, long_missing_low_risk_is_due_72_hours_after_report) {
    const policy rules = england_policy();
    clock_inputs facts;
    facts.reported_at = reported;
    facts.risk = risk_level::low;
    const deadline clock = only_clock(episode_deadlines(rules, facts), clock_kind::long_missing);
    expect_boundaries(clock, utc(2024, 3, 4, 22, 15), rules);
    EXPECT_EQ(classify(clock, utc(2024, 3, 3, 22, 14, 59), rules), clock_status::pending);
}

TEST(england_policy, long_missing_due_time_follows_the_current_grade_after_a_regrade) {
    const policy rules = england_policy();
    clock_inputs facts;
    facts.reported_at = reported;
    facts.risk = risk_level::low;
    const time_point now = reported + hours{8};
    EXPECT_EQ(
        classify(only_clock(episode_deadlines(rules, facts), clock_kind::long_missing), now, rules),
        clock_status::pending);
    facts.risk = risk_level::high; // regraded: 6 hours from the report have already passed
    const deadline regraded = only_clock(episode_deadlines(rules, facts), clock_kind::long_missing);
    EXPECT_EQ(regraded.starts_at, reported);
    EXPECT_EQ(regraded.due_at, reported + hours{6});
    EXPECT_EQ(classify(regraded, now, rules), clock_status::overdue);
}

TEST(england_policy, long_missing_is_met_at_return_and_late_after_the_due_time) {
    const policy rules = england_policy();
    clock_inputs facts;
    facts.reported_at = reported;
    facts.risk = risk_level::high;
    facts.returned_at = reported + hours{6};
    const deadline on_time = only_clock(episode_deadlines(rules, facts), clock_kind::long_missing);
    EXPECT_EQ(on_time.met_at, reported + hours{6});
    EXPECT_EQ(classify(on_time, reported + days{3}, rules), clock_status::met);
    EXPECT_FALSE(met_late(on_time));

    facts.returned_at = reported + hours{6} + seconds{1};
    const deadline late = only_clock(episode_deadlines(rules, facts), clock_kind::long_missing);
    EXPECT_TRUE(met_late(late));
    EXPECT_EQ(classify(late, reported + days{3}, rules), clock_status::met);
}

TEST(england_policy, has_no_further_offer_after_a_decline) {
    auto facts = returned_episode();
    facts.interview_declined_at = returned + hours{10};
    const auto clocks = episode_deadlines(england_policy(), facts);
    EXPECT_TRUE(clocks_of_kind(clocks, clock_kind::further_offer).empty());
    EXPECT_FALSE(england_policy().further_offer_due.has_value());
}

TEST(england_policy, each_follow_up_action_has_a_clock_sorted_by_id) {
    const policy rules = england_policy();
    auto facts = returned_episode();
    facts.actions.push_back({"b-2", returned + hours{1}, utc(2024, 3, 20, 17), std::nullopt});
    facts.actions.push_back({"a-1", returned + hours{2}, utc(2024, 3, 10, 12), utc(2024, 3, 9, 8)});
    const auto actions =
        clocks_of_kind(episode_deadlines(rules, facts), clock_kind::follow_up_action);
    ASSERT_EQ(actions.size(), 2U);
    EXPECT_EQ(actions[0].subject, "a-1");
    EXPECT_EQ(actions[0].starts_at, returned + hours{2});
    EXPECT_EQ(actions[0].met_at, utc(2024, 3, 9, 8));
    EXPECT_EQ(classify(actions[0], utc(2024, 3, 30), rules), clock_status::met);
    EXPECT_EQ(actions[1].subject, "b-2");
    EXPECT_EQ(actions[1].starts_at, returned + hours{1});
    expect_boundaries(actions[1], utc(2024, 3, 20, 17), rules);
    EXPECT_EQ(holder_of(clock_kind::follow_up_action), clock_holder::action_owner);
}

TEST(england_policy, follow_up_action_done_after_its_due_date_is_met_late) {
    auto facts = returned_episode();
    facts.actions.push_back({"a-1", returned, utc(2024, 3, 10, 12), utc(2024, 3, 10, 12, 0, 1)});
    const deadline clock =
        only_clock(episode_deadlines(england_policy(), facts), clock_kind::follow_up_action);
    EXPECT_TRUE(met_late(clock));
}

TEST(england_policy, cse_reassessment_is_due_3_calendar_months_after_the_assessment) {
    const policy rules = england_policy();
    const deadline clock = cse_reassessment_deadline(rules, utc(2024, 3, 4, 14, 5));
    EXPECT_EQ(clock.kind, clock_kind::cse_reassessment);
    EXPECT_EQ(clock.starts_at, utc(2024, 3, 4, 14, 5));
    EXPECT_FALSE(clock.met_at.has_value());
    expect_boundaries(clock, utc(2024, 6, 4, 14, 5), rules);
    EXPECT_EQ(holder_of(clock_kind::cse_reassessment), clock_holder::social_work);
}

TEST(england_policy, cse_reassessment_is_a_child_clock_that_outlives_the_episode) {
    for (const cse_risk level : {cse_risk::none, cse_risk::low, cse_risk::high}) {
        auto facts = returned_episode();
        facts.interview_held_at = returned + hours{20};
        facts.interview_cse_risk = level;
        facts.stopped_at = returned + days{2};
        EXPECT_TRUE(
            clocks_of_kind(episode_deadlines(england_policy(), facts), clock_kind::cse_reassessment)
                .empty());
    }
}

TEST(england_policy, cse_reassessment_clamps_to_the_end_of_a_shorter_month) {
    EXPECT_EQ(cse_reassessment_deadline(england_policy(), utc(2023, 11, 30, 10)).due_at,
              utc(2024, 2, 29, 10));
    EXPECT_EQ(cse_reassessment_deadline(england_policy(), utc(2022, 11, 30, 10)).due_at,
              utc(2023, 2, 28, 10));
}

TEST(policy_file, cse_reassessment_months_set_the_reassessment_due_time) {
    policy rules = england_policy();
    rules.cse_reassessment_months = 6;
    EXPECT_EQ(cse_reassessment_deadline(rules, utc(2024, 1, 15, 9)).due_at, utc(2024, 7, 15, 9));
}

TEST(england_policy, a_profile_review_falls_due_six_calendar_months_after_the_profile_is_recorded) {
    const auto clock = profile_review_deadline(england_policy(), utc(2024, 1, 15, 9));
    EXPECT_EQ(clock.kind, clock_kind::profile_review);
    EXPECT_EQ(clock.starts_at, utc(2024, 1, 15, 9));
    EXPECT_EQ(clock.due_at, utc(2024, 7, 15, 9));
    EXPECT_EQ(profile_review_deadline(england_policy(), utc(2023, 8, 31, 9)).due_at,
              utc(2024, 2, 29, 9));
    EXPECT_EQ(holder_of(clock_kind::profile_review), clock_holder::social_work);
}

TEST(england_policy, clocks_come_in_clock_kind_order_with_actions_by_id) {
    auto facts = returned_episode();
    facts.interview_held_at = returned + hours{20};
    facts.interview_cse_risk = cse_risk::low;
    facts.actions.push_back({"z", returned, returned + days{5}, std::nullopt});
    facts.actions.push_back({"m", returned, returned + days{5}, std::nullopt});
    const auto clocks = episode_deadlines(england_policy(), facts);
    std::vector<std::pair<clock_kind, std::string>> order;
    for (const auto& clock : clocks) {
        order.emplace_back(clock.kind, clock.subject);
    }
    const std::vector<std::pair<clock_kind, std::string>> expected{
        {clock_kind::safe_and_well, ""},     {clock_kind::interview_offered, ""},
        {clock_kind::interview_held, ""},    {clock_kind::follow_up_action, "m"},
        {clock_kind::follow_up_action, "z"}, {clock_kind::long_missing, ""},
    };
    EXPECT_EQ(order, expected);
}

TEST(england_policy, closing_the_episode_stops_every_unmet_clock) {
    const policy rules = england_policy();
    auto facts = returned_episode();
    const time_point closed = returned + hours{12};
    facts.safe_and_well_at = returned + hours{2};      // met before the close
    facts.interview_offered_at = returned + hours{13}; // met only after the close
    facts.stopped_at = closed;
    for (const auto& clock : episode_deadlines(rules, facts)) {
        if (clock.kind == clock_kind::safe_and_well || clock.kind == clock_kind::long_missing) {
            EXPECT_TRUE(clock.met_at.has_value()) << to_string(clock.kind);
            EXPECT_FALSE(clock.stopped_at.has_value()) << to_string(clock.kind);
            EXPECT_EQ(classify(clock, returned + days{9}, rules), clock_status::met);
        } else {
            EXPECT_FALSE(clock.met_at.has_value()) << to_string(clock.kind);
            EXPECT_EQ(clock.stopped_at, closed) << to_string(clock.kind);
            EXPECT_EQ(classify(clock, returned + days{9}, rules), clock_status::stopped);
        }
    }
}

TEST(england_policy, a_clock_met_at_the_instant_of_closing_stays_met) {
    auto facts = returned_episode();
    facts.safe_and_well_at = returned + hours{12};
    facts.stopped_at = returned + hours{12};
    const deadline clock =
        only_clock(episode_deadlines(england_policy(), facts), clock_kind::safe_and_well);
    EXPECT_EQ(clock.met_at, returned + hours{12});
    EXPECT_FALSE(clock.stopped_at.has_value());
}

TEST(england_policy, a_cancelled_missing_episode_stops_the_long_missing_clock) {
    clock_inputs facts;
    facts.reported_at = reported;
    facts.risk = risk_level::high;
    facts.stopped_at = reported + hours{2};
    const deadline clock =
        only_clock(episode_deadlines(england_policy(), facts), clock_kind::long_missing);
    EXPECT_EQ(classify(clock, reported + hours{7}, england_policy()), clock_status::stopped);
}

// ---- scotland -------------------------------------------------------------------------------

TEST(scotland_policy, interview_is_arranged_within_72_hours_of_return) {
    const policy rules = scotland_policy();
    const deadline clock =
        only_clock(episode_deadlines(rules, returned_episode()), clock_kind::interview_offered);
    expect_boundaries(clock, utc(2024, 3, 5, 9, 30), rules);
}

TEST(scotland_policy, interview_is_held_within_7_days_of_return) {
    const policy rules = scotland_policy();
    const deadline clock =
        only_clock(episode_deadlines(rules, returned_episode()), clock_kind::interview_held);
    expect_boundaries(clock, utc(2024, 3, 9, 9, 30), rules);
}

TEST(scotland_policy, safe_and_well_and_long_missing_match_england) {
    const policy rules = scotland_policy();
    auto facts = returned_episode();
    facts.risk = risk_level::high;
    const auto clocks = episode_deadlines(rules, facts);
    expect_boundaries(only_clock(clocks, clock_kind::safe_and_well), utc(2024, 3, 3, 9, 30), rules);
    EXPECT_EQ(only_clock(clocks, clock_kind::long_missing).due_at, utc(2024, 3, 2, 4, 15));
}

TEST(scotland_policy, a_decline_starts_a_further_offer_due_72_hours_later) {
    const policy rules = scotland_policy();
    auto facts = returned_episode();
    facts.interview_declined_at = utc(2024, 3, 3, 11);
    const deadline clock = only_clock(episode_deadlines(rules, facts), clock_kind::further_offer);
    EXPECT_EQ(clock.starts_at, utc(2024, 3, 3, 11));
    expect_boundaries(clock, utc(2024, 3, 6, 11), rules);
    EXPECT_EQ(holder_of(clock.kind), clock_holder::social_work);
}

TEST(scotland_policy, further_offer_is_met_by_the_further_offer) {
    auto facts = returned_episode();
    facts.interview_declined_at = utc(2024, 3, 3, 11);
    facts.further_offer_at = utc(2024, 3, 6, 11, 0, 1);
    const deadline clock =
        only_clock(episode_deadlines(scotland_policy(), facts), clock_kind::further_offer);
    EXPECT_EQ(clock.met_at, utc(2024, 3, 6, 11, 0, 1));
    EXPECT_TRUE(met_late(clock));
}

TEST(scotland_policy, no_further_offer_clock_without_a_decline) {
    auto facts = returned_episode();
    facts.interview_held_at = returned + hours{30};
    EXPECT_TRUE(
        clocks_of_kind(episode_deadlines(scotland_policy(), facts), clock_kind::further_offer)
            .empty());
}

TEST(scotland_policy, the_decline_meets_the_interview_held_clock) {
    auto facts = returned_episode();
    facts.interview_declined_at = utc(2024, 3, 3, 11);
    const deadline clock =
        only_clock(episode_deadlines(scotland_policy(), facts), clock_kind::interview_held);
    EXPECT_EQ(clock.met_at, utc(2024, 3, 3, 11));
}

// ---- policies and names ---------------------------------------------------------------------

TEST(builtin_policy, knows_england_and_scotland_only) {
    ASSERT_TRUE(builtin_policy("england").has_value());
    EXPECT_EQ(builtin_policy("england")->name, "england");
    EXPECT_EQ(builtin_policy("england")->interview_held_due, hours{72});
    ASSERT_TRUE(builtin_policy("scotland").has_value());
    EXPECT_EQ(builtin_policy("scotland")->interview_held_due, hours{168});
    EXPECT_FALSE(builtin_policy("wales").has_value());
    EXPECT_FALSE(builtin_policy("England").has_value());
    EXPECT_FALSE(builtin_policy("").has_value());
}

TEST(clock_kind, text_form_round_trips_and_unknown_text_is_rejected) {
    for (const clock_kind kind :
         {clock_kind::safe_and_well, clock_kind::interview_offered, clock_kind::interview_held,
          clock_kind::further_offer, clock_kind::follow_up_action, clock_kind::long_missing,
          clock_kind::repeat_missing_review, clock_kind::cse_reassessment,
          clock_kind::profile_review}) {
        EXPECT_EQ(parse_clock_kind(to_string(kind)), kind);
    }
    EXPECT_EQ(to_string(clock_kind::repeat_missing_review), "repeat_missing_review");
    EXPECT_FALSE(parse_clock_kind("Safe_and_well").has_value());
    EXPECT_FALSE(parse_clock_kind("").has_value());
}

TEST(clock_holder, each_kind_has_its_holder_with_a_stable_text_form) {
    EXPECT_EQ(holder_of(clock_kind::interview_held), clock_holder::social_work);
    EXPECT_EQ(holder_of(clock_kind::interview_offered), clock_holder::social_work);
    EXPECT_EQ(holder_of(clock_kind::further_offer), clock_holder::social_work);
    EXPECT_EQ(holder_of(clock_kind::safe_and_well), clock_holder::police);
    EXPECT_EQ(holder_of(clock_kind::repeat_missing_review), clock_holder::manager_and_champion);
    EXPECT_EQ(to_string(clock_holder::police), "police");
    EXPECT_EQ(to_string(clock_holder::social_work), "social_work");
    EXPECT_EQ(to_string(clock_holder::manager_and_champion), "manager_and_champion");
    EXPECT_EQ(to_string(clock_holder::action_owner), "action_owner");
}

TEST(clock_status, has_stable_text_forms) {
    EXPECT_EQ(to_string(clock_status::pending), "pending");
    EXPECT_EQ(to_string(clock_status::due_soon), "due_soon");
    EXPECT_EQ(to_string(clock_status::overdue), "overdue");
    EXPECT_EQ(to_string(clock_status::met), "met");
    EXPECT_EQ(to_string(clock_status::stopped), "stopped");
}

TEST(classify, a_met_clock_is_met_even_when_met_late_and_a_stopped_one_is_never_overdue) {
    const policy rules = england_policy();
    deadline clock{clock_kind::interview_held, "",           returned,
                   returned + hours{72},       std::nullopt, std::nullopt};
    clock.met_at = returned + hours{100};
    EXPECT_EQ(classify(clock, returned + hours{200}, rules), clock_status::met);
    EXPECT_TRUE(met_late(clock));
    clock.met_at = returned + hours{72};
    EXPECT_FALSE(met_late(clock));
    clock.met_at.reset();
    EXPECT_FALSE(met_late(clock));
    clock.stopped_at = returned + hours{1};
    EXPECT_EQ(classify(clock, returned + hours{200}, rules), clock_status::stopped);
}

TEST(classify, due_soon_window_comes_from_the_policy) {
    policy rules = england_policy();
    rules.due_soon_window = hours{2};
    const deadline clock{clock_kind::interview_held, "",           returned,
                         returned + hours{72},       std::nullopt, std::nullopt};
    EXPECT_EQ(classify(clock, returned + hours{70} - seconds{1}, rules), clock_status::pending);
    EXPECT_EQ(classify(clock, returned + hours{70}, rules), clock_status::due_soon);
    EXPECT_EQ(classify(clock, returned + hours{72}, rules), clock_status::overdue);
}

// ---- repeat missing -------------------------------------------------------------------------

TEST(repeat_missing, recent_reports_counts_the_window_ending_now_inclusive_of_now_only) {
    const policy rules = england_policy();
    const time_point now = utc(2024, 5, 31, 12);
    const std::array<time_point, 5> reports{
        now - days{30},              // exactly 30 days ago: outside
        now - days{30} + seconds{1}, // one second less: inside
        now - days{3},               // inside
        now,                         // now itself: inside
        now + seconds{1},            // the future: outside
    };
    EXPECT_EQ(recent_reports(rules, reports, now), 3);
    EXPECT_EQ(recent_reports(rules, std::span<const time_point>{}, now), 0);
}

TEST(repeat_missing, third_report_within_30_days_triggers_a_review) {
    const policy rules = england_policy();
    const std::array<time_point, 3> reports{utc(2024, 1, 1), utc(2024, 1, 10), utc(2024, 1, 20)};
    EXPECT_EQ(repeat_missing_trigger(rules, reports), utc(2024, 1, 20));
}

TEST(repeat_missing, reports_exactly_30_days_apart_do_not_trigger) {
    const policy rules = england_policy();
    const std::array<time_point, 3> reports{utc(2024, 1, 1), utc(2024, 1, 15), utc(2024, 1, 31)};
    EXPECT_FALSE(repeat_missing_trigger(rules, reports).has_value());
}

TEST(repeat_missing, third_report_one_second_inside_the_window_triggers) {
    const policy rules = england_policy();
    const std::array<time_point, 3> reports{utc(2024, 1, 1), utc(2024, 1, 15),
                                            utc(2024, 1, 30, 23, 59, 59)};
    EXPECT_EQ(repeat_missing_trigger(rules, reports), utc(2024, 1, 30, 23, 59, 59));
}

TEST(repeat_missing, trigger_is_the_earliest_qualifying_report_whatever_the_input_order) {
    const policy rules = england_policy();
    const std::array<time_point, 6> reports{utc(2024, 4, 9),  utc(2024, 1, 1), utc(2024, 3, 1),
                                            utc(2024, 3, 20), utc(2024, 4, 2), utc(2024, 2, 25)};
    // Sorted: Jan 1, Feb 25, Mar 1, Mar 20, Apr 2, Apr 9. Jan 1 is more than 30 days before Mar 1;
    // the window ending Mar 20 (from Feb 19) is the first to hold three reports; Apr 9 also
    // qualifies but is later.
    EXPECT_EQ(repeat_missing_trigger(rules, reports), utc(2024, 3, 20));
}

TEST(repeat_missing, fewer_reports_than_the_threshold_never_trigger) {
    const policy rules = england_policy();
    const std::array<time_point, 2> reports{utc(2024, 1, 1), utc(2024, 1, 2)};
    EXPECT_FALSE(repeat_missing_trigger(rules, reports).has_value());
    EXPECT_FALSE(repeat_missing_trigger(rules, std::span<const time_point>{}).has_value());
}

TEST(repeat_missing, threshold_and_window_come_from_the_policy) {
    policy rules = england_policy();
    rules.repeat_threshold = 2;
    rules.repeat_window = days{5};
    const std::array<time_point, 3> reports{utc(2024, 1, 1), utc(2024, 1, 6), utc(2024, 1, 10)};
    EXPECT_EQ(repeat_missing_trigger(rules, reports), utc(2024, 1, 10));
}

TEST(repeat_missing, review_is_due_7_days_after_the_trigger) {
    const policy rules = england_policy();
    const time_point trigger = utc(2024, 1, 20, 8, 45);
    const deadline clock = repeat_review_deadline(rules, trigger, std::nullopt);
    EXPECT_EQ(clock.kind, clock_kind::repeat_missing_review);
    EXPECT_EQ(clock.starts_at, trigger);
    EXPECT_TRUE(clock.subject.empty());
    expect_boundaries(clock, utc(2024, 1, 27, 8, 45), rules);
    EXPECT_EQ(holder_of(clock.kind), clock_holder::manager_and_champion);

    const deadline held = repeat_review_deadline(rules, trigger, utc(2024, 1, 25));
    EXPECT_EQ(held.met_at, utc(2024, 1, 25));
    EXPECT_EQ(classify(held, utc(2024, 2, 1), rules), clock_status::met);
}

// ---- calendar months ------------------------------------------------------------------------

TEST(add_months, keeps_the_day_and_time_of_day) {
    EXPECT_EQ(add_months(utc(2024, 3, 4, 14, 5, 9), 3), utc(2024, 6, 4, 14, 5, 9));
    EXPECT_EQ(add_months(utc(2024, 3, 4), 0), utc(2024, 3, 4));
}

TEST(add_months, november_30_plus_3_months_is_the_last_day_of_february) {
    EXPECT_EQ(add_months(utc(2022, 11, 30, 9, 30), 3), utc(2023, 2, 28, 9, 30));
    EXPECT_EQ(add_months(utc(2023, 11, 30, 9, 30), 3), utc(2024, 2, 29, 9, 30));
}

TEST(add_months, january_31_plus_1_month_is_february_28) {
    EXPECT_EQ(add_months(utc(2023, 1, 31, 23, 59, 59), 1), utc(2023, 2, 28, 23, 59, 59));
    EXPECT_EQ(add_months(utc(2023, 3, 31), 1), utc(2023, 4, 30));
}

TEST(add_months, crosses_years) {
    EXPECT_EQ(add_months(utc(2024, 10, 15, 1), 3), utc(2025, 1, 15, 1));
    EXPECT_EQ(add_months(utc(2024, 12, 31), 24), utc(2026, 12, 31));
}

// ---- parse_policy ---------------------------------------------------------------------------

// The policy_error message, or "" when the text parses.
std::string policy_error_of(std::string_view text) {
    try {
        (void)parse_policy(text);
    } catch (const policy_error& error) {
        return error.what();
    }
    return "";
}

TEST(parse_policy, reads_every_key_of_a_full_file) {
    const policy rules = parse_policy(R"({
        "name": "northshire",
        "safe_and_well_hours": 12,
        "interview_offer_hours": 48,
        "interview_held_hours": 120,
        "further_offer_hours": 96,
        "long_missing_hours": {"high": 4, "medium": 12, "low": 48},
        "repeat_window_days": 90,
        "repeat_threshold": 4,
        "repeat_review_days": 14,
        "cse_reassessment_months": 6,
        "due_soon_hours": 8
    })");
    EXPECT_EQ(rules.name, "northshire");
    EXPECT_EQ(rules.safe_and_well_due, hours{12});
    EXPECT_EQ(rules.interview_offer_due, hours{48});
    EXPECT_EQ(rules.interview_held_due, hours{120});
    EXPECT_EQ(rules.further_offer_due, hours{96});
    EXPECT_EQ(rules.long_missing_high, hours{4});
    EXPECT_EQ(rules.long_missing_medium, hours{12});
    EXPECT_EQ(rules.long_missing_low, hours{48});
    EXPECT_EQ(rules.repeat_window, days{90});
    EXPECT_EQ(rules.repeat_threshold, 4);
    EXPECT_EQ(rules.repeat_review_due, days{14});
    EXPECT_EQ(rules.cse_reassessment_months, 6);
    EXPECT_EQ(rules.due_soon_window, hours{8});
}

TEST(parse_policy, keys_not_given_take_the_england_defaults) {
    const policy rules =
        parse_policy(R"({"interview_held_hours": 96, "long_missing_hours": {"low": 48}})");
    const policy england = england_policy();
    EXPECT_EQ(rules.name, england.name);
    EXPECT_EQ(rules.interview_held_due, hours{96});
    EXPECT_EQ(rules.long_missing_low, hours{48});
    EXPECT_EQ(rules.long_missing_high, england.long_missing_high);
    EXPECT_EQ(rules.long_missing_medium, england.long_missing_medium);
    EXPECT_EQ(rules.safe_and_well_due, england.safe_and_well_due);
    EXPECT_EQ(rules.interview_offer_due, england.interview_offer_due);
    EXPECT_FALSE(rules.further_offer_due.has_value());
    EXPECT_EQ(rules.repeat_window, england.repeat_window);
    EXPECT_EQ(rules.repeat_threshold, england.repeat_threshold);
    EXPECT_EQ(rules.repeat_review_due, england.repeat_review_due);
    EXPECT_EQ(rules.cse_reassessment_months, england.cse_reassessment_months);
    EXPECT_EQ(rules.due_soon_window, england.due_soon_window);
}

TEST(parse_policy, further_offer_hours_may_be_null) {
    EXPECT_FALSE(parse_policy(R"({"further_offer_hours": null})").further_offer_due.has_value());
    EXPECT_EQ(parse_policy(R"({"further_offer_hours": 72})").further_offer_due, hours{72});
}

TEST(parse_policy, an_unknown_key_is_named) {
    EXPECT_EQ(policy_error_of(R"({"safe_and_well_hour": 24})"),
              R"(policy: unknown key "safe_and_well_hour")");
}

TEST(parse_policy, a_wrong_type_is_named) {
    EXPECT_EQ(
        policy_error_of(R"({"interview_held_hours": "72"})"),
        R"(policy: "interview_held_hours" must be a positive integer number of hours (at most 8760))");
    EXPECT_NE(policy_error_of(R"({"name": 7})").find(R"("name" must be a non-empty string)"),
              std::string::npos);
    EXPECT_NE(policy_error_of(R"({"repeat_window_days": 30.5})").find(R"("repeat_window_days")"),
              std::string::npos);
    EXPECT_NE(policy_error_of(R"({"further_offer_hours": true})").find(R"("further_offer_hours")"),
              std::string::npos);
}

TEST(parse_policy, zero_and_negative_values_are_rejected_naming_the_key) {
    EXPECT_NE(policy_error_of(R"({"safe_and_well_hours": 0})").find(R"("safe_and_well_hours")"),
              std::string::npos);
    EXPECT_NE(policy_error_of(R"({"repeat_review_days": -7})").find(R"("repeat_review_days")"),
              std::string::npos);
    EXPECT_NE(
        policy_error_of(R"({"cse_reassessment_months": 0})").find(R"("cse_reassessment_months")"),
        std::string::npos);
    EXPECT_NE(policy_error_of(R"({"due_soon_hours": -1})").find(R"("due_soon_hours")"),
              std::string::npos);
}

TEST(parse_policy, the_time_zone_is_an_iana_name_london_by_default) {
    EXPECT_EQ(england_policy().time_zone, "Europe/London");
    EXPECT_EQ(parse_policy(R"({"time_zone": "Europe/Paris"})").time_zone, "Europe/Paris");
    EXPECT_EQ(parse_policy(R"({"time_zone": "America/Argentina/Buenos_Aires"})").time_zone,
              "America/Argentina/Buenos_Aires");
    for (const auto* bad : {R"({"time_zone": ""})", R"({"time_zone": "Europe/../etc"})",
                            R"({"time_zone": "/London"})", R"({"time_zone": "Europe London"})",
                            R"({"time_zone": 1})"}) {
        EXPECT_NE(policy_error_of(bad).find(R"("time_zone")"), std::string::npos) << bad;
    }
}

TEST(parse_policy, out_of_range_values_are_rejected_naming_the_key) {
    EXPECT_NE(
        policy_error_of(R"({"interview_offer_hours": 8761})").find(R"("interview_offer_hours")"),
        std::string::npos);
    EXPECT_TRUE(policy_error_of(R"({"interview_offer_hours": 8760})").empty());
    EXPECT_NE(policy_error_of(R"({"repeat_window_days": 367})").find(R"("repeat_window_days")"),
              std::string::npos);
    EXPECT_NE(policy_error_of(R"({"cse_reassessment_months": 25})").find("cse_reassessment_months"),
              std::string::npos);
    EXPECT_EQ(policy_error_of(R"({"repeat_threshold": 1})"),
              R"(policy: "repeat_threshold" must be an integer from 2 to 100)");
    EXPECT_TRUE(policy_error_of(R"({"repeat_threshold": 2})").empty());
    EXPECT_NE(policy_error_of(R"({"safe_and_well_hours": 18446744073709551615})")
                  .find(R"("safe_and_well_hours")"),
              std::string::npos);
}

TEST(parse_policy, a_bad_long_missing_grade_is_named_by_its_path) {
    EXPECT_EQ(
        policy_error_of(R"({"long_missing_hours": {"high": 0}})"),
        R"(policy: "long_missing_hours.high" must be a positive integer number of hours (at most 8760))");
    EXPECT_EQ(policy_error_of(R"({"long_missing_hours": {"very_high": 2}})"),
              R"(policy: unknown key "long_missing_hours.very_high")");
    EXPECT_NE(policy_error_of(R"({"long_missing_hours": 6})")
                  .find(R"("long_missing_hours" must be an object)"),
              std::string::npos);
}

TEST(parse_policy, malformed_json_says_so_and_where) {
    const std::string message = policy_error_of("{\n  \"safe_and_well_hours\": 24,\n  oops\n}");
    EXPECT_NE(message.find("policy: the JSON is malformed at line 3"), std::string::npos)
        << message;
    EXPECT_NE(policy_error_of("").find("malformed"), std::string::npos);
    EXPECT_NE(policy_error_of(R"({"name": "x"} trailing)").find("malformed"), std::string::npos);
}

TEST(parse_policy, the_document_must_be_an_object) {
    EXPECT_EQ(policy_error_of("[]"), "policy: the document must be a JSON object");
    EXPECT_EQ(policy_error_of("24"), "policy: the document must be a JSON object");
}

TEST(parse_policy, an_empty_object_is_the_england_policy) {
    const policy rules = parse_policy("{}");
    EXPECT_EQ(rules.name, "england");
    EXPECT_EQ(rules.interview_held_due, hours{72});
}

TEST(policy_file, profile_review_months_set_the_profile_review_due_time) {
    const auto rules = parse_policy(R"({"profile_review_months": 12})");
    EXPECT_EQ(rules.profile_review_months, 12);
    EXPECT_EQ(profile_review_deadline(rules, utc(2024, 1, 15, 9)).due_at, utc(2025, 1, 15, 9));
    EXPECT_NE(policy_error_of(R"({"profile_review_months": 0})").find("profile_review_months"),
              std::string::npos);
    EXPECT_NE(policy_error_of(R"({"profile_review_months": 25})").find("profile_review_months"),
              std::string::npos);
}

} // namespace
} // namespace homeward::workflow
