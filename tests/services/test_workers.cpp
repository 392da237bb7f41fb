// Whom a manager can give an episode to (GET /api/v1/workers): the active social workers and
// managers of their own organisation, by team then username, one team when asked; nobody else's.

#include "fixture.hpp"

#include "homeward/services/accounts.hpp"
#include "homeward/services/administration.hpp"

#include <gmock/gmock.h>

#include <string>
#include <vector>

namespace homeward::testing {
namespace {

using ::testing::ElementsAre;
using workflow::role;

constexpr std::string_view good_password = "a long enough passphrase";

class workers : public services_test {
protected:
    static test_org authority() { return make_org(workflow::organisation_kind::local_authority); }
    services::actor manager_of(const test_org& org, const std::string& team) {
        const auto username = "manager_" + unique_code() + "@test";
        services::actor who;
        who.user_id =
            services::add_user(env_, username, "manager", org.code, good_password, "r", team);
        who.username = username;
        who.role = role::manager;
        who.organisation_id = org.id;
        who.request_id = "test-workers";
        return who;
    }
    std::string add(const test_org& org, std::string_view role_name, std::string username,
                    const std::optional<std::string>& team) {
        services::add_user(env_, username, role_name, org.code, good_password, "r", team);
        return username;
    }
    static std::vector<std::string> usernames(const std::vector<services::user_row>& list) {
        std::vector<std::string> names;
        for (const auto& w : list) {
            names.push_back(w.username);
        }
        return names;
    }
};

TEST_F(workers, are_the_active_social_workers_and_managers_of_the_organisation_by_team) {
    const auto org = authority();
    const auto other = authority();
    const auto tag = unique_code();
    const auto boss = manager_of(org, "Alpha " + tag);
    const auto b = add(org, "social_worker", "b_" + tag + "@test", "Beta " + tag);
    const auto a = add(org, "social_worker", "a_" + tag + "@test", "Alpha " + tag);
    const auto loner = add(org, "social_worker", "c_" + tag + "@test", std::nullopt);
    add(org, "cse_champion", "d_" + tag + "@test", "Alpha " + tag);
    add(org, "admin", "e_" + tag + "@test", std::nullopt);
    const auto gone = add(org, "social_worker", "f_" + tag + "@test", "Alpha " + tag);
    execute("update users set active = false where username = " + literal(gone));
    add(other, "social_worker", "g_" + tag + "@test", "Alpha " + tag);

    const auto list = services::workers_of_my_organisation(env_, boss, std::nullopt);
    // "a_..." sorts before "manager_...", both in Alpha; then Beta; then those of no team.
    EXPECT_THAT(usernames(list), ElementsAre(a, boss.username, b, loner));
    EXPECT_EQ(list.at(0).team.value_or(""), "Alpha " + tag);
    EXPECT_FALSE(list.at(3).team_id.has_value());

    const auto beta = list.at(2).team_id.value();
    EXPECT_THAT(usernames(services::workers_of_my_organisation(env_, boss, beta)), ElementsAre(b));
}

TEST_F(workers, are_for_managers_and_the_champion_only_and_a_team_must_be_an_id) {
    EXPECT_NO_THROW(services::workers_of_my_organisation(env_, w_.cse_champion, std::nullopt));
    for (const auto& who : {w_.social_worker, w_.police, w_.admin}) {
        EXPECT_EQ(to_string(failure_of([&] {
                                services::workers_of_my_organisation(env_, who, std::nullopt);
                            }).kind()),
                  "forbidden")
            << who.username;
    }
    const auto refused = failure_of(
        [&] { services::workers_of_my_organisation(env_, w_.manager, std::string{"North"}); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_query");
    EXPECT_THAT(fields_of(refused), ElementsAre("team"));
}

} // namespace
} // namespace homeward::testing
