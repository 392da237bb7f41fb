// Lists page with keyset cursors: following next_cursor visits every item once, newest (or most
// overdue) first; a cursor this server did not give is refused.

#include "fixture.hpp"

#include "homeward/services/clocks.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"

#include <gtest/gtest.h>

#include <set>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

class pagination : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        child = make_child();
        for (int i = 0; i < 5; ++i) {
            ids.push_back(report(child));
            advance(60s); // distinct report times
        }
    }
    // The child's episodes, two a page, following next_cursor to the end.
    std::vector<std::string> every_page() {
        services::episode_query query;
        query.child_id = child;
        query.limit = 2;
        std::vector<std::string> seen;
        for (int page = 0; page < 5; ++page) {
            const auto result = services::list_episodes(env_, w_.manager, query);
            for (const auto& item : result.items) {
                seen.push_back(item.id);
            }
            if (!result.next_cursor) {
                break;
            }
            query.cursor = result.next_cursor;
        }
        return seen;
    }
    std::string child;
    std::vector<std::string> ids;
};

TEST_F(pagination, following_next_cursor_lists_every_episode_once_newest_first) {
    EXPECT_EQ(every_page(), (std::vector<std::string>{ids[4], ids[3], ids[2], ids[1], ids[0]}));
}

TEST_F(pagination, rows_loaded_with_fractions_of_a_second_are_still_listed_once_each) {
    // A bulk load or an import writes times the services never would: 0.7 s past the second,
    // which a cursor in whole seconds once rounded up, so each page began with the last row of
    // the page before.
    execute("update episodes set reported_at = reported_at + interval '0.7 seconds' where "
            "child_id = " +
            literal(child) + "::uuid");
    EXPECT_EQ(every_page(), (std::vector<std::string>{ids[4], ids[3], ids[2], ids[1], ids[0]}));
}

TEST_F(pagination, the_overdue_queue_pages_most_overdue_first_without_repeats) {
    advance(25h); // every long-missing clock (medium: 24 h) is late
    services::overdue_query query;
    query.kind = "long_missing";
    query.limit = 2;
    std::vector<std::string> seen;
    auto previous_due = workflow::time_point::min();
    for (int page = 0; page < 10; ++page) {
        const auto result = services::overdue_queue(env_, w_.police, query);
        for (const auto& line : result.items) {
            EXPECT_LE(previous_due, line.item.due_at);
            previous_due = line.item.due_at;
            if (line.item.child_id == child) {
                seen.push_back(line.item.episode_id.value_or(""));
            }
        }
        if (!result.next_cursor) {
            break;
        }
        query.cursor = result.next_cursor;
    }
    EXPECT_EQ(seen, ids);
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5U);
}

TEST_F(pagination, a_cursor_the_server_did_not_give_is_refused_naming_it) {
    services::episode_query query;
    for (const char* bad : {"yesterday", "12.", ".abc", "1700000000.not-a-uuid", "1.2.3"}) {
        query.cursor = bad;
        const auto refused = failure_of([&] { services::list_episodes(env_, w_.manager, query); });
        EXPECT_EQ(refused.kind(), services::failure_kind::invalid_query) << bad;
        ASSERT_FALSE(refused.fields().empty()) << bad;
        EXPECT_EQ(refused.fields().front().field, "cursor") << bad;
    }
}

} // namespace
} // namespace homeward::testing
