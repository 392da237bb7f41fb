// Clocks: an episode's replaced whole in one statement (keeping what the sweeper noted of a clock
// whose due time did not change), a child's own raised once per start and met by a review, the
// overdue queue in each role's scope, and the sweeper's claim announcing each clock once.

#include "fixture.hpp"
#include "test_database.hpp"

#include "homeward/db/clocks.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/notifications.hpp"

#include <gmock/gmock.h>

#include <algorithm>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using workflow::role;

class clocks_repository : public one_episode_test {
protected:
    void SetUp() override {
        one_episode_test::SetUp();
        now_ = clock_.now();
    }

    db::clock_row clock(std::string kind, workflow::time_point due,
                        std::optional<std::string> holder_org,
                        std::optional<std::string> holder_user = std::nullopt,
                        std::string subject = "") const {
        return {std::move(kind),
                std::move(subject),
                due - 24h,
                due,
                std::nullopt,
                std::nullopt,
                std::move(holder_org),
                std::move(holder_user)};
    }

    void save(const std::vector<db::clock_row>& clocks) {
        committed([&](db::unit_of_work& uow) { db::clocks::save(uow, episode_, child_, clocks); });
    }

    std::vector<db::clock_row> stored() {
        db::unit_of_work uow{shared_pool()};
        return db::clocks::of_episode(uow, episode_);
    }

    // The kinds in the caller's overdue queue from this test's episode.
    std::vector<std::string> queue(const services::actor& who, workflow::time_point at) {
        db::unit_of_work uow{shared_pool()};
        db::clocks::overdue_filter filter;
        filter.now = at;
        filter.limit = 500;
        std::vector<std::string> kinds;
        for (const auto& item : db::clocks::overdue(uow, scope_of(who), filter)) {
            if (item.episode_id == episode_) {
                kinds.push_back(item.kind);
            }
        }
        std::sort(kinds.begin(), kinds.end());
        return kinds;
    }

    // What the sweeper noted of the episode's clock of this kind.
    std::string marks_of(std::string_view kind) {
        return text("select coalesce(extract(epoch from due_soon_notified_at)::bigint::text, '-') "
                    "|| ' ' || coalesce(extract(epoch from overdue_notified_at)::bigint::text, "
                    "'-') from clocks where episode_id = " +
                    literal(episode_) + " and kind = " + literal(kind));
    }

    workflow::time_point now_{};
};

TEST_F(clocks_repository, a_save_replaces_the_episodes_clocks_with_the_ones_given) {
    save({clock("safe_and_well", now_ + 24h, w_.force.id),
          clock("interview_offered", now_ + 24h, w_.authority.id)});
    ASSERT_EQ(stored().size(), 2U);
    auto held = clock("interview_held", now_ + 72h, w_.authority.id, w_.social_worker.user_id);
    auto met = clock("safe_and_well", now_ + 24h, w_.force.id);
    met.met_at = now_;
    save({met, held});
    const auto clocks = stored();
    ASSERT_EQ(clocks.size(), 2U) << "the interview offer's clock is gone";
    const auto find = [&](std::string_view kind) {
        return *std::find_if(clocks.begin(), clocks.end(),
                             [&](const db::clock_row& c) { return c.kind == kind; });
    };
    EXPECT_EQ(find("safe_and_well").met_at, now_);
    EXPECT_EQ(find("interview_held").due_at, now_ + 72h);
    EXPECT_EQ(find("interview_held").starts_at, now_ + 48h);
    EXPECT_EQ(find("interview_held").holder_organisation_id, w_.authority.id);
    EXPECT_EQ(find("interview_held").holder_user_id, w_.social_worker.user_id);
    save({});
    EXPECT_TRUE(stored().empty());
}

TEST_F(clocks_repository, the_application_role_may_save_only_a_known_kind_of_clock) {
    db::connection_pool app{test_app_database_url(), 1};
    const auto save_as_app = [&](const std::vector<db::clock_row>& clocks) {
        db::unit_of_work uow{app};
        db::clocks::save(uow, episode_, child_, clocks);
        uow.commit();
    };
    save_as_app({clock("safe_and_well", now_ + 24h, w_.force.id)});
    try {
        save_as_app({clock("safe_and_well", now_ + 24h, w_.force.id),
                     clock("lunch_break", now_ + 48h, w_.force.id)});
        ADD_FAILURE() << "homeward_app saved a clock of an unknown kind";
    } catch (const pqxx::check_violation& refused) { // SQLSTATE 23514
        EXPECT_THAT(refused.what(), HasSubstr("violates check constraint \"clocks_kind_check\""));
    }
    const auto kept = stored();
    ASSERT_EQ(kept.size(), 1U);
    EXPECT_EQ(kept[0].kind, "safe_and_well");
    EXPECT_EQ(kept[0].due_at, now_ + 24h);
}

// An event's clocks and its audit entry are saved together: the entry as it was given, queued to
// be chained; and when the clocks are refused, no entry is kept either.
TEST_F(clocks_repository, a_save_with_its_audit_entry_keeps_both_or_neither) {
    db::connection_pool app{test_app_database_url(), 1};
    const auto save_as_app = [&](const std::vector<db::clock_row>& clocks,
                                 const std::string& request_id) {
        db::audit_entry entry;
        entry.request_id = request_id;
        entry.actor_id = w_.police.user_id;
        entry.actor_username = w_.police.username;
        entry.actor_role = role::police;
        entry.organisation_id = w_.force.id;
        entry.action = "episode.regrade";
        entry.entity_type = "episode";
        entry.entity_id = episode_;
        entry.outcome = "success";
        entry.detail_json = R"({"event": "regrade"})";
        db::unit_of_work uow{app};
        db::clocks::save(uow, episode_, child_, clocks, entry);
        uow.commit();
    };
    // Each stored field in EVENT_COLUMNS' order, and whether the entry waits to be chained.
    const auto entries_of = [&](const std::string& request_id) {
        return text("select coalesce(string_agg(concat_ws('|', e.request_id, e.actor_id, "
                    "e.actor_username, e.actor_role, e.organisation_id, e.action, e.entity_type, "
                    "e.entity_id, e.outcome, e.detail::text, u.event_id is not null), ';'), "
                    "'none') from audit_events e left join audit_unchained u on u.event_id = "
                    "e.id where e.request_id = " +
                    literal(request_id));
    };

    const auto kept_id = "req-kept-" + episode_;
    save_as_app({clock("long_missing", now_ + 24h, w_.force.id)}, kept_id);
    EXPECT_EQ(entries_of(kept_id), kept_id + "|" + w_.police.user_id + "|" + w_.police.username +
                                       "|police|" + w_.force.id + "|episode.regrade|episode|" +
                                       episode_ + R"(|success|{"event": "regrade"}|t)");
    ASSERT_EQ(stored().size(), 1U);

    const auto refused_id = "req-refused-" + episode_;
    try {
        save_as_app({clock("long_missing", now_ + 48h, w_.force.id),
                     clock("lunch_break", now_ + 48h, w_.force.id)},
                    refused_id);
        ADD_FAILURE() << "homeward_app saved a clock of an unknown kind";
    } catch (const pqxx::check_violation& refused) { // SQLSTATE 23514
        EXPECT_THAT(refused.what(), HasSubstr("clocks_kind_check"));
    }
    EXPECT_EQ(entries_of(refused_id), "none") << "the entry of a refused save is not kept";
    const auto kept = stored();
    ASSERT_EQ(kept.size(), 1U);
    EXPECT_EQ(kept[0].due_at, now_ + 24h);
}

TEST_F(clocks_repository, a_save_keeps_the_sweepers_marks_while_the_due_time_stays) {
    save({clock("safe_and_well", now_ + 24h, w_.force.id),
          clock("long_missing", now_ + 24h, w_.force.id)});
    execute("update clocks set due_soon_notified_at = to_timestamp(1000), overdue_notified_at = "
            "to_timestamp(2000) where episode_id = " +
            literal(episode_));
    auto same_due = clock("safe_and_well", now_ + 24h, w_.force.id, w_.police.user_id);
    save({same_due, clock("long_missing", now_ + 48h, w_.force.id)});
    EXPECT_EQ(marks_of("safe_and_well"), "1000 2000") << "same due time: still announced";
    EXPECT_EQ(marks_of("long_missing"), "- -") << "a new due time is announced again";
}

TEST_F(clocks_repository, a_save_writes_only_the_clocks_that_changed) {
    save({clock("safe_and_well", now_ + 24h, w_.force.id),
          clock("long_missing", now_ + 24h, w_.force.id)});
    const auto version_of = [&](std::string_view kind) {
        return text("select xmin::text from clocks where episode_id = " + literal(episode_) +
                    " and kind = " + literal(kind));
    };
    const auto unchanged = version_of("safe_and_well");
    const auto moved = version_of("long_missing");
    save({clock("safe_and_well", now_ + 24h, w_.force.id),
          clock("long_missing", now_ + 48h, w_.force.id)});
    EXPECT_EQ(version_of("safe_and_well"), unchanged) << "the same clock is not written again";
    EXPECT_NE(version_of("long_missing"), moved) << "a new due time is written";
    EXPECT_EQ(stored().size(), 2U);
    const auto held = version_of("long_missing");
    save({clock("safe_and_well", now_ + 24h, w_.force.id, w_.police.user_id),
          clock("long_missing", now_ + 48h, w_.force.id)});
    EXPECT_NE(version_of("safe_and_well"), unchanged) << "a new holder is written";
    EXPECT_EQ(version_of("long_missing"), held);
}

TEST_F(clocks_repository, a_childs_own_clock_is_raised_once_per_start_and_met_by_a_review) {
    const auto review = [&](workflow::time_point starts) {
        return db::clock_row{"repeat_missing_review", "",           starts,
                             starts + 7 * 24h,        std::nullopt, std::nullopt,
                             w_.authority.id,         std::nullopt};
    };
    const auto raise = [&](const db::clock_row& c) {
        return committed(
            [&](db::unit_of_work& uow) { return db::clocks::save_child_clock(uow, child_, c); });
    };
    EXPECT_TRUE(raise(review(now_)));
    EXPECT_FALSE(raise(review(now_))) << "the same start: raised once";
    EXPECT_TRUE(raise(review(now_ + 1h)));
    const auto met = committed([&](db::unit_of_work& uow) {
        return db::clocks::meet_child_clocks(uow, child_, "repeat_missing_review", now_ + 30min);
    });
    EXPECT_EQ(met, 1) << "only a clock started by the review's time";
    db::unit_of_work uow{shared_pool()};
    const auto clocks = db::clocks::of_child(uow, child_);
    ASSERT_EQ(clocks.size(), 2U);
    EXPECT_EQ(clocks[0].starts_at, now_);
    EXPECT_EQ(clocks[0].met_at, now_ + 30min);
    EXPECT_FALSE(clocks[1].met_at.has_value());
    EXPECT_EQ(db::clocks::meet_child_clocks(uow, child_, "repeat_missing_review", now_ + 30min), 0)
        << "a met clock is not met again";
    EXPECT_TRUE(db::clocks::of_episode(uow, episode_).empty()) << "not the episode's";
}

TEST_F(clocks_repository, police_queue_their_forces_police_clocks_only) {
    save({clock("safe_and_well", now_ - 1h, w_.force.id),
          clock("long_missing", now_ - 2h, w_.force.id),
          clock("interview_offered", now_ - 1h, w_.authority.id, w_.social_worker.user_id)});
    EXPECT_THAT(queue(w_.police, now_), ::testing::ElementsAre("long_missing", "safe_and_well"));
    EXPECT_TRUE(queue(w_.other_police, now_).empty());
}

TEST_F(clocks_repository, a_social_worker_queues_the_clocks_they_hold) {
    save({clock("interview_offered", now_ - 1h, w_.authority.id, w_.social_worker.user_id),
          clock("interview_held", now_ - 1h, w_.authority.id)});
    EXPECT_THAT(queue(w_.social_worker, now_), ::testing::ElementsAre("interview_offered"));
    EXPECT_TRUE(queue(w_.second_social_worker, now_).empty());
    EXPECT_TRUE(queue(w_.host_social_worker, now_).empty());
}

TEST_F(clocks_repository, managers_and_the_champion_queue_their_authoritys_clocks) {
    save({clock("interview_offered", now_ - 1h, w_.authority.id, w_.social_worker.user_id),
          clock("interview_held", now_ - 1h, w_.authority.id),
          clock("safe_and_well", now_ - 1h, w_.force.id)});
    const std::vector<std::string> authoritys{"interview_held", "interview_offered"};
    EXPECT_EQ(queue(w_.manager, now_), authoritys);
    EXPECT_EQ(queue(w_.cse_champion, now_), authoritys);
    EXPECT_TRUE(queue(w_.other_manager, now_).empty());
    EXPECT_TRUE(queue(w_.host_manager, now_).empty()) << "the responsible authority holds them";
}

TEST_F(clocks_repository, an_admin_queues_nothing) {
    save({clock("interview_held", now_ - 1h, w_.authority.id),
          clock("safe_and_well", now_ - 1h, w_.force.id)});
    EXPECT_TRUE(queue(w_.admin, now_).empty());
    EXPECT_TRUE(queue(make_user(role::admin, w_.force), now_).empty());
}

TEST_F(clocks_repository, the_queue_leaves_out_met_and_not_yet_due_clocks_most_overdue_first) {
    auto met = clock("interview_offered", now_ - 3h, w_.authority.id);
    met.met_at = now_ - 4h;
    save({met, clock("interview_held", now_ + 1h, w_.authority.id),
          clock("further_offer", now_ - 1h, w_.authority.id),
          clock("long_missing", now_ - 2h, w_.authority.id)});
    db::unit_of_work uow{shared_pool()};
    db::clocks::overdue_filter filter;
    filter.now = now_;
    std::vector<std::string> kinds;
    for (const auto& item : db::clocks::overdue(uow, scope_of(w_.manager), filter)) {
        kinds.push_back(item.kind);
        EXPECT_EQ(item.child_id, child_);
        EXPECT_EQ(item.authority, w_.authority.code);
    }
    EXPECT_THAT(kinds, ::testing::ElementsAre("long_missing", "further_offer"));
    filter.due_soon = true;
    filter.window = 2h;
    const auto soon = db::clocks::overdue(uow, scope_of(w_.manager), filter);
    ASSERT_EQ(soon.size(), 1U);
    EXPECT_EQ(soon[0].kind, "interview_held");
}

// The sweeper's claim: the clocks it returns are marked announced by the same statement, so a
// second claim (or another sweeper meanwhile) does not see them again. Due long ago, so that only
// this test's clock is due at the time asked; both transactions are rolled back.
TEST_F(clocks_repository, a_claim_marks_each_clock_announced_so_that_no_claim_sees_it_again) {
    const auto long_ago = workflow::time_point{std::chrono::seconds{946684800}}; // 2000-01-01
    save({clock("interview_held", long_ago, w_.authority.id, w_.social_worker.user_id)});
    const auto ids = [](const std::vector<db::clocks::claimed_clock>& claimed) {
        std::vector<std::string> kinds;
        for (const auto& c : claimed) {
            kinds.push_back(c.kind + " " + c.child_id);
        }
        return kinds;
    };
    const std::string ours = "interview_held " + child_;
    db::unit_of_work first{shared_pool()};
    const auto claimed = db::clocks::claim(first, true, long_ago + 1s, 24h, 100);
    EXPECT_THAT(ids(claimed), ::testing::Contains(ours));
    for (const auto& c : claimed) {
        if (c.child_id == child_) {
            EXPECT_EQ(c.episode_id, episode_);
            EXPECT_EQ(c.holder_user_id, w_.social_worker.user_id);
            EXPECT_EQ(c.responsible_authority_id, w_.authority.id);
        }
    }
    EXPECT_THAT(ids(db::clocks::claim(first, true, long_ago + 1s, 24h, 100)),
                ::testing::Not(::testing::Contains(ours)))
        << "announced once";
    db::unit_of_work second{shared_pool()};
    EXPECT_THAT(ids(db::clocks::claim(second, true, long_ago + 1s, 24h, 100)),
                ::testing::Not(::testing::Contains(ours)))
        << "a clock another sweeper holds is skipped";
}

TEST_F(clocks_repository, a_clock_announced_due_soon_is_still_announced_when_overdue) {
    const auto long_ago = workflow::time_point{std::chrono::seconds{946684800}};
    save({clock("interview_held", long_ago, w_.authority.id)});
    db::unit_of_work uow{shared_pool()}; // rolled back
    const auto ours = [&](const std::vector<db::clocks::claimed_clock>& claimed) {
        return std::count_if(claimed.begin(), claimed.end(),
                             [&](const auto& c) { return c.child_id == child_; });
    };
    EXPECT_EQ(ours(db::clocks::claim(uow, false, long_ago - 1h, 2h, 100)), 1) << "due soon";
    EXPECT_EQ(ours(db::clocks::claim(uow, false, long_ago - 1h, 2h, 100)), 0);
    EXPECT_EQ(ours(db::clocks::claim(uow, true, long_ago + 1s, 2h, 100)), 1) << "overdue";
    EXPECT_EQ(ours(db::clocks::claim(uow, false, long_ago + 1s, 2h, 100)), 0);
}

// The sweeper and an event on the same episode at once. The event holds the episode (every use
// case locks it first) and then saves the episode's clocks, waiting for a clock the sweeper has
// claimed; the sweeper's notification about that episode must not wait for the event in turn.
// When the event's lock blocked the notification's foreign-key check, PostgreSQL broke the
// deadlock by failing the event: a return answered 500 while the sweeper announced a clock.
TEST_F(clocks_repository, a_sweep_and_an_event_on_the_same_episode_do_not_wait_for_each_other) {
    const auto long_ago = workflow::time_point{std::chrono::seconds{946684800}};
    const auto ours = clock("interview_held", long_ago, w_.authority.id, w_.social_worker.user_id);
    save({ours});
    db::unit_of_work sweeper{shared_pool()};
    const auto claimed = db::clocks::claim(sweeper, true, long_ago + 1s, 24h, 100);
    ASSERT_EQ(std::count_if(claimed.begin(), claimed.end(),
                            [&](const auto& c) { return c.episode_id == episode_; }),
              1);
    db::unit_of_work event{shared_pool()};
    ASSERT_TRUE(db::episodes::lock(event, episode_, scope_of(w_.police)).has_value());
    // Bounded, so that a wait shows as this test failing rather than hanging.
    sweeper.tx().exec("set local lock_timeout = '3s'");
    EXPECT_NO_THROW(db::notifications::raise(
        sweeper, {w_.authority.id, std::nullopt, w_.social_worker.user_id, "clock_overdue",
                  episode_, child_, "Overdue: interview_held", "{}", "deadlock-test:" + episode_}))
        << "the sweeper's notification waited for the event's lock on the episode";
    sweeper.commit();
    auto met = ours;
    met.met_at = long_ago - 1h;
    event.tx().exec("set local lock_timeout = '3s'");
    EXPECT_NO_THROW(db::clocks::save(event, episode_, child_, {met}));
    event.commit();
    EXPECT_EQ(stored().at(0).met_at, met.met_at);
}

} // namespace
} // namespace homeward::testing
