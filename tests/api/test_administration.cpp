// An admin's accounts and organisations over real HTTPS: each role's answer, the admin's own
// organisation as the scope, no one changing their own role, deactivation ending sessions at once,
// unlock, a password reset and the temporary password that must be changed first, organisations
// and whom a police force works with; every change audited.

#include "https_fixture.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

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
    test_user admin, other_admin, police, worker, manager, champion, outsider;
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
    EXPECT_EQ(listed, (std::set<std::string>{admin.id, worker.id, manager.id, champion.id}));
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
    const auto added = send(admin, "POST", "/api/v1/organisations",
                            {{"code", code},
                             {"name", "New Force"},
                             {"kind", "police"},
                             {"works_with", json::array{authority.code.c_str()}}});
    ASSERT_EQ(added.status, 201U) << added.body;
    EXPECT_EQ(added.json().at("works_with").at(0).at("code").as_string(), authority.code);
    const auto id = text("select id::text from organisations where code = " + literal(code));
    EXPECT_EQ(audited("organisation.add", id), 1);

    const auto renamed =
        send(admin, "PATCH", "/api/v1/organisations/" + code,
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
    const auto all = get(admin, "/api/v1/organisations").json();
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
        const auto refused = send(admin, "PATCH", target, given);
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
        const auto refused = send(admin, "POST", "/api/v1/organisations", given);
        EXPECT_EQ(refused.status, 422U) << refused.body;
        EXPECT_THAT(refused.body, HasSubstr("\"field\":\"" + field + "\"")) << refused.body;
    }
    EXPECT_EQ(text("select name from organisations where code = " + literal(code)),
              "Renamed Force");
    EXPECT_EQ(
        count_where("police_force_authorities", "police_force_id = " + literal(id) + "::uuid"), 2);
    EXPECT_EQ(send(admin, "PATCH", "/api/v1/organisations/NOWHERE-AT-ALL", {{"name", "N"}}).status,
              404U);
}

} // namespace
} // namespace homeward::testing
