// Organisations and users: codes and usernames unique (usernames whatever the letter case), read
// back typed, the check that a user may hold work in an organisation, and a stored role this
// version does not know.

#include "fixture.hpp"

#include "homeward/db/organisations.hpp"

#include <cctype>
#include <stdexcept>
#include <tuple>

namespace homeward::testing {
namespace {

using workflow::organisation_kind;
using workflow::role;

class organisations_repository : public repository_test {};

TEST_F(organisations_repository, an_organisation_is_found_by_its_code_with_its_kind) {
    db::unit_of_work uow{shared_pool()};
    const auto force = db::organisations::by_code(uow, w_.force.code);
    ASSERT_TRUE(force.has_value());
    EXPECT_EQ(force->id, w_.force.id);
    EXPECT_EQ(force->kind, organisation_kind::police);
    EXPECT_EQ(force->name, "Test organisation " + w_.force.code);
    EXPECT_EQ(db::organisations::by_code(uow, w_.authority.code)->kind,
              organisation_kind::local_authority);
    EXPECT_FALSE(db::organisations::by_code(uow, unique_code()).has_value());
    EXPECT_FALSE(db::organisations::by_code(uow, std::string{"BAD\0CODE", 8}).has_value());
}

TEST_F(organisations_repository, a_code_already_taken_is_refused_as_a_duplicate) {
    db::unit_of_work uow{shared_pool()};
    EXPECT_THROW(
        db::organisations::insert(uow, w_.force.code, "Another", organisation_kind::police),
        db::duplicate);
}

TEST_F(organisations_repository, a_username_taken_in_any_letter_case_is_refused_as_a_duplicate) {
    std::string shouted = w_.manager.username;
    for (auto& c : shouted) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    for (const auto& again : {w_.manager.username, shouted}) {
        db::unit_of_work uow{shared_pool()};
        EXPECT_THROW(db::users::insert(uow, again, test_password_hash(), role::social_worker,
                                       w_.authority.id),
                     db::duplicate)
            << again;
    }
}

TEST_F(organisations_repository, a_user_is_read_back_with_role_organisation_and_its_code) {
    db::unit_of_work uow{shared_pool()};
    const auto user = db::users::by_id(uow, w_.cse_champion.user_id);
    ASSERT_TRUE(user.has_value());
    EXPECT_EQ(user->username, w_.cse_champion.username);
    EXPECT_EQ(user->user_role, role::cse_champion);
    EXPECT_EQ(user->organisation_id, w_.authority.id);
    EXPECT_EQ(user->organisation_code, w_.authority.code);
    EXPECT_TRUE(user->active);
    EXPECT_FALSE(db::users::by_id(uow, "not-a-user").has_value());
    EXPECT_FALSE(db::users::by_id(uow, "00000000-0000-0000-0000-000000000000").has_value());
}

TEST_F(organisations_repository, a_worker_must_be_active_of_one_of_the_roles_in_one_of_the_orgs) {
    const std::vector<std::string> episode_orgs{w_.authority.id, w_.host.id};
    const std::vector<role> workers{role::social_worker, role::manager};
    const auto is_worker = [&](const std::string& user_id) {
        db::unit_of_work uow{shared_pool()};
        return db::users::is_worker_of(uow, user_id, episode_orgs, workers);
    };
    EXPECT_TRUE(is_worker(w_.social_worker.user_id));
    EXPECT_TRUE(is_worker(w_.host_manager.user_id));
    EXPECT_FALSE(is_worker(w_.cse_champion.user_id)) << "not one of the roles";
    EXPECT_FALSE(is_worker(w_.other_social_worker.user_id)) << "not one of the organisations";
    EXPECT_FALSE(is_worker("not-a-user"));
    execute("update users set active = false where id = " +
            literal(w_.second_social_worker.user_id));
    EXPECT_FALSE(is_worker(w_.second_social_worker.user_id)) << "no longer active";
}

TEST_F(organisations_repository, a_team_is_made_once_per_name_in_its_organisation) {
    const auto [north, again, south, elsewhere] = committed([&](db::unit_of_work& uow) {
        return std::tuple{db::teams::ensure(uow, w_.authority.id, "North"),
                          db::teams::ensure(uow, w_.authority.id, "North"),
                          db::teams::ensure(uow, w_.authority.id, "South"),
                          db::teams::ensure(uow, w_.other_authority.id, "North")};
    });
    EXPECT_EQ(again, north);
    EXPECT_NE(elsewhere, north) << "a team belongs to one organisation";
    db::unit_of_work uow{shared_pool()};
    const auto teams = db::teams::of_organisation(uow, w_.authority.id);
    ASSERT_EQ(teams.size(), 2U);
    EXPECT_EQ(teams[0].id, north);
    EXPECT_EQ(teams[0].name, "North");
    EXPECT_EQ(teams[1].id, south);
}

TEST_F(organisations_repository, a_user_joins_a_team_and_chooses_their_own_email_alerts) {
    const auto id = committed([&](db::unit_of_work& uow) {
        const auto team = db::teams::ensure(uow, w_.authority.id, "Duty");
        return db::users::insert(uow, "user_" + random_hex(8) + "@test", test_password_hash(),
                                 role::social_worker, w_.authority.id, team,
                                 std::string{"worker@example.org"});
    });
    db::unit_of_work uow{shared_pool()};
    auto user = db::users::by_id(uow, id);
    ASSERT_TRUE(user.has_value());
    EXPECT_EQ(user->team, "Duty");
    EXPECT_TRUE(user->team_id.has_value());
    EXPECT_EQ(user->email, "worker@example.org");
    EXPECT_TRUE(user->email_alerts) << "alerts are on unless turned off";
    db::users::set_email_alerts(uow, id, std::nullopt, false);
    user = db::users::by_id(uow, id);
    EXPECT_FALSE(user->email.has_value());
    EXPECT_FALSE(user->email_alerts);
}

// An unknown stored role must never become a role (it once became admin): reading it throws.
TEST_F(organisations_repository, a_stored_role_this_version_does_not_know_throws_when_read) {
    db::unit_of_work uow{shared_pool()};
    // Only in this transaction, which is rolled back: the schema's check would refuse the text.
    uow.tx().exec0("alter table users drop constraint users_role_check");
    uow.tx().exec0("update users set role = 'superuser' where id = " + literal(w_.manager.user_id));
    EXPECT_THROW(db::users::by_id(uow, w_.manager.user_id), std::logic_error);
}

} // namespace
} // namespace homeward::testing
