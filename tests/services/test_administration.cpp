// Organisations and users, as `homeward org add` and `homeward user add` make them: every bad
// input is refused naming its field, and a refusal adds nothing.

#include "fixture.hpp"

#include "homeward/services/administration.hpp"
#include "homeward/services/passwords.hpp"

#include <gmock/gmock.h>

#include <cctype>
#include <vector>

namespace homeward::testing {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view good_password = "a long enough passphrase";

class administration : public services_test {
protected:
    // The failure of a call that must be refused as invalid input naming exactly `field`.
    void expect_invalid(const std::function<void()>& use_case, std::string_view field,
                        std::string_view what) {
        const auto refused = failure_of(use_case);
        EXPECT_EQ(to_string(refused.kind()), "invalid_input") << what << ": " << refused.detail();
        EXPECT_THAT(fields_of(refused), ElementsAre(std::string{field})) << what;
    }

    static std::string unique_username() { return "user_" + unique_code() + "@test"; }
};

TEST_F(administration, an_organisation_is_added_with_its_code_name_and_kind) {
    const auto code = unique_code();
    const auto audit = count("audit_log");
    const auto id =
        services::add_organisation(env_, code, "West Yorkshire Police", "police", "req-org-1");
    EXPECT_EQ(id.size(), 36U);
    EXPECT_EQ(text("select code || '|' || name || '|' || kind from organisations where id::text "
                   "= " +
                   literal(id)),
              code + "|West Yorkshire Police|police");
    EXPECT_GE(count("audit_log"), audit + 1);
}

TEST_F(administration,
       codes_that_are_not_2_to_32_capitals_digits_underscores_or_dashes_are_refused) {
    const auto organisations = count("organisations");
    const std::vector<std::string> codes{"",         "A",        "lower", "HAS SPACE",
                                         "-LEADING", "_LEADING", "BANG!", std::string(33, 'X')};
    for (const auto& code : codes) {
        expect_invalid(
            [&] { services::add_organisation(env_, code, "A name", "local_authority", "req"); },
            "code", code);
    }
    EXPECT_EQ(count("organisations"), organisations);
}

TEST_F(administration, codes_of_2_and_32_characters_are_accepted) {
    const auto code = unique_code(); // 11 characters
    services::add_organisation(env_, code + std::string(21, '9'), "Long", "police", "req");
    services::add_organisation(env_, code.substr(1, 2), "Short", "police", "req");
    EXPECT_EQ(count_where("organisations", "code in (" + literal(code + std::string(21, '9')) +
                                               ", " + literal(code.substr(1, 2)) + ")"),
              2);
}

TEST_F(administration, an_empty_name_is_refused_naming_name) {
    const auto organisations = count("organisations");
    for (const std::string name : {"", "   "}) {
        expect_invalid(
            [&] { services::add_organisation(env_, unique_code(), name, "police", "req"); }, "name",
            "'" + name + "'");
    }
    EXPECT_EQ(count("organisations"), organisations);
}

TEST_F(administration, an_unknown_kind_is_refused_naming_kind) {
    const auto organisations = count("organisations");
    for (const std::string kind : {"", "council", "POLICE", "local authority"}) {
        expect_invalid(
            [&] { services::add_organisation(env_, unique_code(), "A name", kind, "req"); }, "kind",
            kind);
    }
    EXPECT_EQ(count("organisations"), organisations);
}

TEST_F(administration, a_code_already_used_is_refused_naming_code_and_adds_nothing) {
    const auto code = unique_code();
    services::add_organisation(env_, code, "First", "local_authority", "req-1");
    const auto organisations = count("organisations");
    expect_invalid([&] { services::add_organisation(env_, code, "Second", "police", "req-2"); },
                   "code", "duplicate");
    EXPECT_EQ(count("organisations"), organisations);
    EXPECT_EQ(text("select name from organisations where code = " + literal(code)), "First");
}

TEST_F(administration, a_user_is_added_with_an_argon2id_hash_of_the_password) {
    const auto org = make_org(workflow::organisation_kind::local_authority);
    const auto username = unique_username();
    const auto id =
        services::add_user(env_, username, "social_worker", org.code, good_password, "req-u1");
    EXPECT_EQ(text("select username || '|' || role || '|' || organisation_id::text || '|' || "
                   "active from users where id::text = " +
                   literal(id)),
              username + "|social_worker|" + org.id + "|true");
    const auto hash = text("select password_hash from users where id::text = " + literal(id));
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0U) << hash;
    EXPECT_EQ(hash.find(good_password), std::string::npos);
    EXPECT_TRUE(services::verify_password(good_password, hash));
    EXPECT_FALSE(services::verify_password("another passphrase", hash));
}

TEST_F(administration, a_password_shorter_than_12_characters_is_refused_naming_password) {
    const auto org = make_org(workflow::organisation_kind::police);
    const auto users = count("users");
    expect_invalid(
        [&] {
            services::add_user(env_, unique_username(), "police", org.code, "elevenchars", "r");
        },
        "password", "11 characters");
    EXPECT_EQ(count("users"), users);
}

TEST_F(administration, an_unknown_role_is_refused_naming_role) {
    const auto org = make_org(workflow::organisation_kind::local_authority);
    const auto users = count("users");
    for (const std::string role : {"", "superuser", "Manager", "social worker"}) {
        expect_invalid(
            [&] {
                services::add_user(env_, unique_username(), role, org.code, good_password, "r");
            },
            "role", role);
    }
    EXPECT_EQ(count("users"), users);
}

TEST_F(administration, a_police_user_in_a_local_authority_is_refused_naming_role) {
    const auto org = make_org(workflow::organisation_kind::local_authority);
    const auto users = count("users");
    expect_invalid(
        [&] {
            services::add_user(env_, unique_username(), "police", org.code, good_password, "r");
        },
        "role", "police in a local authority");
    EXPECT_EQ(count("users"), users);
}

TEST_F(administration, authority_roles_in_a_police_force_are_refused_naming_role) {
    const auto force = make_org(workflow::organisation_kind::police);
    const auto users = count("users");
    for (const std::string role :
         {"social_worker", "manager", "cse_champion", "data_protection_officer"}) {
        expect_invalid(
            [&] {
                services::add_user(env_, unique_username(), role, force.code, good_password, "r");
            },
            "role", role);
    }
    EXPECT_EQ(count("users"), users);
}

TEST_F(administration, an_admin_may_belong_to_either_kind_of_organisation) {
    const auto force = make_org(workflow::organisation_kind::police);
    const auto authority = make_org(workflow::organisation_kind::local_authority);
    EXPECT_FALSE(
        services::add_user(env_, unique_username(), "admin", force.code, good_password, "r")
            .empty());
    EXPECT_FALSE(
        services::add_user(env_, unique_username(), "admin", authority.code, good_password, "r")
            .empty());
}

TEST_F(administration, a_user_of_an_unknown_organisation_is_refused_naming_org) {
    const auto users = count("users");
    expect_invalid(
        [&] {
            services::add_user(env_, unique_username(), "manager", unique_code(), good_password,
                               "r");
        },
        "org", "unknown organisation");
    EXPECT_EQ(count("users"), users);
}

TEST_F(administration, a_username_already_taken_in_any_letter_case_is_refused_naming_username) {
    const auto org = make_org(workflow::organisation_kind::local_authority);
    const auto username = unique_username();
    services::add_user(env_, username, "manager", org.code, good_password, "r1");
    const auto users = count("users");
    std::string shouted = username;
    for (auto& c : shouted) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    for (const auto& again : {username, shouted}) {
        expect_invalid(
            [&] {
                services::add_user(env_, again, "social_worker", org.code, good_password, "r2");
            },
            "username", again);
    }
    EXPECT_EQ(count("users"), users);
}

} // namespace
} // namespace homeward::testing
