// The overdue queue with open=true: every open clock in the caller's scope, late or not, soonest
// due first (what a manager must see from the day a review opens); never with due_soon.

#include "fixture.hpp"

#include "homeward/services/clocks.hpp"

#include <gmock/gmock.h>

#include <string>
#include <vector>

namespace homeward::testing {
namespace {

using ::testing::ElementsAre;

class overdue_open : public services_test {
protected:
    std::vector<std::string> kinds_of(const services::actor& who, const std::string& episode,
                                      bool open) {
        services::overdue_query query;
        query.open = open;
        query.limit = 500;
        std::vector<std::string> kinds;
        for (const auto& view : services::overdue_queue(env_, who, query).items) {
            if (view.item.episode_id == episode) {
                kinds.push_back(view.item.kind);
                if (open) {
                    EXPECT_GT(view.item.due_at, view.now) << view.item.kind << " is not late yet";
                }
            }
        }
        return kinds;
    }
};

TEST_F(overdue_open, lists_every_open_clock_soonest_due_first_before_any_is_late) {
    const auto episode = episode_in(workflow::episode_state::returned);
    EXPECT_TRUE(kinds_of(w_.manager, episode, false).empty()) << "nothing is late yet";
    // The offer is due a day after the return, the interview three days after.
    EXPECT_THAT(kinds_of(w_.manager, episode, true),
                ElementsAre("interview_offered", "interview_held"));
    EXPECT_TRUE(kinds_of(w_.other_manager, episode, true).empty()) << "another authority's";
}

TEST_F(overdue_open, is_refused_with_due_soon) {
    services::overdue_query query;
    query.open = true;
    query.due_soon = true;
    const auto refused = failure_of([&] { services::overdue_queue(env_, w_.manager, query); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_query");
    EXPECT_THAT(fields_of(refused), ElementsAre("open"));
}

} // namespace
} // namespace homeward::testing
