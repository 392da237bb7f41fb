// Clocks from pending to due soon to overdue to met; the overdue queue in each role's scope; the
// sweeper announcing each clock exactly once, also with two sweepers at the same time; repeat
// missing opening a review.

#include "fixture.hpp"

#include "homeward/services/children.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/workflow/policy.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <algorithm>
#include <thread>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using workflow::clock_status;
using workflow::episode_event;

class clocks_and_overdue : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        child = make_child();
        episode = report(child);
        send(w_.police, episode_event::record_return, episode,
             {{"returned_at", at(-1h)}, {"found_location", "Park"}, {"returned_to", "Home"}});
        send(w_.social_worker, episode_event::assign, episode,
             {{"worker_id", w_.social_worker.user_id}});
    }

    // The status of the episode's clock of this kind; nullopt when the episode has none.
    std::optional<clock_status> status_of(std::string_view kind) {
        const auto clock =
            deadline_of(services::get_episode(env_, w_.social_worker, episode), kind);
        return clock ? std::optional{clock->status} : std::nullopt;
    }

    std::vector<std::string> queue_kinds(const services::actor& who, bool due_soon = false) {
        services::overdue_query query;
        query.due_soon = due_soon;
        query.limit = 500;
        std::vector<std::string> kinds;
        for (const auto& line : services::overdue_queue(env_, who, query).items) {
            if (line.item.episode_id == episode) {
                kinds.push_back(line.item.kind);
            }
        }
        std::sort(kinds.begin(), kinds.end());
        return kinds;
    }

    long long notifications(std::string_view kind) {
        return count_where("notifications",
                           "episode_id = " + literal(episode) + " and kind = " + literal(kind));
    }

    std::string child, episode;
};

TEST_F(clocks_and_overdue, the_interview_clock_goes_pending_due_soon_overdue_then_met) {
    EXPECT_EQ(status_of("interview_held"), clock_status::pending);
    advance(47h); // return + 48 h: 24 h left
    EXPECT_EQ(status_of("interview_held"), clock_status::due_soon);
    advance(24h); // return + 72 h: due
    EXPECT_EQ(status_of("interview_held"), clock_status::overdue);
    send(w_.social_worker, episode_event::record_interview, episode,
         {{"conducted_at", at(-1min)},
          {"location", "School"},
          {"where_stayed", "Friend"},
          {"with_whom", "Friend"},
          {"harm_disclosed", false},
          {"cse_risk", "none"},
          {"child_views", "ok"}});
    EXPECT_EQ(status_of("interview_held"), clock_status::met);
}

TEST_F(clocks_and_overdue, the_overdue_queue_shows_each_role_its_own_scope) {
    advance(25h); // safe-and-well and the offer are overdue
    const std::vector<std::string> social{"interview_offered"};
    EXPECT_EQ(queue_kinds(w_.social_worker), social);
    EXPECT_TRUE(queue_kinds(w_.second_social_worker).empty());
    EXPECT_EQ(queue_kinds(w_.manager), social);
    EXPECT_EQ(queue_kinds(w_.cse_champion), social);
    EXPECT_EQ(queue_kinds(w_.police), std::vector<std::string>{"safe_and_well"});
    EXPECT_TRUE(queue_kinds(w_.other_manager).empty());
    EXPECT_TRUE(queue_kinds(w_.other_police).empty());
    EXPECT_TRUE(queue_kinds(w_.social_worker, true).empty()); // the interview is 46 h away
    advance(23h);                                             // return + 49 h: 23 h left
    EXPECT_EQ(queue_kinds(w_.social_worker, true), std::vector<std::string>{"interview_held"});
    const auto refused = failure_of([&] { services::overdue_queue(env_, w_.admin, {}); });
    EXPECT_EQ(refused.kind(), services::failure_kind::forbidden);
}

// How many hours late each line is, rounded, is the API's to write (api/test_representation.cpp);
// the use case orders the lines and says at what time they were read.
TEST_F(clocks_and_overdue, the_queue_lists_the_most_overdue_first_read_at_the_current_time) {
    advance(30h);
    services::overdue_query query;
    query.limit = 500;
    const auto lines = services::overdue_queue(env_, w_.manager, query).items;
    ASSERT_FALSE(lines.empty());
    auto previous = workflow::time_point::min();
    for (const auto& line : lines) {
        EXPECT_EQ(line.now, now());
        EXPECT_LE(line.item.due_at, now()) << "only what is overdue";
        EXPECT_GE(line.item.due_at, previous) << "the most overdue first";
        previous = line.item.due_at;
    }
    EXPECT_EQ(lines.front().item.authority, w_.authority.code);
    EXPECT_EQ(lines.front().item.child_id, child);
}

TEST_F(clocks_and_overdue, the_sweeper_announces_each_overdue_clock_exactly_once) {
    advance(25h);
    services::sweep_clocks(env_);
    const auto first = notifications("clock_overdue");
    EXPECT_NE(first, 0);
    EXPECT_EQ(count_where("notifications", "episode_id = " + literal(episode) +
                                               " and kind = 'clock_overdue' and "
                                               "recipient_user_id = " +
                                               literal(w_.social_worker.user_id)),
              1); // the interview offer, to its holder
    services::sweep_clocks(env_);
    EXPECT_EQ(notifications("clock_overdue"), first);
}

TEST_F(clocks_and_overdue, two_sweepers_at_once_announce_each_clock_once) {
    advance(25h);
    std::thread a{[&] { services::sweep_clocks(env_); }};
    std::thread b{[&] { services::sweep_clocks(env_); }};
    a.join();
    b.join();
    const auto once = notifications("clock_overdue");
    EXPECT_EQ(scalar("select count(*) from (select dedupe_key from notifications group by "
                     "dedupe_key having count(*) > 1) d"),
              0);
    execute("update clocks set overdue_notified_at = null where episode_id = " + literal(episode));
    services::sweep_clocks(env_);
    EXPECT_EQ(notifications("clock_overdue"), once) << "a second announcement was raised";
}

TEST_F(clocks_and_overdue, long_missing_overdue_is_told_to_the_champion) {
    const auto missing = report(child);
    advance(25h); // medium risk: 24 h
    services::sweep_clocks(env_);
    EXPECT_EQ(count_where("notifications", "episode_id = " + literal(missing) +
                                               " and kind = 'clock_overdue' and recipient_role = "
                                               "'cse_champion' and organisation_id = " +
                                               literal(w_.authority.id)),
              1);
}

TEST_F(clocks_and_overdue,
       a_third_report_in_30_days_opens_a_review_and_tells_manager_and_champion) {
    report(child); // the second (the fixture made the first)
    EXPECT_FALSE(services::get_child(env_, w_.social_worker, child).repeat_missing);
    const auto third = report(child);
    EXPECT_TRUE(services::get_child(env_, w_.social_worker, child).repeat_missing);
    EXPECT_EQ(count_where("clocks", "child_id = " + literal(child) +
                                        " and kind = 'repeat_missing_review' and episode_id is "
                                        "null and due_at = starts_at + interval '7 days'"),
              1);
    // The child is placed across a boundary: the host authority is told as the responsible one.
    EXPECT_EQ(text("select string_agg(case organisation_id when " + literal(w_.host.id) +
                   "::uuid then 'host ' else 'responsible ' end || recipient_role, ',' order by "
                   "organisation_id = " +
                   literal(w_.host.id) +
                   "::uuid, recipient_role) from notifications where episode_id = " +
                   literal(third) + " and kind = 'repeat_missing'"),
              "responsible cse_champion,responsible manager,host cse_champion,host manager");
}

// The child's own clocks as the child's record shows them: kind and status, oldest first.
using clock_list = std::vector<std::pair<std::string, clock_status>>;
clock_list child_clocks(const services::child_view& child) {
    clock_list clocks;
    for (const auto& clock : child.clocks) {
        clocks.emplace_back(clock.kind, clock.status);
    }
    return clocks;
}

TEST_F(clocks_and_overdue,
       the_repeat_missing_review_goes_pending_due_soon_overdue_then_met_by_the_review) {
    report(child);
    report(child); // the third in 30 days
    const auto status = [&] { return child_clocks(services::get_child(env_, w_.manager, child)); };
    EXPECT_EQ(status(), (clock_list{{"repeat_missing_review", clock_status::pending}}));
    advance(6 * 24h + 1h);
    EXPECT_EQ(status(), (clock_list{{"repeat_missing_review", clock_status::due_soon}}));
    advance(24h);
    EXPECT_EQ(status(), (clock_list{{"repeat_missing_review", clock_status::overdue}}));

    services::sweep_clocks(env_);
    EXPECT_EQ(text("select string_agg(case organisation_id when " + literal(w_.host.id) +
                   "::uuid then 'host ' else 'responsible ' end || coalesce(recipient_role, "
                   "'holder'), ',' order by organisation_id = " +
                   literal(w_.host.id) +
                   "::uuid, recipient_role) from notifications where child_id = " + literal(child) +
                   " and kind = 'clock_overdue' and episode_id is null"),
              "responsible cse_champion,responsible manager,host cse_champion,host manager");

    const boost::json::object review{{"held_at", at(-1h)}, {"notes", "Strategy meeting"}};
    EXPECT_EQ(failure_of([&] {
                  services::record_repeat_review(env_, w_.social_worker, child, review);
              }).kind(),
              services::failure_kind::forbidden)
        << "a social worker does not hold the review";
    EXPECT_EQ(failure_of([&] {
                  services::record_repeat_review(env_, w_.manager, child, {{"held_at", at(1h)}});
              }).kind(),
              services::failure_kind::invalid_input)
        << "a review in the future was accepted";
    const auto reviewed = services::record_repeat_review(env_, w_.manager, child, review);
    EXPECT_EQ(child_clocks(reviewed), (clock_list{{"repeat_missing_review", clock_status::met}}));
    EXPECT_EQ(failure_of([&] {
                  services::record_repeat_review(env_, w_.cse_champion, child, review);
              }).kind(),
              services::failure_kind::state_conflict)
        << "a second review met nothing and was accepted";
    EXPECT_EQ(count_where("child_reviews", "child_id = " + literal(child)), 1);
}

// Issue 12, finding 12: the review fired only when a report made the count exactly the threshold.
// Now any report at or over it opens the review, unless one is open already: a further report
// adds to the open review, and one after the review was held opens the next.
TEST_F(clocks_and_overdue, reports_over_the_threshold_keep_one_review_open_and_open_the_next) {
    report(child);
    report(child); // the third in 30 days
    const auto open_reviews = [&] {
        return count_where("clocks", "child_id = " + literal(child) +
                                         " and kind = 'repeat_missing_review' and episode_id is "
                                         "null and met_at is null and stopped_at is null");
    };
    ASSERT_EQ(open_reviews(), 1);
    advance(1h);
    report(child); // the fourth: the review is still open
    EXPECT_EQ(open_reviews(), 1);
    EXPECT_EQ(count_where("notifications",
                          "child_id = " + literal(child) + " and kind = 'repeat_missing'"),
              4)
        << "the manager and the champion of each authority, once";
    advance(1h);
    services::record_repeat_review(env_, w_.manager, child, {{"held_at", at(-30min)}});
    EXPECT_EQ(open_reviews(), 0);
    advance(1h);
    report(child); // the fifth in the window, after the review: the next one opens
    EXPECT_EQ(open_reviews(), 1);
    EXPECT_EQ(count_where("clocks", "child_id = " + literal(child) +
                                        " and kind = 'repeat_missing_review' and episode_id is "
                                        "null"),
              2);
}

TEST_F(clocks_and_overdue, a_cse_reassessment_clock_follows_the_interview_and_each_reassessment) {
    const auto interviewed_at = now() - 1h;
    send(w_.social_worker, episode_event::record_interview, episode,
         {{"conducted_at", workflow::format_rfc3339(interviewed_at)},
          {"location", "School"},
          {"where_stayed", "A flat in town"},
          {"with_whom", "An older man"},
          {"harm_disclosed", false},
          {"cse_risk", "medium"},
          {"child_views", "ok"}});
    const auto clocks = [&] {
        return child_clocks(services::get_child(env_, w_.social_worker, child));
    };
    EXPECT_EQ(clocks(), (clock_list{{"cse_reassessment", clock_status::pending}}));
    EXPECT_EQ(status_of("cse_reassessment"), std::nullopt) << "a child's clock, not the episode's";
    const auto first = services::get_child(env_, w_.social_worker, child).clocks.at(0);
    EXPECT_EQ(first.holder_user_id, w_.social_worker.user_id);
    EXPECT_EQ(first.starts_at, interviewed_at);

    // Three calendar months after the interview (clamped to the end of a shorter month).
    EXPECT_EQ(first.due_at, workflow::add_months(interviewed_at, 3));
    clock_.set(first.due_at - 12h);
    EXPECT_EQ(clocks(), (clock_list{{"cse_reassessment", clock_status::due_soon}}));
    clock_.set(first.due_at + 1h);
    EXPECT_EQ(clocks(), (clock_list{{"cse_reassessment", clock_status::overdue}}));
    services::overdue_query query_all;
    query_all.limit = 500;
    query_all.kind = "cse_reassessment";
    const auto queue = services::overdue_queue(env_, w_.social_worker, query_all).items;
    ASSERT_EQ(queue.size(), 1U);
    EXPECT_EQ(queue[0].item.child_id, child);

    EXPECT_EQ(failure_of([&] {
                  services::record_cse_reassessment(env_, w_.police, child,
                                                    {{"held_at", at(-1h)}, {"cse_risk", "low"}});
              }).kind(),
              services::failure_kind::forbidden);
    const auto still_low = services::record_cse_reassessment(
        env_, w_.social_worker, child, {{"held_at", at(-1h)}, {"cse_risk", "low"}});
    EXPECT_EQ(child_clocks(still_low), (clock_list{{"cse_reassessment", clock_status::met},
                                                   {"cse_reassessment", clock_status::pending}}));
    const auto gone = services::record_cse_reassessment(
        env_, w_.social_worker, child, {{"held_at", at(-1min)}, {"cse_risk", "none"}});
    EXPECT_EQ(child_clocks(gone), (clock_list{{"cse_reassessment", clock_status::met},
                                              {"cse_reassessment", clock_status::met}}));
    EXPECT_EQ(count_where("notifications", "child_id = " + literal(child) +
                                               " and kind = 'cse_risk_raised' and episode_id is "
                                               "null"),
              0);
    services::record_cse_reassessment(env_, w_.manager, child,
                                      {{"held_at", at(0s)}, {"cse_risk", "high"}});
    EXPECT_EQ(text("select string_agg(recipient_role || ' of ' || case organisation_id when " +
                   literal(w_.host.id) +
                   "::uuid then 'host' else 'responsible' end, ',' order by organisation_id = " +
                   literal(w_.host.id) + "::uuid) from notifications where child_id = " +
                   literal(child) + " and kind = 'cse_risk_raised' and episode_id is null"),
              "cse_champion of responsible,cse_champion of host");
}

} // namespace
} // namespace homeward::testing
