// The overdue queue and the child's own clocks over real HTTPS: each role sees its own scope,
// most overdue first; due soon; malformed queries; reviews and reassessments that meet clocks.

#include "https_fixture.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <set>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class overdue_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        force = make_org(workflow::organisation_kind::police);
        other_force = make_org(workflow::organisation_kind::police);
        authority = make_org(workflow::organisation_kind::local_authority);
        other = make_org(workflow::organisation_kind::local_authority);
        police = make_user(workflow::role::police, force);
        other_police = make_user(workflow::role::police, other_force);
        worker = make_user(workflow::role::social_worker, authority);
        colleague = make_user(workflow::role::social_worker, authority);
        manager = make_user(workflow::role::manager, authority);
        champion = make_user(workflow::role::cse_champion, authority);
        admin = make_user(workflow::role::admin, authority);
        outsider = make_user(workflow::role::manager, other);
        child = make_child(worker, authority);
        episode = std::string{report(police, child).at("id").as_string()};
        const std::string path = "/api/v1/episodes/" + episode;
        EXPECT_EQ(post(police, path + "/return",
                       json::serialize(json::object{{"returned_at", at(-1h)},
                                                    {"found_location", "Park"},
                                                    {"returned_to", "Home"}}))
                      .status,
                  200U);
        EXPECT_EQ(
            post(worker, path + "/assign", json::serialize(json::object{{"worker_id", worker.id}}))
                .status,
            200U);
    }

    // The kinds of this test's episode in the caller's queue, sorted.
    std::vector<std::string> kinds(const test_user& who, const std::string& query = "") {
        const auto reply = get(who, "/api/v1/overdue?limit=500" + query);
        EXPECT_EQ(reply.status, 200U) << reply.body;
        std::vector<std::string> found;
        if (reply.status != 200) {
            return found;
        }
        const auto body = reply.json();
        for (const auto& item : body.at("items").as_array()) {
            if (item.at("episode_id").is_string() && item.at("episode_id").as_string() == episode) {
                found.emplace_back(item.at("kind").as_string());
            }
        }
        std::sort(found.begin(), found.end());
        return found;
    }

    test_org force, other_force, authority, other;
    std::string child, episode;
    test_user police, other_police, worker, colleague, manager, champion, admin, outsider;
};

TEST_F(overdue_over_https, each_role_sees_its_own_scope_of_the_queue) {
    advance(25h); // return + 24 h: the safe-and-well check and the interview offer are late
    // The sessions would be idle past their limit after 25 h: log in again.
    for (auto* who :
         {&police, &other_police, &worker, &colleague, &manager, &champion, &admin, &outsider}) {
        who->token = log_in(who->username);
    }
    const std::vector<std::string> social{"interview_offered"};
    EXPECT_EQ(kinds(worker), social);
    EXPECT_TRUE(kinds(colleague).empty()) << "another worker's cases are not in her queue";
    EXPECT_EQ(kinds(manager), social);
    EXPECT_EQ(kinds(champion), social);
    EXPECT_EQ(kinds(police), std::vector<std::string>{"safe_and_well"});
    EXPECT_TRUE(kinds(other_police).empty());
    EXPECT_TRUE(kinds(outsider).empty());
    EXPECT_EQ(get(admin, "/api/v1/overdue").status, 403U);

    EXPECT_EQ(kinds(manager, "&worker_id=" + worker.id), social);
    EXPECT_TRUE(kinds(manager, "&worker_id=" + colleague.id).empty());
    EXPECT_TRUE(kinds(manager, "&kind=safe_and_well").empty());
    EXPECT_EQ(kinds(manager, "&authority=" + authority.code), social);
    EXPECT_TRUE(kinds(worker, "&due_soon=true").empty()) << "the interview is 46 h away";
    advance(23h); // return + 49 h: the interview is due within 24 h
    worker.token = log_in(worker.username);
    EXPECT_EQ(kinds(worker, "&due_soon=true"), std::vector<std::string>{"interview_held"});
}

TEST_F(overdue_over_https, items_say_whose_work_is_late_and_by_how_much_most_overdue_first) {
    advance(30h);
    manager.token = log_in(manager.username);
    const auto reply = get(manager, "/api/v1/overdue");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    const auto& items = body.at("items").as_array();
    ASSERT_FALSE(items.empty());
    double previous = 1e9;
    for (const auto& item : items) {
        const double hours = item.at("overdue_hours").to_number<double>();
        EXPECT_LE(hours, previous);
        previous = hours;
    }
    bool found = false;
    for (const auto& item : items) {
        if (item.at("episode_id").is_string() && item.at("episode_id").as_string() == episode) {
            found = true;
            EXPECT_EQ(item.at("child").at("id").as_string(), child);
            EXPECT_EQ(item.at("authority").as_string(), authority.code);
            EXPECT_EQ(item.at("holder").at("user_id").as_string(), worker.id);
            EXPECT_EQ(item.at("holder").at("username").as_string(), worker.username);
            EXPECT_DOUBLE_EQ(item.at("overdue_hours").to_number<double>(), 7.0); // 31 h - 24 h
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(overdue_over_https, malformed_queries_are_refused_naming_the_parameter) {
    const auto due_soon = get(manager, "/api/v1/overdue?due_soon=maybe");
    EXPECT_EQ(due_soon.status, 400U);
    EXPECT_THAT(due_soon.body, ::testing::HasSubstr("due_soon"));
    for (const auto* query :
         {"kind=lunch", "limit=0", "authority=NOWHERE", "cursor=nonsense", "worker_id=7"}) {
        const auto reply = get(manager, std::string{"/api/v1/overdue?"} + query);
        EXPECT_EQ(reply.status, 400U) << query;
        const std::string parameter{query, std::string_view{query}.find('=')};
        EXPECT_EQ(reply.json().at("errors").at(0).at("field").as_string(), parameter) << query;
    }
}

TEST_F(overdue_over_https, reviews_and_reassessments_meet_the_childs_own_clocks) {
    const std::string path = "/api/v1/children/" + child;
    const auto no_review = post(manager, path + "/repeat-missing-review",
                                json::serialize(json::object{{"held_at", at(-1h)}}));
    EXPECT_EQ(no_review.status, 409U) << "no review is open before the third report";

    report(police, child);
    report(police, child);
    const auto held = post(manager, path + "/repeat-missing-review",
                           json::serialize(json::object{{"held_at", at(0s)}, {"notes", "Met"}}));
    ASSERT_EQ(held.status, 200U) << held.body;
    const auto child_record = held.json();
    const auto& clocks = child_record.at("clocks").as_array();
    ASSERT_EQ(clocks.size(), 1U);
    EXPECT_EQ(clocks[0].at("kind").as_string(), "repeat_missing_review");
    EXPECT_EQ(clocks[0].at("status").as_string(), "met");

    EXPECT_EQ(post(police, path + "/cse-reassessment",
                   json::serialize(json::object{{"held_at", at(0s)}, {"cse_risk", "low"}}))
                  .status,
              403U);
    const auto bad =
        post(worker, path + "/cse-reassessment",
             json::serialize(json::object{{"held_at", at(0s)}, {"cse_risk", "severe"}}));
    EXPECT_EQ(bad.status, 422U);
    EXPECT_THAT(bad.body, ::testing::HasSubstr("cse_risk"));
    const auto assessed =
        post(worker, path + "/cse-reassessment",
             json::serialize(json::object{{"held_at", at(0s)}, {"cse_risk", "low"}}));
    ASSERT_EQ(assessed.status, 200U) << assessed.body;
    std::set<std::string> kinds;
    const auto assessed_record = assessed.json();
    for (const auto& clock : assessed_record.at("clocks").as_array()) {
        kinds.insert(std::string{clock.at("kind").as_string()} + ":" +
                     std::string{clock.at("status").as_string()});
    }
    EXPECT_EQ(kinds,
              (std::set<std::string>{"repeat_missing_review:met", "cse_reassessment:pending"}));
    EXPECT_EQ(post(outsider, path + "/cse-reassessment",
                   json::serialize(json::object{{"held_at", at(0s)}, {"cse_risk", "low"}}))
                  .status,
              404U)
        << "another authority's child is not found";
}

} // namespace
} // namespace homeward::testing
