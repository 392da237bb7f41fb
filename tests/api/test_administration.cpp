// An admin's accounts and organisations over real HTTPS: each role's answer, the admin's own
// organisation as the scope, no one changing their own role, deactivation ending sessions at once,
// unlock, a password reset and the temporary password that must be changed first, organisations
// and whom a police force works with; every change audited.

#include "https_fixture.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <set>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using workflow::organisation_kind;
using workflow::role;

class administration_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        force = make_org(organisation_kind::police);
        authority = make_org(organisation_kind::local_authority);
        other = make_org(organisation_kind::local_authority);
        admin = make_user(role::admin, authority);
        other_admin = make_user(role::admin, other);
        police = make_user(role::police, force);
        worker = make_user(role::social_worker, authority);
        manager = make_user(role::manager, authority);
        champion = make_user(role::cse_champion, authority);
        outsider = make_user(role::social_worker, other);
        // An admin of every organisation, as `user add --deployment-wide` makes one.
        root = make_user(role::admin, authority);
        execute("update users set deployment_admin = true where id = " + literal(root.id));
    }

    https_reply send(const test_user& who, const std::string& method, const std::string& target,
                     const json::object& body = {}) {
        request_options options;
        options.token = who.token;
        return https_call(port_, method, target, json::serialize(body), options);
    }
    https_reply sign_in(const std::string& username, const std::string& password) {
        return https_call(
            port_, "POST", "/api/v1/session",
            json::serialize(json::object{{"username", username}, {"password", password}}));
    }
    static long long audited(const std::string& action, const std::string& entity_id,
                             const std::string& outcome = "success") {
        return count_where("audit_events", "action = " + literal(action) +
                                               " and entity_id = " + literal(entity_id) +
                                               " and outcome = " + literal(outcome));
    }
    static std::string user_path(const test_user& u) { return "/api/v1/users/" + u.id; }

    test_org force, authority, other;
    test_user admin, other_admin, police, worker, manager, champion, outsider, root;
};

TEST_F(administration_over_https, only_admins_manage_accounts_and_organisations) {
    const json::object new_user{{"username", "x" + random_hex(8)}, {"role", "social_worker"}};
    for (const auto* who : {&police, &worker, &manager, &champion}) {
        EXPECT_EQ(get(*who, "/api/v1/users").status, 403U);
        EXPECT_EQ(get(*who, user_path(worker)).status, 403U);
        EXPECT_EQ(send(*who, "POST", "/api/v1/users", new_user).status, 403U);
        EXPECT_EQ(send(*who, "PATCH", user_path(worker), {{"role", "manager"}}).status, 403U);
        EXPECT_EQ(post(*who, user_path(worker) + "/unlock", "").status, 403U);
        EXPECT_EQ(post(*who, user_path(worker) + "/password-reset", "").status, 403U);
        EXPECT_EQ(send(*who, "POST", "/api/v1/organisations",
                       {{"code", unique_code()}, {"name", "N"}, {"kind", "police"}})
                      .status,
                  403U);
        EXPECT_EQ(
            send(*who, "PATCH", "/api/v1/organisations/" + force.code, {{"name", "N"}}).status,
            403U);
    }
    // A user raising their own role is refused like any other change of accounts.
    EXPECT_EQ(send(worker, "PATCH", user_path(worker), {{"role", "admin"}}).status, 403U);
    EXPECT_EQ(text("select role from users where id = " + literal(worker.id)), "social_worker");
    EXPECT_EQ(get(admin, user_path(worker)).status, 200U);
}

TEST_F(administration_over_https, an_admin_sees_and_changes_only_their_own_organisations_users) {
    // The list: every user of the admin's organisation, a page at a time, none of another's.
    std::set<std::string> listed;
    std::string cursor;
    for (int pages = 0; pages < 10; ++pages) {
        const auto reply =
            get(admin, "/api/v1/users?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
        ASSERT_EQ(reply.status, 200U) << reply.body;
        const auto body = reply.json();
        for (const auto& item : body.at("items").as_array()) {
            listed.insert(std::string{item.at("id").as_string()});
            EXPECT_EQ(item.at("organisation").as_string(), authority.code);
        }
        if (body.at("next_cursor").is_null()) {
            break;
        }
        cursor = std::string{body.at("next_cursor").as_string()};
    }
    EXPECT_EQ(listed,
              (std::set<std::string>{admin.id, worker.id, manager.id, champion.id, root.id}));
    EXPECT_EQ(get(admin, "/api/v1/users?cursor=nonsense").status, 400U);

    // Another organisation's user answers as one that does not exist, and is left unchanged.
    for (const auto* who : {&outsider, &police}) {
        EXPECT_EQ(get(admin, user_path(*who)).status, 404U);
        EXPECT_EQ(send(admin, "PATCH", user_path(*who), {{"active", false}}).status, 404U);
        EXPECT_EQ(post(admin, user_path(*who) + "/unlock", "").status, 404U);
        EXPECT_EQ(post(admin, user_path(*who) + "/password-reset", "").status, 404U);
        EXPECT_EQ(get(*who, "/api/v1/me").status, 200U) << "the session still works";
    }
    EXPECT_EQ(get(other_admin, user_path(worker)).status, 404U);
    EXPECT_EQ(send(other_admin, "PATCH", user_path(worker), {{"role", "manager"}}).status, 404U);
    EXPECT_EQ(text("select role from users where id = " + literal(worker.id)), "social_worker");
    EXPECT_EQ(get(admin, "/api/v1/users/not-an-id").status, 404U);
}

TEST_F(administration_over_https, an_admin_adds_an_account_with_a_temporary_password) {
    const std::string username = "new." + random_hex(8);
    const auto reply = send(admin, "POST", "/api/v1/users",
                            {{"username", username}, {"role", "manager"}, {"team", "Alpha"}});
    ASSERT_EQ(reply.status, 201U) << reply.body;
    const auto body = reply.json();
    const std::string id{body.at("id").as_string()};
    EXPECT_EQ(body.at("organisation").as_string(), authority.code);
    EXPECT_EQ(body.at("role").as_string(), "manager");
    EXPECT_EQ(body.at("team").at("name").as_string(), "Alpha");
    EXPECT_TRUE(body.at("password_change_required").as_bool());
    const std::string temporary{body.at("temporary_password").as_string()};
    EXPECT_GE(temporary.size(), 12U);
    EXPECT_EQ(get(admin, "/api/v1/users/" + id).json().as_object().count("temporary_password"), 0U)
        << "shown once";
    EXPECT_EQ(count_where("audit_events", "action = 'user.add' and outcome = 'success' and "
                                          "entity_id = " +
                                              literal(id) + " and actor_id = " + literal(admin.id)),
              1);
    const auto session = sign_in(username, temporary);
    ASSERT_EQ(session.status, 201U) << session.body;
    EXPECT_TRUE(session.json().at("password_change_required").as_bool());

    // Bad input names the field and adds no one.
    const auto users = count("users");
    const auto expect_field = [&](const json::object& given, const std::string& field) {
        const auto refused = send(admin, "POST", "/api/v1/users", given);
        EXPECT_EQ(refused.status, 422U) << refused.body;
        EXPECT_THAT(refused.body, HasSubstr("\"field\":\"" + field + "\"")) << refused.body;
    };
    expect_field({{"username", "has space"}, {"role", "manager"}}, "username");
    expect_field({{"username", "x" + random_hex(8)}, {"role", "mayor"}}, "role");
    expect_field({{"username", "x" + random_hex(8)}}, "role");
    expect_field({{"username", "x" + random_hex(8)}, {"role", "police"}}, "role");
    expect_field({{"username", username}, {"role", "manager"}}, "username");
    expect_field({{"username", "x" + random_hex(8)}, {"role", "manager"}, {"email", "nobody"}},
                 "email");
    expect_field({{"username", "x" + random_hex(8)}, {"role", "manager"}, {"password", "p"}},
                 "password");
    EXPECT_EQ(count("users"), users);
}

TEST_F(administration_over_https, an_admin_changes_role_and_team_but_never_their_own_role) {
    const auto changed =
        send(admin, "PATCH", user_path(worker), {{"role", "manager"}, {"team", "Bravo"}});
    ASSERT_EQ(changed.status, 200U) << changed.body;
    EXPECT_EQ(changed.json().at("role").as_string(), "manager");
    EXPECT_EQ(changed.json().at("team").at("name").as_string(), "Bravo");
    EXPECT_EQ(audited("user.update", worker.id), 1);
    const auto detail = text("select detail::text from audit_events where action = 'user.update' "
                             "and entity_id = " +
                             literal(worker.id));
    EXPECT_THAT(detail, HasSubstr("\"previous_role\": \"social_worker\""));
    const auto cleared = send(admin, "PATCH", user_path(worker), {{"team", nullptr}});
    ASSERT_EQ(cleared.status, 200U) << cleared.body;
    EXPECT_TRUE(cleared.json().at("team").is_null());

    // No one changes their own role, up or down, nor deactivates themselves.
    EXPECT_EQ(send(admin, "PATCH", user_path(admin), {{"role", "manager"}}).status, 403U);
    EXPECT_EQ(send(admin, "PATCH", user_path(admin), {{"active", false}}).status, 422U);
    EXPECT_EQ(text("select role || active::text from users where id = " + literal(admin.id)),
              "admintrue");
    EXPECT_EQ(audited("user.update", admin.id, "denied"), 1);

    for (const auto& [given, field] : std::vector<std::pair<json::object, std::string>>{
             {{{"role", "mayor"}}, "role"},
             {{{"role", "police"}}, "role"},
             {{{"active", "no"}}, "active"},
             {{{"team", ""}}, "team"},
             {{{"username", "renamed"}}, "username"}}) {
        const auto refused = send(admin, "PATCH", user_path(manager), given);
        EXPECT_EQ(refused.status, 422U) << refused.body;
        EXPECT_THAT(refused.body, HasSubstr("\"field\":\"" + field + "\"")) << refused.body;
    }
    EXPECT_EQ(text("select role from users where id = " + literal(manager.id)), "manager");
}

TEST_F(administration_over_https, deactivation_ends_the_users_sessions_at_once) {
    ASSERT_EQ(get(worker, "/api/v1/me").status, 200U);
    const auto reply = send(admin, "PATCH", user_path(worker), {{"active", false}});
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_FALSE(reply.json().at("active").as_bool());
    EXPECT_EQ(get(worker, "/api/v1/me").status, 401U);
    EXPECT_EQ(sign_in(worker.username, password()).status, 401U);
    EXPECT_EQ(
        count_where("sessions", "user_id = " + literal(worker.id) + " and revoked_at is null"), 0);
    EXPECT_THAT(text("select detail::text from audit_events where action = 'user.update' and "
                     "entity_id = " +
                     literal(worker.id)),
                HasSubstr("\"sessions_ended\": 1"));
    ASSERT_EQ(send(admin, "PATCH", user_path(worker), {{"active", true}}).status, 200U);
    EXPECT_EQ(sign_in(worker.username, password()).status, 201U);
}

TEST_F(administration_over_https, unlock_lets_a_locked_out_user_sign_in_at_once) {
    clear_login_attempts();
    for (int i = 0; i < test_rules().failures_before_lock; ++i) {
        EXPECT_EQ(sign_in(manager.username, "wrong password " + std::to_string(i)).status, 401U);
    }
    EXPECT_EQ(sign_in(manager.username, password()).status, 401U) << "locked";
    const auto locked = get(admin, user_path(manager));
    EXPECT_FALSE(locked.json().at("locked_until").is_null());
    const auto reply = post(admin, user_path(manager) + "/unlock", "");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_TRUE(reply.json().at("locked_until").is_null());
    EXPECT_EQ(audited("user.unlock", manager.id), 1);
    // The failures before the unlock no longer count: one more mistake does not lock again.
    EXPECT_EQ(sign_in(manager.username, "one more mistake").status, 401U);
    EXPECT_EQ(sign_in(manager.username, password()).status, 201U);
}

TEST_F(administration_over_https, a_reset_password_must_be_changed_before_anything_else) {
    const auto reply = post(admin, user_path(worker) + "/password-reset", "");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const std::string temporary{reply.json().at("temporary_password").as_string()};
    EXPECT_EQ(audited("user.password_reset", worker.id), 1);
    EXPECT_EQ(get(worker, "/api/v1/me").status, 401U) << "the reset ends every session";
    EXPECT_EQ(sign_in(worker.username, password()).status, 401U) << "the old password is refused";

    const auto session = sign_in(worker.username, temporary);
    ASSERT_EQ(session.status, 201U) << session.body;
    EXPECT_TRUE(session.json().at("password_change_required").as_bool());
    const test_user restricted{worker.id, worker.username,
                               std::string{session.json().at("token").as_string()}};
    // The session may see who it is and change the password; nothing else.
    const auto episodes = get(restricted, "/api/v1/episodes");
    EXPECT_EQ(episodes.status, 403U);
    EXPECT_EQ(episodes.json().at("reason").as_string(), "password_change_required");
    EXPECT_EQ(get(restricted, "/api/v1/notifications").status, 403U);
    EXPECT_TRUE(get(restricted, "/api/v1/session").json().at("password_change_required").as_bool());
    EXPECT_TRUE(get(restricted, "/api/v1/me").json().at("password_change_required").as_bool());

    const std::string chosen = "a new password of mine";
    for (const auto& [given, field] : std::vector<std::pair<json::object, std::string>>{
             {{{"password", chosen}, {"current_password", "not it at all"}}, "current_password"},
             {{{"password", chosen}}, "current_password"},
             {{{"password", "short"}, {"current_password", temporary}}, "password"},
             {{{"password", temporary}, {"current_password", temporary}}, "password"}}) {
        const auto refused = send(restricted, "PATCH", "/api/v1/me", given);
        EXPECT_EQ(refused.status, 422U) << refused.body;
        EXPECT_THAT(refused.body, HasSubstr("\"field\":\"" + field + "\"")) << refused.body;
    }
    const auto changed = send(restricted, "PATCH", "/api/v1/me",
                              {{"password", chosen}, {"current_password", temporary}});
    ASSERT_EQ(changed.status, 200U) << changed.body;
    EXPECT_FALSE(changed.json().at("password_change_required").as_bool());
    EXPECT_EQ(get(restricted, "/api/v1/episodes").status, 200U);
    EXPECT_EQ(sign_in(worker.username, temporary).status, 401U);
    EXPECT_EQ(sign_in(worker.username, chosen).status, 201U);
    EXPECT_EQ(count_where("audit_events", "action = 'account.update' and outcome = 'success' and "
                                          "actor_id = " +
                                              literal(worker.id) +
                                              " and detail->>'password_changed' = 'true'"),
              1);
}

TEST_F(administration_over_https,
       organisations_are_added_renamed_and_a_force_works_with_authorities) {
    const std::string code = unique_code();
    const auto added = send(root, "POST", "/api/v1/organisations",
                            {{"code", code},
                             {"name", "New Force"},
                             {"kind", "police"},
                             {"works_with", json::array{authority.code.c_str()}}});
    ASSERT_EQ(added.status, 201U) << added.body;
    EXPECT_EQ(added.json().at("works_with").at(0).at("code").as_string(), authority.code);
    const auto id = text("select id::text from organisations where code = " + literal(code));
    EXPECT_EQ(audited("organisation.add", id), 1);

    const auto renamed =
        send(root, "PATCH", "/api/v1/organisations/" + code,
             {{"name", "Renamed Force"},
              {"works_with", json::array{other.code.c_str(), authority.code.c_str()}}});
    ASSERT_EQ(renamed.status, 200U) << renamed.body;
    EXPECT_EQ(renamed.json().at("name").as_string(), "Renamed Force");
    EXPECT_EQ(renamed.json().at("works_with").as_array().size(), 2U);
    EXPECT_EQ(audited("organisation.update", id), 1);

    // Both sides see it: the force's officers their authorities, the authority's users the force.
    const auto officer = make_user(role::police, test_org{id, code});
    const auto mine = get(officer, "/api/v1/me").json();
    EXPECT_EQ(mine.at("works_with").as_array().size(), 2U);
    bool force_seen = false;
    const auto theirs = get(worker, "/api/v1/me").json();
    for (const auto& o : theirs.at("works_with").as_array()) {
        force_seen = force_seen || o.at("code").as_string() == code;
    }
    EXPECT_TRUE(force_seen);
    bool listed = false;
    const auto all = get(root, "/api/v1/organisations").json();
    for (const auto& o : all.at("items").as_array()) {
        if (o.at("code").as_string() == code) {
            listed = true;
            EXPECT_EQ(o.at("works_with").as_array().size(), 2U);
        }
    }
    EXPECT_TRUE(listed);

    // Bad input names the field and changes nothing.
    for (const auto& [target, given, field] :
         std::vector<std::tuple<std::string, json::object, std::string>>{
             {"/api/v1/organisations/" + code,
              {{"works_with", json::array{"NOWHERE-AT-ALL"}}},
              "works_with"},
             {"/api/v1/organisations/" + code,
              {{"works_with", json::array{force.code.c_str()}}},
              "works_with"},
             {"/api/v1/organisations/" + authority.code,
              {{"works_with", json::array{other.code.c_str()}}},
              "works_with"},
             {"/api/v1/organisations/" + code, {{"name", ""}}, "name"},
             {"/api/v1/organisations/" + code, {{"kind", "police"}}, "kind"}}) {
        const auto refused = send(root, "PATCH", target, given);
        EXPECT_EQ(refused.status, 422U) << refused.body;
        EXPECT_THAT(refused.body, HasSubstr("\"field\":\"" + field + "\"")) << refused.body;
    }
    for (const auto& [given, field] : std::vector<std::pair<json::object, std::string>>{
             {{{"code", "lower"}, {"name", "N"}, {"kind", "police"}}, "code"},
             {{{"code", code}, {"name", "N"}, {"kind", "police"}}, "code"},
             {{{"code", unique_code()}, {"name", "N"}, {"kind", "army"}}, "kind"},
             {{{"code", unique_code()}, {"kind", "police"}}, "name"},
             {{{"code", unique_code()},
               {"name", "N"},
               {"kind", "local_authority"},
               {"works_with", json::array{authority.code.c_str()}}},
              "works_with"}}) {
        const auto refused = send(root, "POST", "/api/v1/organisations", given);
        EXPECT_EQ(refused.status, 422U) << refused.body;
        EXPECT_THAT(refused.body, HasSubstr("\"field\":\"" + field + "\"")) << refused.body;
    }
    EXPECT_EQ(text("select name from organisations where code = " + literal(code)),
              "Renamed Force");
    EXPECT_EQ(
        count_where("police_force_authorities", "police_force_id = " + literal(id) + "::uuid"), 2);
    EXPECT_EQ(send(root, "PATCH", "/api/v1/organisations/NOWHERE-AT-ALL", {{"name", "N"}}).status,
              404U);
}

TEST_F(administration_over_https, an_organisations_admin_changes_only_their_own_organisation) {
    const std::string code = unique_code();
    const auto refused = send(admin, "POST", "/api/v1/organisations",
                              {{"code", code}, {"name", "N"}, {"kind", "police"}});
    EXPECT_EQ(refused.status, 403U) << refused.body;
    EXPECT_THAT(refused.body, HasSubstr("deployment-wide admin"));
    EXPECT_EQ(count_where("organisations", "code = " + literal(code)), 0);
    const auto before = text("select name from organisations where code = " + literal(force.code));
    for (const auto& target : {force.code, other.code, std::string{"NOWHERE-AT-ALL"}}) {
        const auto reply =
            send(admin, "PATCH", "/api/v1/organisations/" + target, {{"name", "Taken over"}});
        EXPECT_EQ(reply.status, 403U) << target << ": " << reply.body;
    }
    EXPECT_EQ(text("select name from organisations where code = " + literal(force.code)), before);
    EXPECT_EQ(count_where("organisations", "name = 'Taken over'"), 0);
    // Their own organisation they rename.
    const auto renamed =
        send(admin, "PATCH", "/api/v1/organisations/" + authority.code, {{"name", "Our Council"}});
    ASSERT_EQ(renamed.status, 200U) << renamed.body;
    EXPECT_EQ(renamed.json().at("name").as_string(), "Our Council");
}

TEST_F(administration_over_https, a_deployment_wide_admin_manages_every_organisations_accounts) {
    const auto session = get(root, "/api/v1/session");
    ASSERT_EQ(session.status, 200U) << session.body;
    EXPECT_TRUE(session.json().at("user").at("deployment_admin").as_bool());
    EXPECT_FALSE(
        get(admin, "/api/v1/session").json().at("user").as_object().contains("deployment_admin"));

    // Every organisation's accounts, or one organisation's by its code.
    const auto listed = [&](const test_user& who, const std::string& query) {
        std::set<std::string> ids;
        std::string cursor;
        for (int page = 0; page < 100; ++page) {
            const auto reply = get(who, "/api/v1/users?limit=500" + query +
                                            (cursor.empty() ? "" : "&cursor=" + cursor));
            EXPECT_EQ(reply.status, 200U) << reply.body;
            if (reply.status != 200) {
                break;
            }
            const auto body = reply.json();
            for (const auto& u : body.at("items").as_array()) {
                ids.insert(std::string{u.at("id").as_string()});
            }
            const auto& next = body.at("next_cursor");
            if (next.is_null()) {
                break;
            }
            cursor = std::string{next.as_string()};
        }
        return ids;
    };
    const auto everyone = listed(root, "");
    EXPECT_TRUE(everyone.contains(worker.id) && everyone.contains(outsider.id) &&
                everyone.contains(police.id));
    const auto others = listed(root, "&organisation=" + other.code);
    EXPECT_TRUE(others.contains(outsider.id) && others.contains(other_admin.id));
    EXPECT_FALSE(others.contains(worker.id));
    EXPECT_EQ(get(root, "/api/v1/users?organisation=NOWHERE-AT-ALL").status, 400U);
    // An organisation's own admin: their own only, and naming another is refused.
    EXPECT_FALSE(listed(admin, "").contains(outsider.id));
    EXPECT_EQ(get(admin, "/api/v1/users?organisation=" + other.code).status, 403U);

    // An account in another organisation, with its team made there.
    const std::string username = "x" + random_hex(8);
    const auto made = send(root, "POST", "/api/v1/users",
                           {{"username", username},
                            {"role", "manager"},
                            {"team", "Team East"},
                            {"organisation", other.code}});
    ASSERT_EQ(made.status, 201U) << made.body;
    EXPECT_EQ(made.json().at("organisation").as_string(), other.code);
    EXPECT_EQ(count_where("teams", "name = 'Team East' and organisation_id = " + literal(other.id) +
                                       "::uuid"),
              1);
    EXPECT_EQ(
        send(admin, "POST", "/api/v1/users",
             {{"username", "y" + random_hex(8)}, {"role", "manager"}, {"organisation", other.code}})
            .status,
        403U);
    // A police role in a council is refused as for anyone.
    const auto wrong =
        send(root, "POST", "/api/v1/users",
             {{"username", "z" + random_hex(8)}, {"role", "police"}, {"organisation", other.code}});
    EXPECT_EQ(wrong.status, 422U) << wrong.body;

    // Another organisation's user: read, moved to a team of their own organisation, reset.
    EXPECT_EQ(get(root, user_path(outsider)).status, 200U);
    EXPECT_EQ(get(admin, user_path(outsider)).status, 404U);
    const auto moved = send(root, "PATCH", user_path(outsider), {{"team", "Team West"}});
    ASSERT_EQ(moved.status, 200U) << moved.body;
    EXPECT_EQ(text("select t.organisation_id::text from users u join teams t on t.id = u.team_id "
                   "where u.id = " +
                   literal(outsider.id)),
              other.id);
    EXPECT_EQ(post(root, user_path(outsider) + "/password-reset", "").status, 200U);
    EXPECT_EQ(get(outsider, "/api/v1/me").status, 401U);

    // A deployment-wide admin stays an admin, and no one changes their own role.
    const auto second = make_user(role::admin, other);
    execute("update users set deployment_admin = true where id = " + literal(second.id));
    const auto demoted = send(root, "PATCH", user_path(second), {{"role", "manager"}});
    EXPECT_EQ(demoted.status, 422U) << demoted.body;
    EXPECT_THAT(demoted.body, HasSubstr("stays an admin"));
    EXPECT_EQ(send(root, "PATCH", user_path(root), {{"role", "manager"}}).status, 403U);
    EXPECT_EQ(get(root, user_path(root)).json().at("deployment_admin"), json::value(true));
}

} // namespace
} // namespace homeward::testing
