// The one JSON writer of the API (api/src/representation.cpp), from typed views built here: what
// each audience may read, and the fields clients depend on (a clock's status and overdue flag,
// an overdue line's hours late, a history entry's role, the allowed events by name).

#include "representation.hpp"

#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using workflow::role;

const workflow::time_point noon = workflow::parse_rfc3339("2026-11-28T12:00:00Z").value();

// The parts of the child's own account police must never read.
constexpr const char* childs_account[] = {
    "where_stayed", "with_whom", "push_factors",   "pull_factors", "harm_details",
    "child_views",  "location",  "harm_disclosed", "indicators",   "risk_rationale"};

services::episode_view interviewed_episode(role audience) {
    services::episode_view view;
    auto& e = view.episode;
    e.id = "3f0b6c1e-0000-4000-8000-000000000001";
    e.state = workflow::episode_state::interviewed;
    e.version = 4;
    e.child.id = "3f0b6c1e-0000-4000-8000-000000000002";
    e.child.date_of_birth = std::chrono::sys_days{std::chrono::year{2011} / 5 / 17};
    e.reported_at = noon - 48h;
    e.last_seen_at = noon - 50h;
    e.returned_at = noon - 24h;
    e.updated_at = noon;
    db::interview_record interview;
    interview.outcome = workflow::interview_outcome::held;
    interview.conducted_at = noon - 1h;
    interview.recorded_by = "3f0b6c1e-0000-4000-8000-000000000003";
    interview.location = "Placement";
    interview.where_stayed = "A flat above the takeaway on Kirk Street";
    interview.with_whom = "Two older men she met online";
    interview.push_factors = {"placement_problems"};
    interview.pull_factors = {"older_adults", "gifts"};
    interview.harm_disclosed = true;
    interview.harm_details = "Was given alcohol";
    interview.indicators = {"older_boyfriend_or_girlfriend"};
    interview.risk = workflow::cse_risk::medium;
    interview.risk_rationale = "Judged on the whole account";
    interview.child_views = "Wants to stay at the placement";
    interview.police_intelligence = "Flat above the takeaway on Kirk Street";
    e.interview = interview;
    view.allowed_events = {workflow::episode_event::raise_action, workflow::episode_event::close};
    view.audience = audience;
    return view;
}

json::object written(const services::episode_view& view) {
    return json::value_from(view).as_object();
}

TEST(representation, police_read_the_interview_outcome_risk_and_intelligence_only) {
    const auto episode = written(interviewed_episode(role::police));
    const auto& interview = episode.at("interview").as_object();
    EXPECT_EQ(interview.at("outcome"), "held");
    EXPECT_EQ(interview.at("cse_risk"), "medium");
    EXPECT_EQ(interview.at("conducted_at"), "2026-11-28T11:00:00Z");
    EXPECT_EQ(interview.at("police_intelligence"), "Flat above the takeaway on Kirk Street");
    for (const char* hidden : childs_account) {
        EXPECT_FALSE(interview.contains(hidden)) << hidden;
    }
    // Nor anywhere else in the episode.
    EXPECT_THAT(json::serialize(episode), ::testing::Not(::testing::HasSubstr("Two older men")));
    EXPECT_THAT(json::serialize(episode), ::testing::Not(::testing::HasSubstr("Wants to stay")));
}

TEST(representation, social_work_and_the_champion_read_the_childs_whole_account) {
    for (const auto audience : {role::social_worker, role::manager, role::cse_champion}) {
        const auto episode = written(interviewed_episode(audience));
        const auto& interview = episode.at("interview").as_object();
        for (const char* shown : childs_account) {
            EXPECT_TRUE(interview.contains(shown)) << shown << " for " << to_string(audience);
        }
        EXPECT_EQ(interview.at("where_stayed"), "A flat above the takeaway on Kirk Street");
        EXPECT_EQ(interview.at("with_whom"), "Two older men she met online");
        EXPECT_EQ(interview.at("child_views"), "Wants to stay at the placement");
        EXPECT_EQ(interview.at("harm_details"), "Was given alcohol");
        EXPECT_EQ(interview.at("push_factors").as_array().size(), 1U);
        EXPECT_EQ(interview.at("pull_factors").as_array().size(), 2U);
        EXPECT_EQ(interview.at("cse_risk"), "medium");
    }
}

TEST(representation, an_episode_lists_the_callers_allowed_events_by_their_api_names) {
    const auto episode = written(interviewed_episode(role::social_worker));
    EXPECT_EQ(episode.at("allowed_events"), (json::array{"actions", "close"}));
    EXPECT_EQ(episode.at("state"), "interviewed");
    EXPECT_EQ(episode.at("version"), 4);
    EXPECT_EQ(episode.at("returned_at"), "2026-11-27T12:00:00Z");
    EXPECT_TRUE(episode.at("safe_and_well").is_null());
}

TEST(representation, a_clock_says_its_status_and_whether_it_is_overdue) {
    struct expected {
        workflow::clock_status status;
        const char* text;
        bool overdue;
    };
    for (const auto& [status, text, overdue] :
         {expected{workflow::clock_status::pending, "pending", false},
          expected{workflow::clock_status::due_soon, "due_soon", false},
          expected{workflow::clock_status::overdue, "overdue", true},
          expected{workflow::clock_status::met, "met", false},
          expected{workflow::clock_status::stopped, "stopped", false}}) {
        const services::clock_view clock{"interview_held", std::nullopt, noon - 72h,  noon,
                                         std::nullopt,     status,       std::nullopt};
        const auto out = json::value_from(clock).as_object();
        EXPECT_EQ(out.at("status"), text);
        EXPECT_EQ(out.at("overdue").as_bool(), overdue) << text;
        // Every field is written, null when unset: clients read them without checking.
        EXPECT_TRUE(out.contains("subject") && out.at("subject").is_null()) << text;
        EXPECT_TRUE(out.contains("met_at") && out.at("met_at").is_null()) << text;
        EXPECT_EQ(out.at("due_at"), "2026-11-28T12:00:00Z");
        EXPECT_EQ(out.at("starts_at"), "2026-11-25T12:00:00Z");
    }
}

TEST(representation, an_action_clock_names_its_action_as_the_subject) {
    const services::clock_view clock{"follow_up_action",
                                     "3f0b6c1e-0000-4000-8000-000000000009",
                                     noon - 1h,
                                     noon + 24h,
                                     noon,
                                     workflow::clock_status::met,
                                     "someone"};
    const auto out = json::value_from(clock).as_object();
    EXPECT_EQ(out.at("subject"), "3f0b6c1e-0000-4000-8000-000000000009");
    EXPECT_EQ(out.at("met_at"), "2026-11-28T12:00:00Z");
    EXPECT_EQ(out.at("holder_user_id"), "someone");
}

TEST(representation, an_overdue_line_says_how_many_hours_late_to_a_tenth) {
    services::overdue_view line;
    line.item.clock_id = 7;
    line.item.child_id = "3f0b6c1e-0000-4000-8000-000000000002";
    line.item.kind = "interview_offered";
    line.item.due_at = noon;
    line.item.authority = "LEEDS";
    line.now = noon + 30h + 20min; // 30.333... hours late
    auto out = json::value_from(line).as_object();
    EXPECT_DOUBLE_EQ(out.at("overdue_hours").to_number<double>(), 30.3);
    EXPECT_EQ(out.at("authority"), "LEEDS");
    EXPECT_EQ(out.at("child").at("id"), "3f0b6c1e-0000-4000-8000-000000000002");
    EXPECT_TRUE(out.at("episode_id").is_null());
    line.now = noon + 5h + 58min; // 5.97 hours: rounds up to 6.0
    out = json::value_from(line).as_object();
    EXPECT_DOUBLE_EQ(out.at("overdue_hours").to_number<double>(), 6.0);
}

TEST(representation, a_history_entry_says_who_in_which_role_moved_the_episode_from_where) {
    services::history_view history;
    db::history_record report;
    report.at = noon;
    report.actor_id = "3f0b6c1e-0000-4000-8000-000000000004";
    report.actor_username = "pc.smith";
    report.actor_role = role::police;
    report.event = "report";
    report.to_state = workflow::episode_state::missing;
    report.version = 1;
    db::history_record back = report;
    back.event = "return";
    back.from_state = workflow::episode_state::missing;
    back.to_state = workflow::episode_state::returned;
    back.version = 2;
    back.detail_json = R"({"found_location":"Park"})";
    history.items = {report, back};
    history.audience = role::social_worker;
    const auto items = json::value_from(history).at("items").as_array();
    ASSERT_EQ(items.size(), 2U);
    EXPECT_EQ(items[0].at("role"), "police");
    EXPECT_EQ(items[0].at("actor"), "3f0b6c1e-0000-4000-8000-000000000004");
    EXPECT_EQ(items[0].at("event"), "report");
    EXPECT_TRUE(items[0].at("from_state").is_null());
    EXPECT_EQ(items[0].at("to_state"), "missing");
    EXPECT_EQ(items[1].at("from_state"), "missing");
    EXPECT_EQ(items[1].at("detail").at("found_location"), "Park");
}

// What social work wrote for itself (a close's summary, a reopen's reason, the champion's note,
// an action's outcome) police read only as having happened.
TEST(representation,
     police_read_that_social_work_closed_reopened_and_signed_off_not_what_it_wrote) {
    const auto view_for = [](role audience) {
        auto view = interviewed_episode(audience);
        auto& e = view.episode;
        e.state = workflow::episode_state::follow_up;
        e.closed_at = noon - 3h;
        e.close_summary = "Safe at the placement; plan in place";
        e.reopened_at = noon - 2h;
        e.reopen_reason = "A new disclosure at school";
        e.sign_off = db::sign_off_record{noon - 4h, "3f0b6c1e-0000-4000-8000-000000000006",
                                         "Reviewed the plan"};
        db::action_record action;
        action.id = "3f0b6c1e-0000-4000-8000-000000000007";
        action.description = "Pass the car's plate to the police";
        action.status = workflow::action_status::done;
        action.outcome = "Passed on by phone";
        action.completed_at = noon - 1h;
        view.actions = {action};
        return written(view);
    };
    const auto police = view_for(role::police);
    EXPECT_EQ(police.at("closed_at"), "2026-11-28T09:00:00Z");
    EXPECT_TRUE(police.at("close_summary").is_null());
    EXPECT_EQ(police.at("reopened_at"), "2026-11-28T10:00:00Z");
    EXPECT_TRUE(police.at("reopen_reason").is_null());
    EXPECT_EQ(police.at("sign_off").at("signed_off_at"), "2026-11-28T08:00:00Z");
    EXPECT_TRUE(police.at("sign_off").at("note").is_null());
    const auto& police_action = police.at("actions").as_array().at(0);
    EXPECT_EQ(police_action.at("description"), "Pass the car's plate to the police");
    EXPECT_EQ(police_action.at("status"), "done");
    EXPECT_TRUE(police_action.at("outcome").is_null());

    const auto manager = view_for(role::manager);
    EXPECT_EQ(manager.at("close_summary"), "Safe at the placement; plan in place");
    EXPECT_EQ(manager.at("reopen_reason"), "A new disclosure at school");
    EXPECT_EQ(manager.at("sign_off").at("note"), "Reviewed the plan");
    EXPECT_EQ(manager.at("actions").as_array().at(0).at("outcome"), "Passed on by phone");
}

// Of the history's detail police read what police wrote and the outcome of social work's events,
// never the free text written for social work nor the level the indicators suggested.
TEST(representation, police_read_of_the_history_only_their_own_words_and_social_works_outcomes) {
    const auto entry = [](std::string event, std::string detail) {
        db::history_record h;
        h.at = noon;
        h.actor_id = "3f0b6c1e-0000-4000-8000-000000000004";
        h.event = std::move(event);
        h.to_state = workflow::episode_state::follow_up;
        h.detail_json = std::move(detail);
        return h;
    };
    services::history_view history;
    history.items = {
        entry("risk", R"({"from_risk": "medium", "to_risk": "high", "reason": "Threats"})"),
        entry("interview", R"({"cse_risk": "high", "suggested_cse_risk": "medium"})"),
        entry("close", R"({"summary": "Safe at the placement"})"),
        entry("actions", R"({"type": "cse_referral", "owner_id": "x", "note": "private"})")};
    history.audience = role::police;
    const auto police = json::value_from(history).at("items").as_array();
    ASSERT_EQ(police.size(), 4U);
    EXPECT_EQ(police[0].at("detail"),
              json::parse(R"({"from_risk": "medium", "to_risk": "high", "reason": "Threats"})"));
    EXPECT_EQ(police[1].at("detail"), json::parse(R"({"cse_risk": "high"})"));
    EXPECT_EQ(police[2].at("detail"), json::object{});
    EXPECT_EQ(police[3].at("detail"), json::parse(R"({"type": "cse_referral", "owner_id": "x"})"));
    history.audience = role::cse_champion;
    const auto champion = json::value_from(history).at("items").as_array();
    EXPECT_EQ(champion[1].at("detail").at("suggested_cse_risk"), "medium");
    EXPECT_EQ(champion[2].at("detail").at("summary"), "Safe at the placement");
}

// The token is written only where it was just made; a session described later never shows it.
TEST(representation, a_session_carries_its_token_only_when_just_made) {
    services::session_view session;
    session.token = "a-token-just-made";
    session.expires_at = noon + 12h;
    session.idle_timeout_seconds = 1800;
    session.user.id = "3f0b6c1e-0000-4000-8000-000000000005";
    session.user.username = "sw.jones";
    session.user.user_role = role::social_worker;
    session.user.organisation_code = "LEEDS";
    auto out = json::value_from(session).as_object();
    EXPECT_EQ(out.at("token"), "a-token-just-made");
    EXPECT_EQ(out.at("expires_at"), "2026-11-29T00:00:00Z");
    EXPECT_EQ(out.at("user").at("role"), "social_worker");
    EXPECT_EQ(out.at("user").at("organisation"), "LEEDS");
    session.token.clear();
    out = json::value_from(session).as_object();
    EXPECT_FALSE(out.contains("token"));
    EXPECT_EQ(out.at("idle_timeout_seconds"), 1800);
}

} // namespace
} // namespace homeward::testing
