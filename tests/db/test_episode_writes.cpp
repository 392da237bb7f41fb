// The episodes repository's writes: every event's write moving state, version and history
// together and reading back what it stored, refusing a stale version or an unknown episode, and
// the rules the database holds whoever writes. Its reads: test_episodes.cpp.

#include "episode_fixture.hpp"
#include "test_database.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/interviews.hpp"
#include "homeward/db/organisations.hpp"

#include <gmock/gmock.h>
#include <pqxx/pqxx>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using workflow::episode_event;
using workflow::episode_state;
using workflow::role;

class episode_writes : public episode_fixture {
protected:
    // The write must have moved the episode from `from` at `version` to `to` at the next version,
    // with the history entry of the event by `who`.
    void expect_moved(int version, episode_event event, episode_state from, episode_state to,
                      const services::actor& who) {
        db::unit_of_work uow{shared_pool()};
        const auto row = db::episodes::lock(uow, episode_, scope_of(w_.manager));
        ASSERT_TRUE(row.has_value());
        EXPECT_EQ(row->state, to) << workflow::to_string(event);
        EXPECT_EQ(row->version, version + 1) << workflow::to_string(event);
        const auto history = db::episodes::history(uow, episode_);
        ASSERT_EQ(history.size(), static_cast<std::size_t>(version + 1));
        const auto& entry = history.back();
        EXPECT_EQ(entry.event, workflow::to_string(event));
        EXPECT_EQ(entry.from_state, from) << entry.event;
        EXPECT_EQ(entry.to_state, to) << entry.event;
        EXPECT_EQ(entry.version, version + 1) << entry.event;
        EXPECT_EQ(entry.actor_id, who.user_id) << entry.event;
        EXPECT_EQ(entry.actor_role, who.role) << entry.event;
        EXPECT_EQ(entry.at, clock_.now()) << entry.event;
    }
};

// ---- the report and every event's write -------------------------------------------------------

TEST_F(episode_writes, a_report_is_missing_at_version_one_with_its_history_entry) {
    const auto episode = record();
    EXPECT_EQ(episode.state, episode_state::missing);
    EXPECT_EQ(episode.version, 1);
    EXPECT_EQ(episode.child.id, child_);
    EXPECT_EQ(episode.police_force, w_.force.code);
    EXPECT_EQ(episode.responsible_authority, w_.authority.code);
    EXPECT_EQ(episode.host_authority, w_.host.code);
    EXPECT_EQ(episode.reported_at, clock_.now());
    EXPECT_EQ(episode.last_seen_at, clock_.now() - 2h);
    db::unit_of_work uow{shared_pool()};
    const auto history = db::episodes::history(uow, episode_);
    ASSERT_EQ(history.size(), 1U);
    EXPECT_EQ(history[0].event, "report");
    EXPECT_FALSE(history[0].from_state.has_value());
    EXPECT_EQ(history[0].to_state, episode_state::missing);
    EXPECT_EQ(history[0].version, 1);
    EXPECT_EQ(history[0].actor_id, w_.police.user_id);
    EXPECT_EQ(history[0].actor_username, w_.police.username);
    EXPECT_EQ(history[0].actor_role, role::police);
}

TEST_F(episode_writes, every_events_write_moves_state_version_and_history_together) {
    using enum episode_state;
    const auto now = clock_.now();

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::regrade_risk(
            uow, move(episode_, 1, missing, missing, w_.police, episode_event::regrade_risk),
            workflow::risk_level::high);
    }));
    expect_moved(1, episode_event::regrade_risk, missing, missing, w_.police);
    EXPECT_EQ(record().risk, workflow::risk_level::high);

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::record_return(
            uow, move(episode_, 2, missing, returned, w_.police, episode_event::record_return),
            now - 1h, "Leeds railway station", "Placement", std::optional<std::string>{"PC 4471"});
    }));
    expect_moved(2, episode_event::record_return, missing, returned, w_.police);
    EXPECT_EQ(record().returned_at, now - 1h);
    EXPECT_EQ(record().found_location, "Leeds railway station");
    EXPECT_EQ(record().returned_to, "Placement");
    EXPECT_EQ(record().found_by, "PC 4471");

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::record_safe_and_well(
            uow, move(episode_, 3, returned, returned, w_.police, episode_event::safe_and_well),
            now - 30min, "Seen; well", std::optional<std::string>{"A new phone"});
    }));
    expect_moved(3, episode_event::safe_and_well, returned, returned, w_.police);
    ASSERT_TRUE(record().safe_and_well.has_value());
    EXPECT_EQ(record().safe_and_well->conducted_at, now - 30min);
    EXPECT_EQ(record().safe_and_well->by, w_.police.user_id);
    EXPECT_EQ(record().safe_and_well->concerns, "A new phone");

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::assign(
            uow, move(episode_, 4, returned, returned, w_.manager, episode_event::assign),
            w_.social_worker.user_id);
    }));
    expect_moved(4, episode_event::assign, returned, returned, w_.manager);
    EXPECT_EQ(record().assigned_worker_id, w_.social_worker.user_id);
    EXPECT_EQ(record().assigned_at, now);

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::offer_interview(uow,
                                             move(episode_, 5, returned, interview_offered,
                                                  w_.social_worker, episode_event::offer_interview),
                                             false, now - 20min, now + 24h,
                                             std::optional<std::string>{w_.manager.user_id}, true);
    }));
    expect_moved(5, episode_event::offer_interview, returned, interview_offered, w_.social_worker);
    ASSERT_TRUE(record().offer.has_value());
    EXPECT_EQ(record().offer->offered_at, now - 20min);
    EXPECT_EQ(record().offer->scheduled_for, now + 24h);
    EXPECT_EQ(record().offer->interviewer_id, w_.manager.user_id);
    EXPECT_TRUE(record().offer->independent);
    EXPECT_FALSE(record().offer->further_offer_at.has_value());

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::move_only(uow,
                                       move(episode_, 6, interview_offered, interviewed,
                                            w_.social_worker, episode_event::record_interview));
    }));
    expect_moved(6, episode_event::record_interview, interview_offered, interviewed,
                 w_.social_worker);

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::sign_off(
            uow,
            move(episode_, 7, interviewed, interviewed, w_.cse_champion, episode_event::sign_off),
            "Reviewed");
    }));
    expect_moved(7, episode_event::sign_off, interviewed, interviewed, w_.cse_champion);
    ASSERT_TRUE(record().sign_off.has_value());
    EXPECT_EQ(record().sign_off->by, w_.cse_champion.user_id);
    EXPECT_EQ(record().sign_off->note, "Reviewed");

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::close(
            uow, move(episode_, 8, interviewed, closed, w_.social_worker, episode_event::close),
            "Safe at the placement");
    }));
    expect_moved(8, episode_event::close, interviewed, closed, w_.social_worker);
    EXPECT_EQ(record().closed_at, now);
    EXPECT_EQ(record().close_summary, "Safe at the placement");

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::reopen(
            uow, move(episode_, 9, closed, follow_up, w_.manager, episode_event::reopen),
            "A new disclosure");
    }));
    expect_moved(9, episode_event::reopen, closed, follow_up, w_.manager);
    EXPECT_EQ(record().reopened_at, now);
    EXPECT_EQ(record().reopen_reason, "A new disclosure");
    EXPECT_EQ(record().updated_at, now);
}

TEST_F(episode_writes, a_write_reads_back_what_its_transaction_wrote_before_it) {
    using enum episode_state;
    db::unit_of_work uow{shared_pool()};
    const auto now = clock_.now();
    const auto action = db::actions::insert(
        uow, {episode_, workflow::action_type::cse_referral, "Refer to the CSE panel",
              w_.social_worker.user_id, w_.social_worker.user_id, now, now + 72h});
    const auto moved = db::episodes::regrade_risk(
        uow, move(episode_, 1, missing, missing, w_.police, episode_event::regrade_risk),
        workflow::risk_level::low);
    ASSERT_TRUE(moved);
    EXPECT_EQ(moved->version, 2);
    EXPECT_EQ(moved->risk, workflow::risk_level::low);
    EXPECT_EQ(moved->updated_at, now);
    ASSERT_EQ(moved->actions.size(), 1U);
    EXPECT_EQ(moved->actions[0].id, action);
    EXPECT_EQ(moved->child.id, child_);
    // What the transaction will read from now on is what the write returned.
    EXPECT_EQ(*moved, db::episodes::record(uow, episode_));
}

TEST_F(episode_writes, a_cancellation_moves_a_missing_episode_to_cancelled_with_its_reason) {
    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::cancel(uow,
                                    move(episode_, 1, episode_state::missing,
                                         episode_state::cancelled, w_.police,
                                         episode_event::cancel),
                                    "Reported in error");
    }));
    expect_moved(1, episode_event::cancel, episode_state::missing, episode_state::cancelled,
                 w_.police);
    EXPECT_EQ(record().cancelled_at, clock_.now());
    EXPECT_EQ(record().cancel_reason, "Reported in error");
}

TEST_F(episode_writes, a_write_at_a_stale_version_returns_nothing_and_changes_nothing) {
    using enum episode_state;
    ASSERT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::regrade_risk(
            uow, move(episode_, 1, missing, missing, w_.police, episode_event::regrade_risk),
            workflow::risk_level::low);
    }));
    const auto now = clock_.now();
    const auto& sw = w_.social_worker;
    const std::vector<
        std::pair<const char*, std::function<db::episodes::moved(db::unit_of_work&, int)>>>
        writes{
            {"move_only",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::move_only(
                     uow, move(episode_, v, missing, missing, sw, episode_event::raise_action));
             }},
            {"regrade_risk",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::regrade_risk(
                     uow,
                     move(episode_, v, missing, missing, w_.police, episode_event::regrade_risk),
                     workflow::risk_level::high);
             }},
            {"record_return",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::record_return(
                     uow,
                     move(episode_, v, missing, returned, w_.police, episode_event::record_return),
                     now, "Park", "Home", std::nullopt);
             }},
            {"record_safe_and_well",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::record_safe_and_well(
                     uow,
                     move(episode_, v, missing, returned, w_.police, episode_event::safe_and_well),
                     now, "Well", std::nullopt);
             }},
            {"assign",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::assign(
                     uow, move(episode_, v, missing, missing, sw, episode_event::assign),
                     sw.user_id);
             }},
            {"offer_interview",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::offer_interview(uow,
                                                      move(episode_, v, missing, interview_offered,
                                                           sw, episode_event::offer_interview),
                                                      false, now, now + 1h, std::nullopt, true);
             }},
            {"sign_off",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::sign_off(
                     uow,
                     move(episode_, v, missing, missing, w_.cse_champion, episode_event::sign_off),
                     "Seen");
             }},
            {"close",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::close(
                     uow, move(episode_, v, missing, closed, sw, episode_event::close), "Done");
             }},
            {"cancel",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::cancel(
                     uow, move(episode_, v, missing, cancelled, w_.police, episode_event::cancel),
                     "Error");
             }},
            {"reopen",
             [&](db::unit_of_work& uow, int v) {
                 return db::episodes::reopen(
                     uow, move(episode_, v, missing, follow_up, w_.manager, episode_event::reopen),
                     "New");
             }},
        };
    const auto before = snapshot(episode_);
    ASSERT_EQ(before.version, 2);
    for (const auto& [name, attempt] : writes) {
        for (const int stale : {1, 3, 7}) {
            EXPECT_FALSE(write([&](db::unit_of_work& uow) { return attempt(uow, stale); }))
                << name << " at version " << stale;
        }
        EXPECT_EQ(snapshot(episode_), before) << name;
    }
}

TEST_F(episode_writes, a_write_to_an_episode_that_does_not_exist_returns_nothing) {
    for (const std::string missing_id : {"not-an-id", "00000000-0000-0000-0000-000000000000"}) {
        EXPECT_FALSE(write([&](db::unit_of_work& uow) {
            return db::episodes::regrade_risk(uow,
                                              move(missing_id, 1, episode_state::missing,
                                                   episode_state::missing, w_.police,
                                                   episode_event::regrade_risk),
                                              workflow::risk_level::high);
        })) << missing_id;
    }
}

TEST_F(episode_writes, a_further_offer_after_a_refusal_keeps_the_first_offers_time) {
    using enum episode_state;
    const auto now = clock_.now();
    const auto& sw = w_.social_worker;
    ASSERT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::record_return(
            uow, move(episode_, 1, missing, returned, w_.police, episode_event::record_return),
            now - 90min, "Park", "Home", std::nullopt);
    }));
    ASSERT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::offer_interview(
            uow, move(episode_, 2, returned, interview_offered, sw, episode_event::offer_interview),
            false, now - 1h, now - 50min, std::nullopt, false);
    }));
    ASSERT_TRUE(write([&](db::unit_of_work& uow) {
        db::interview_record declined;
        declined.outcome = workflow::interview_outcome::declined;
        declined.conducted_at = now - 40min;
        declined.recorded_by = sw.user_id;
        declined.declined_at = now - 40min;
        declined.declined_reason = "Did not want to talk";
        db::interviews::save(uow, episode_, declined, now - 40min);
        return db::episodes::move_only(uow, move(episode_, 3, interview_offered, interviewed, sw,
                                                 episode_event::record_decline));
    }));

    EXPECT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::offer_interview(
            uow,
            move(episode_, 4, interviewed, interview_offered, sw, episode_event::offer_interview),
            true, now - 10min, now + 24h, std::optional<std::string>{w_.manager.user_id}, true);
    }));

    const auto offer = record().offer;
    ASSERT_TRUE(offer.has_value());
    EXPECT_EQ(offer->offered_at, now - 1h) << "the first offer's time stays";
    EXPECT_EQ(offer->further_offer_at, now - 10min);
    EXPECT_EQ(offer->scheduled_for, now + 24h);
    EXPECT_EQ(offer->interviewer_id, w_.manager.user_id);
    EXPECT_TRUE(offer->independent);
}

// What the database refuses of an episode's row or its history's, whoever writes it: each rule by
// its name, with SQLSTATE 23514 as a CHECK constraint would, and the application's role may not
// switch the rules off. (The rules are a trigger function for each table: migration 0025.)
TEST_F(episode_writes, the_application_role_may_not_write_an_episode_that_breaks_its_rules) {
    const std::string row = " where id = " + literal(episode_);
    const std::vector<std::pair<std::string, std::string>> broken{
        {"update episodes set risk_level = 'extreme'" + row, "episodes_risk_level_check"},
        {"update episodes set version = 0" + row, "episodes_version_check"},
        {"update episodes set last_seen_at = reported_at + interval '1 hour'" + row,
         "episodes_last_seen_before_report"},
        {"update episodes set state = 'returned'" + row, "episodes_return_matches_state"},
        {"update episodes set returned_at = now(), found_location = 'x', returned_to = 'home', "
         "state = 'closed'" +
             row,
         "episodes_closed_complete"},
        // Two rules broken at once: the first by name is the one reported.
        {"update episodes set state = 'lost', version = 0" + row, "episodes_return_matches_state"},
        {"insert into episodes select (jsonb_populate_record(null::episodes, to_jsonb(e) || "
         "jsonb_build_object('id', gen_random_uuid(), 'absence_kind', 'lost'))).* from episodes e" +
             row,
         "episodes_absence_kind_check"},
        {"insert into episode_history (episode_id, version, actor_id, actor_role, event, "
         "from_state, to_state) select id, 99, reported_by, 'police', 'Not An Event', 'missing', "
         "'missing' from episodes" +
             row,
         "episode_history_event_check"},
        {"insert into episode_history (episode_id, version, actor_id, actor_role, event, "
         "from_state, to_state) select id, 99, reported_by, 'police', 'regrade_risk', null, "
         "'missing' from episodes" +
             row,
         "episode_history_from_state_iff_not_report"},
    };
    for (const auto& [statement, rule] : broken) {
        pqxx::connection connection{test_app_database_url()};
        pqxx::work tx{connection};
        try {
            tx.exec0(statement);
            ADD_FAILURE() << "homeward_app was allowed: " << statement;
        } catch (const pqxx::check_violation& refused) { // SQLSTATE 23514
            EXPECT_THAT(refused.what(), HasSubstr("violates check constraint \"" + rule + "\""))
                << statement;
        } catch (const pqxx::sql_error& other) {
            ADD_FAILURE() << statement << " failed otherwise than by its rule: " << other.what();
        }
    }
    // A rule holds, as a CHECK constraint does, when it is true or unknown: a scheduled time with
    // no offer compares with null.
    try {
        pqxx::connection connection{test_app_database_url()};
        pqxx::work tx{connection};
        tx.exec0("update episodes set interview_scheduled_for = now()" + row);
        tx.exec0("alter table episodes disable trigger episodes_rules");
        ADD_FAILURE() << "homeward_app disabled the episode rules";
    } catch (const pqxx::insufficient_privilege& refused) { // SQLSTATE 42501
        EXPECT_THAT(refused.what(), HasSubstr("must be owner"));
    }
    EXPECT_EQ(count_where("episode_history", "episode_id = " + literal(episode_)), 1);
    db::unit_of_work uow{shared_pool()};
    EXPECT_EQ(db::episodes::lock(uow, episode_, scope_of(w_.police))->version, 1);
    EXPECT_EQ(uow.tx().exec1("select risk_level from episodes" + row)[0].as<std::string>(),
              "medium");
}

} // namespace
} // namespace homeward::testing
