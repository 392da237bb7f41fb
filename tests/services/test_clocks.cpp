// Clocks from pending to due soon to overdue to met; the overdue queue in each role's scope; the
// sweeper announcing each clock exactly once, also with two sweepers at the same time; repeat
// missing opening a review.

#include "use_case_fixture.hpp"

#include "homeward/services/children.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <thread>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class clocks_and_overdue : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        force = make_org("police");
        authority = make_org("local_authority");
        other = make_org("local_authority");
        police = make_user("police", force);
        worker = make_user("social_worker", authority);
        colleague = make_user("social_worker", authority);
        manager = make_user("manager", authority);
        champion = make_user("cse_champion", authority);
        outsider = make_user("manager", other);
        child = make_child(worker, authority);
        episode = report(police, child);
        services::record_return(
            *env_, police,
            {episode,
             std::nullopt,
             {{"returned_at", at(-1h)}, {"found_location", "Park"}, {"returned_to", "Home"}},
             ""});
        services::assign_worker(*env_, worker,
                                {episode, std::nullopt, {{"worker_id", worker.user_id}}, ""});
    }

    std::string status_of(const std::string& kind) {
        const auto view = services::get_episode(*env_, worker, episode);
        for (const auto& deadline : view.at("deadlines").as_array()) {
            if (deadline.at("kind").as_string() == kind) {
                return std::string{deadline.at("status").as_string()};
            }
        }
        return "absent";
    }

    std::vector<std::string> queue_kinds(const services::actor& who, bool due_soon = false) {
        services::overdue_query query;
        query.due_soon = due_soon;
        query.limit = 500;
        std::vector<std::string> kinds;
        const auto queue = services::overdue_queue(*env_, who, query);
        for (const auto& item : queue.at("items").as_array()) {
            if (item.at("episode_id").is_string() && item.at("episode_id").as_string() == episode) {
                kinds.emplace_back(item.at("kind").as_string());
            }
        }
        std::sort(kinds.begin(), kinds.end());
        return kinds;
    }

    std::string notifications(const std::string& kind) {
        return query("select count(*) from notifications where episode_id = '" + episode +
                     "' and kind = '" + kind + "'");
    }

    std::string force, authority, other, child, episode;
    services::actor police, worker, colleague, manager, champion, outsider;
};

TEST_F(clocks_and_overdue, the_interview_clock_goes_pending_due_soon_overdue_then_met) {
    EXPECT_EQ(status_of("interview_held"), "pending");
    now_ += std::chrono::seconds{47h}.count(); // return + 48 h: 24 h left
    EXPECT_EQ(status_of("interview_held"), "due_soon");
    now_ += std::chrono::seconds{24h}.count(); // return + 72 h: due
    EXPECT_EQ(status_of("interview_held"), "overdue");
    services::record_interview(*env_, worker,
                               {episode,
                                std::nullopt,
                                {{"conducted_at", at(-1min)},
                                 {"location", "School"},
                                 {"where_stayed", "Friend"},
                                 {"with_whom", "Friend"},
                                 {"harm_disclosed", false},
                                 {"cse_risk", "none"},
                                 {"child_views", "ok"}},
                                ""});
    EXPECT_EQ(status_of("interview_held"), "met");
}

TEST_F(clocks_and_overdue, the_overdue_queue_shows_each_role_its_own_scope) {
    now_ += std::chrono::seconds{25h}.count(); // safe-and-well and the offer are overdue
    const std::vector<std::string> social{"interview_offered"};
    EXPECT_EQ(queue_kinds(worker), social);
    EXPECT_TRUE(queue_kinds(colleague).empty());
    EXPECT_EQ(queue_kinds(manager), social);
    EXPECT_EQ(queue_kinds(champion), social);
    EXPECT_EQ(queue_kinds(police), std::vector<std::string>{"safe_and_well"});
    EXPECT_TRUE(queue_kinds(outsider).empty());
    EXPECT_TRUE(queue_kinds(worker, true).empty()); // the interview is 46 h away
    now_ += std::chrono::seconds{23h}.count();      // return + 49 h: 23 h left
    EXPECT_EQ(queue_kinds(worker, true), std::vector<std::string>{"interview_held"});
    const services::actor admin = make_user("admin", authority);
    EXPECT_THROW(services::overdue_queue(*env_, admin, {}), services::failure);
}

TEST_F(clocks_and_overdue, the_queue_lists_the_most_overdue_first_with_hours_late) {
    now_ += std::chrono::seconds{30h}.count();
    services::overdue_query query;
    query.limit = 500;
    const auto items = services::overdue_queue(*env_, manager, query).at("items").as_array();
    ASSERT_FALSE(items.empty());
    double previous = 1e9;
    for (const auto& item : items) {
        const double hours = item.at("overdue_hours").to_number<double>();
        EXPECT_LE(hours, previous);
        previous = hours;
    }
    EXPECT_EQ(items.front().at("authority"), json::value(org_codes_.at(authority)));
}

TEST_F(clocks_and_overdue, the_sweeper_announces_each_overdue_clock_exactly_once) {
    now_ += std::chrono::seconds{25h}.count();
    services::sweep_clocks(*env_);
    const auto first = notifications("clock_overdue");
    EXPECT_NE(first, "0");
    EXPECT_EQ(query("select count(*) from notifications where episode_id = '" + episode +
                    "' and kind = 'clock_overdue' and recipient_user_id = '" + worker.user_id +
                    "'"),
              "1"); // the interview offer, to its holder
    services::sweep_clocks(*env_);
    EXPECT_EQ(notifications("clock_overdue"), first);
}

TEST_F(clocks_and_overdue, two_sweepers_at_once_announce_each_clock_once) {
    now_ += std::chrono::seconds{25h}.count();
    std::thread a{[&] { services::sweep_clocks(*env_); }};
    std::thread b{[&] { services::sweep_clocks(*env_); }};
    a.join();
    b.join();
    const auto once = notifications("clock_overdue");
    EXPECT_EQ(query("select count(*) from (select dedupe_key from notifications group by "
                    "dedupe_key having count(*) > 1) d"),
              "0");
    query("update clocks set overdue_notified_at = null where episode_id = '" + episode + "'");
    services::sweep_clocks(*env_);
    EXPECT_EQ(notifications("clock_overdue"), once) << "a second announcement was raised";
}

TEST_F(clocks_and_overdue, long_missing_overdue_is_told_to_the_champion) {
    const auto missing = report(police, child);
    now_ += std::chrono::seconds{25h}.count(); // medium risk: 24 h
    services::sweep_clocks(*env_);
    EXPECT_EQ(query("select count(*) from notifications where episode_id = '" + missing +
                    "' and kind = 'clock_overdue' and recipient_role = 'cse_champion' and "
                    "organisation_id = '" +
                    authority + "'"),
              "1");
}

TEST_F(clocks_and_overdue,
       a_third_report_in_30_days_opens_a_review_and_tells_manager_and_champion) {
    report(police, child); // the second (the fixture made the first)
    EXPECT_EQ(services::get_child(*env_, worker, child).at("repeat_missing"), false);
    const auto third = report(police, child);
    EXPECT_EQ(services::get_child(*env_, worker, child).at("repeat_missing"), true);
    EXPECT_EQ(query("select count(*) from clocks where child_id = '" + child +
                    "' and kind = 'repeat_missing_review' and episode_id is null and due_at = "
                    "starts_at + interval '7 days'"),
              "1");
    EXPECT_EQ(query("select string_agg(recipient_role, ',' order by recipient_role) from "
                    "notifications where episode_id = '" +
                    third + "' and kind = 'repeat_missing'"),
              "cse_champion,manager");
}

// The child's own clocks as the child's record shows them: kind -> status, oldest first.
std::vector<std::pair<std::string, std::string>> child_clocks(const json::object& child) {
    std::vector<std::pair<std::string, std::string>> clocks;
    for (const auto& clock : child.at("clocks").as_array()) {
        clocks.emplace_back(clock.at("kind").as_string(), clock.at("status").as_string());
    }
    return clocks;
}

using clock_list = std::vector<std::pair<std::string, std::string>>;

TEST_F(clocks_and_overdue,
       the_repeat_missing_review_goes_pending_due_soon_overdue_then_met_by_the_review) {
    report(police, child);
    report(police, child); // the third in 30 days
    const auto status = [&] { return child_clocks(services::get_child(*env_, manager, child)); };
    EXPECT_EQ(status(), (clock_list{{"repeat_missing_review", "pending"}}));
    now_ += std::chrono::seconds{6 * 24h + 1h}.count();
    EXPECT_EQ(status(), (clock_list{{"repeat_missing_review", "due_soon"}}));
    now_ += std::chrono::seconds{24h}.count();
    EXPECT_EQ(status(), (clock_list{{"repeat_missing_review", "overdue"}}));

    services::sweep_clocks(*env_);
    EXPECT_EQ(query("select string_agg(coalesce(recipient_role, 'holder'), ',' order by "
                    "recipient_role) from notifications where child_id = '" +
                    child + "' and kind = 'clock_overdue' and episode_id is null"),
              "cse_champion,manager");

    const json::object review{{"held_at", at(-1h)}, {"notes", "Strategy meeting"}};
    EXPECT_THROW(services::record_repeat_review(*env_, worker, child, review), services::failure)
        << "a social worker does not hold the review";
    try {
        services::record_repeat_review(*env_, manager, child, {{"held_at", at(1h)}});
        ADD_FAILURE() << "a review in the future was accepted";
    } catch (const services::failure& refused) {
        EXPECT_EQ(refused.kind(), services::failure_kind::invalid_input);
    }
    const auto reviewed = services::record_repeat_review(*env_, manager, child, review);
    EXPECT_EQ(child_clocks(reviewed), (clock_list{{"repeat_missing_review", "met"}}));
    try {
        services::record_repeat_review(*env_, champion, child, review);
        ADD_FAILURE() << "a second review met nothing and was accepted";
    } catch (const services::failure& refused) {
        EXPECT_EQ(refused.kind(), services::failure_kind::state_conflict);
    }
    EXPECT_EQ(query("select count(*) from child_reviews where child_id = '" + child + "'"), "1");
}

TEST_F(clocks_and_overdue, a_cse_reassessment_clock_follows_the_interview_and_each_reassessment) {
    const auto interviewed_at = at(-1h);
    services::record_interview(*env_, worker,
                               {episode,
                                std::nullopt,
                                {{"conducted_at", interviewed_at},
                                 {"location", "School"},
                                 {"where_stayed", "A flat in town"},
                                 {"with_whom", "An older man"},
                                 {"harm_disclosed", false},
                                 {"cse_risk", "medium"},
                                 {"child_views", "ok"}},
                                ""});
    const auto clocks = [&] { return child_clocks(services::get_child(*env_, worker, child)); };
    EXPECT_EQ(clocks(), (clock_list{{"cse_reassessment", "pending"}}));
    EXPECT_EQ(status_of("cse_reassessment"), "absent") << "a child's clock, not the episode's";
    const auto first = services::get_child(*env_, worker, child).at("clocks").at(0);
    EXPECT_EQ(first.at("holder_user_id").as_string(), worker.user_id);
    EXPECT_EQ(first.at("starts_at").as_string(), interviewed_at);

    // Three calendar months after the interview (clamped to the end of a shorter month).
    const auto due = services::parse_rfc3339(first.at("due_at").as_string());
    ASSERT_TRUE(due.has_value());
    EXPECT_EQ(*due, workflow::add_months(*services::parse_rfc3339(interviewed_at), 3));
    now_ = (*due - 12h).time_since_epoch().count();
    EXPECT_EQ(clocks(), (clock_list{{"cse_reassessment", "due_soon"}}));
    now_ = (*due + 1h).time_since_epoch().count();
    EXPECT_EQ(clocks(), (clock_list{{"cse_reassessment", "overdue"}}));
    services::overdue_query query_all;
    query_all.limit = 500;
    query_all.kind = "cse_reassessment";
    const auto queue = services::overdue_queue(*env_, worker, query_all).at("items").as_array();
    ASSERT_EQ(queue.size(), 1U);
    EXPECT_EQ(queue[0].at("child").at("id").as_string(), child);

    EXPECT_THROW(services::record_cse_reassessment(*env_, police, child,
                                                   {{"held_at", at(-1h)}, {"cse_risk", "low"}}),
                 services::failure);
    const auto still_low = services::record_cse_reassessment(
        *env_, worker, child, {{"held_at", at(-1h)}, {"cse_risk", "low"}});
    EXPECT_EQ(child_clocks(still_low),
              (clock_list{{"cse_reassessment", "met"}, {"cse_reassessment", "pending"}}));
    const auto gone = services::record_cse_reassessment(
        *env_, worker, child, {{"held_at", at(-1min)}, {"cse_risk", "none"}});
    EXPECT_EQ(child_clocks(gone),
              (clock_list{{"cse_reassessment", "met"}, {"cse_reassessment", "met"}}));
    EXPECT_EQ(query("select count(*) from notifications where child_id = '" + child +
                    "' and kind = 'cse_risk_raised' and episode_id is null"),
              "0");
    services::record_cse_reassessment(*env_, manager, child,
                                      {{"held_at", at(0s)}, {"cse_risk", "high"}});
    EXPECT_EQ(query("select recipient_role from notifications where child_id = '" + child +
                    "' and kind = 'cse_risk_raised' and episode_id is null"),
              "cse_champion");
}

} // namespace
} // namespace homeward::testing
