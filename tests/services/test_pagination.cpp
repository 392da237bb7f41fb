// Lists page with keyset cursors: following next_cursor visits every item once, newest (or most
// overdue) first; a cursor this server did not give is refused.

#include "use_case_fixture.hpp"

#include "homeward/services/clocks.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <set>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

class pagination : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        const auto force = make_org("police");
        authority = make_org("local_authority");
        police = make_user("police", force);
        manager = make_user("manager", authority);
        child = make_child(manager, authority);
        for (int i = 0; i < 5; ++i) {
            ids.push_back(report(police, child));
            now_ += 60; // distinct report times
        }
    }
    std::string authority, child;
    services::actor police, manager;
    std::vector<std::string> ids;
};

TEST_F(pagination, following_next_cursor_lists_every_episode_once_newest_first) {
    services::episode_query query;
    query.child_id = child;
    query.limit = 2;
    std::vector<std::string> seen;
    for (int page = 0; page < 5; ++page) {
        const auto result = services::list_episodes(*env_, manager, query);
        for (const auto& item : result.at("items").as_array()) {
            seen.emplace_back(item.at("id").as_string());
        }
        if (result.at("next_cursor").is_null()) {
            break;
        }
        query.cursor = std::string{result.at("next_cursor").as_string()};
    }
    EXPECT_EQ(seen, (std::vector<std::string>{ids[4], ids[3], ids[2], ids[1], ids[0]}));
}

TEST_F(pagination, the_overdue_queue_pages_most_overdue_first_without_repeats) {
    now_ += std::chrono::seconds{25h}.count(); // every long-missing clock (medium: 24 h) is late
    services::overdue_query query;
    query.kind = "long_missing";
    query.limit = 2;
    std::vector<std::string> seen;
    std::string previous_due;
    for (int page = 0; page < 10; ++page) {
        const auto result = services::overdue_queue(*env_, police, query);
        for (const auto& item : result.at("items").as_array()) {
            const std::string due{item.at("due_at").as_string()};
            EXPECT_LE(previous_due, due);
            previous_due = due;
            if (item.at("child").at("id").as_string() == child) {
                seen.emplace_back(item.at("episode_id").as_string());
            }
        }
        if (result.at("next_cursor").is_null()) {
            break;
        }
        query.cursor = std::string{result.at("next_cursor").as_string()};
    }
    EXPECT_EQ(seen, ids);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5U);
}

TEST_F(pagination, a_cursor_the_server_did_not_give_is_refused_naming_it) {
    services::episode_query query;
    for (const char* bad : {"yesterday", "12.", ".abc", "1700000000.not-a-uuid", "1.2.3"}) {
        query.cursor = bad;
        try {
            services::list_episodes(*env_, manager, query);
            ADD_FAILURE() << "accepted cursor " << bad;
        } catch (const services::failure& refused) {
            EXPECT_EQ(refused.kind(), services::failure_kind::invalid_query) << bad;
            ASSERT_FALSE(refused.fields().empty());
            EXPECT_EQ(refused.fields().front().field, "cursor");
        }
    }
}

} // namespace
} // namespace homeward::testing
