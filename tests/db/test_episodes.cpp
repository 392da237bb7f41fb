// The episodes repository's reads: who finds an episode (scope is in every WHERE), lists, the
// history, and a stored state this version does not know. Its writes: test_episode_writes.cpp.

#include "episode_fixture.hpp"
#include "test_database.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/children.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/interviews.hpp"
#include "homeward/db/organisations.hpp"

#include <gmock/gmock.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using workflow::episode_event;
using workflow::episode_state;
using workflow::role;

// Whether a caller finds the episode through each of the repository's scoped reads.
struct sighting {
    bool lock{false};
    bool find{false};
    bool visible{false};
    bool listed{false};
    bool among_the_childs{false};
    bool operator==(const sighting&) const = default;
};
void PrintTo(const sighting& s, std::ostream* out) {
    *out << "{lock " << s.lock << ", find " << s.find << ", visible " << s.visible << ", listed "
         << s.listed << ", among the child's " << s.among_the_childs << "}";
}
constexpr sighting everywhere{true, true, true, true, true};
constexpr sighting nowhere{};

class episodes_repository : public episode_fixture {
protected:
    sighting seen_by(const services::actor& who) {
        db::unit_of_work uow{shared_pool()};
        const auto scope = scope_of(who);
        sighting seen;
        seen.lock = db::episodes::lock(uow, episode_, scope).has_value();
        seen.find = db::episodes::find(uow, episode_, scope).has_value();
        seen.visible = db::episodes::visible(uow, episode_, scope);
        db::episodes::filter filter;
        filter.child_id = child_;
        for (const auto& item : db::episodes::list(uow, scope, filter)) {
            seen.listed = seen.listed || item.id == episode_;
        }
        for (const auto& item : db::children::episodes_of(uow, child_, scope)) {
            seen.among_the_childs = seen.among_the_childs || item.id == episode_;
        }
        return seen;
    }
};

// ---- scope ----------------------------------------------------------------------------------

TEST_F(episodes_repository, police_find_the_episodes_of_their_own_force_only) {
    EXPECT_EQ(seen_by(w_.police), everywhere);
    EXPECT_EQ(seen_by(make_user(role::police, w_.force)), everywhere) << "a colleague";
    EXPECT_EQ(seen_by(w_.other_police), nowhere);
}

TEST_F(episodes_repository, the_responsible_authoritys_social_work_roles_find_its_episodes) {
    EXPECT_EQ(seen_by(w_.social_worker), everywhere);
    EXPECT_EQ(seen_by(w_.second_social_worker), everywhere);
    EXPECT_EQ(seen_by(w_.manager), everywhere);
    EXPECT_EQ(seen_by(w_.cse_champion), everywhere);
}

TEST_F(episodes_repository, the_host_authority_finds_the_episodes_of_a_child_placed_with_it) {
    EXPECT_EQ(seen_by(w_.host_social_worker), everywhere);
    EXPECT_EQ(seen_by(w_.host_manager), everywhere);
    EXPECT_EQ(seen_by(make_user(role::cse_champion, w_.host)), everywhere);
}

TEST_F(episodes_repository, another_authority_finds_nothing_of_the_episode) {
    EXPECT_EQ(seen_by(w_.other_social_worker), nowhere);
    EXPECT_EQ(seen_by(w_.other_manager), nowhere);
    EXPECT_EQ(seen_by(w_.other_cse_champion), nowhere);
}

TEST_F(episodes_repository, an_admin_finds_no_episode_even_of_their_own_organisation) {
    EXPECT_EQ(seen_by(w_.admin), nowhere);
    EXPECT_EQ(seen_by(make_user(role::admin, w_.force)), nowhere);
}

TEST_F(episodes_repository, an_id_that_is_not_an_episodes_finds_nothing) {
    db::unit_of_work uow{shared_pool()};
    const std::vector<std::string> bad_ids{"", "not-an-id", "00000000-0000-0000-0000-000000000000",
                                           "'; delete from episodes; --", episode_ + "0"};
    for (const auto& bad : bad_ids) {
        EXPECT_FALSE(db::episodes::lock(uow, bad, scope_of(w_.police)).has_value()) << bad;
        EXPECT_FALSE(db::episodes::find(uow, bad, scope_of(w_.police)).has_value()) << bad;
        EXPECT_FALSE(db::episodes::visible(uow, bad, scope_of(w_.police))) << bad;
    }
}
// ---- reads ------------------------------------------------------------------------------------

TEST_F(episodes_repository, a_list_is_newest_first_filtered_and_paged_after_its_cursor) {
    clock_.advance(1min);
    const auto second = insert_episode(child_);
    clock_.advance(1min);
    const auto third = insert_episode(child_);
    db::unit_of_work uow{shared_pool()};
    const auto ids = [](const std::vector<db::episode_summary>& items) {
        std::vector<std::string> list;
        for (const auto& item : items) {
            list.push_back(item.id);
        }
        return list;
    };
    db::episodes::filter filter;
    filter.child_id = child_;
    filter.limit = 2;
    const auto first_page = db::episodes::list(uow, scope_of(w_.manager), filter);
    EXPECT_THAT(ids(first_page), ::testing::ElementsAre(third, second));
    filter.after_reported_at = first_page.back().reported_at;
    filter.after_id = first_page.back().id;
    EXPECT_THAT(ids(db::episodes::list(uow, scope_of(w_.manager), filter)),
                ::testing::ElementsAre(episode_));

    db::episodes::filter by_authority;
    by_authority.child_id = child_;
    by_authority.authority_id = w_.host.id;
    EXPECT_EQ(db::episodes::list(uow, scope_of(w_.police), by_authority).size(), 3U);
    by_authority.authority_id = w_.other_authority.id;
    EXPECT_TRUE(db::episodes::list(uow, scope_of(w_.police), by_authority).empty());

    db::episodes::filter by_state;
    by_state.child_id = child_;
    by_state.states = {episode_state::cancelled};
    EXPECT_TRUE(db::episodes::list(uow, scope_of(w_.police), by_state).empty());
    by_state.states = {episode_state::missing};
    EXPECT_EQ(db::episodes::list(uow, scope_of(w_.police), by_state).size(), 3U);

    const auto summary = first_page.front();
    EXPECT_EQ(summary.child_id, child_);
    EXPECT_EQ(summary.child_family_name, "Testchild");
    EXPECT_EQ(summary.state, episode_state::missing);
    EXPECT_EQ(summary.version, 1);
    EXPECT_EQ(summary.risk, workflow::risk_level::medium);
}

TEST_F(episodes_repository, a_list_filters_by_assignment_team_and_awaiting_sign_off) {
    using enum episode_state;
    const auto now = clock_.now();
    const auto team = committed(
        [&](db::unit_of_work& uow) { return db::teams::ensure(uow, w_.authority.id, "North"); });
    execute("update users set team_id = " + literal(team) +
            " where id = " + literal(w_.social_worker.user_id));
    const auto assigned = episode_;
    ASSERT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::assign(
            uow, move(assigned, 1, missing, missing, w_.manager, episode_event::assign),
            w_.social_worker.user_id);
    }));
    const auto unassigned = insert_episode(child_);
    const auto awaiting = insert_episode(child_);
    ASSERT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::record_return(
            uow, move(awaiting, 1, missing, returned, w_.police, episode_event::record_return), now,
            "Park", "Home", std::nullopt);
    }));
    ASSERT_TRUE(write([&](db::unit_of_work& uow) {
        db::interview_record held;
        held.outcome = workflow::interview_outcome::held;
        held.conducted_at = now;
        held.recorded_by = w_.social_worker.user_id;
        held.location = "School";
        held.harm_disclosed = false;
        held.indicator_score = 0;
        held.suggested_cse_risk = workflow::cse_risk::none;
        held.risk = workflow::cse_risk::medium;
        db::interviews::save(uow, awaiting, held, now);
        return db::episodes::move_only(uow,
                                       move(awaiting, 2, returned, interviewed, w_.social_worker,
                                            episode_event::record_interview));
    }));

    db::unit_of_work uow{shared_pool()};
    const auto listed = [&](db::episodes::filter f) {
        f.child_id = child_;
        std::vector<std::string> ids;
        for (const auto& item : db::episodes::list(uow, scope_of(w_.manager), f)) {
            ids.push_back(item.id);
        }
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    const auto sorted = [](std::vector<std::string> ids) {
        std::sort(ids.begin(), ids.end());
        return ids;
    };
    db::episodes::filter by_worker;
    by_worker.assigned_worker_id = w_.social_worker.user_id;
    EXPECT_EQ(listed(by_worker), sorted({assigned}));
    db::episodes::filter nobodys;
    nobodys.unassigned = true;
    EXPECT_EQ(listed(nobodys), sorted({unassigned, awaiting}));
    db::episodes::filter by_team;
    by_team.team_id = team;
    EXPECT_EQ(listed(by_team), sorted({assigned}));
    db::episodes::filter sign_off;
    sign_off.awaiting_sign_off = true;
    EXPECT_EQ(listed(sign_off), sorted({awaiting}));
    db::episodes::filter open_states;
    open_states.states = {missing, interviewed};
    EXPECT_EQ(listed(open_states), sorted({assigned, unassigned, awaiting}));
}

TEST_F(episodes_repository, the_history_lists_every_version_in_order_with_the_actors_name) {
    ASSERT_TRUE(write([&](db::unit_of_work& uow) {
        return db::episodes::assign(uow,
                                    move(episode_, 1, episode_state::missing,
                                         episode_state::missing, w_.social_worker,
                                         episode_event::assign),
                                    w_.social_worker.user_id);
    }));
    db::unit_of_work uow{shared_pool()};
    const auto history = db::episodes::history(uow, episode_);
    ASSERT_EQ(history.size(), 2U);
    EXPECT_EQ(history[0].version, 1);
    EXPECT_EQ(history[1].version, 2);
    EXPECT_EQ(history[1].event, "assign");
    EXPECT_EQ(history[1].actor_username, w_.social_worker.username);
    EXPECT_EQ(history[1].actor_role, role::social_worker);
    EXPECT_EQ(history[1].detail_json, "{}");
}

// A stored text that names no state is a broken invariant: reading it throws, never defaults.
TEST_F(episodes_repository, a_stored_state_this_version_does_not_know_throws_when_read) {
    db::unit_of_work uow{shared_pool()};
    // Only in this transaction, which is rolled back: the schema's rules would refuse the text.
    uow.tx().exec0("alter table episodes disable trigger episodes_rules");
    uow.tx().exec0("update episodes set state = 'lost' where id = " + literal(episode_));
    EXPECT_THROW(db::episodes::lock(uow, episode_, scope_of(w_.police)), std::logic_error);
    EXPECT_THROW(db::episodes::record(uow, episode_), std::logic_error);
}

} // namespace
} // namespace homeward::testing
