// Two-step sign-in over real HTTPS on the injected clock: enrolment with its QR code and
// confirmation, log-ins with a code at the window's edges (the step before and after accepted,
// two steps away refused, no code twice), recovery codes used once, the lockout counting wrong
// codes, HOMEWARD_TWO_FACTOR=required restricting a session until its user enrols, =off, turning
// it off, and an admin's password reset clearing the enrolment. Every change audited, no secret
// in the audit trail.

#include "https_fixture.hpp"

#include "homeward/services/two_factor.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using workflow::organisation_kind;
using workflow::role;

// RFC 4648 base32 (upper case, unpadded) back to bytes, as an authenticator app reads a secret.
std::string from_base32(std::string_view text) {
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string bytes;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        buffer = (buffer << 5) | static_cast<std::uint32_t>(alphabet.find(c));
        bits += 5;
        if (bits >= 8) {
            bytes += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return bytes;
}

class two_factor_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        clear_login_attempts();
        authority = make_org(organisation_kind::local_authority);
        worker = make_user(role::social_worker, authority);
        admin = make_user(role::admin, authority);
        // Each test starts at the first second of a 30-second step.
        const auto into = clock_.now().time_since_epoch().count() % 30;
        advance(std::chrono::seconds{(30 - into) % 30});
    }

    void with_mode(services::two_factor_mode mode) {
        auto rules = test_rules();
        rules.two_factor = mode;
        api::server_options options;
        options.metrics_token = metrics_token();
        restart(rules, options);
    }

    https_reply send(const test_user& who, const std::string& method, const std::string& target,
                     const json::object& body = {}) {
        request_options options;
        options.token = who.token;
        return https_call(port_, method, target, json::serialize(body), options);
    }
    https_reply totp_action(const test_user& who, const std::string& action,
                            const std::string& code = "") {
        json::object body{{"action", action}};
        if (!code.empty()) {
            body["totp"] = code;
        }
        return send(who, "POST", "/api/v1/session/totp", body);
    }
    https_reply sign_in(const std::string& username, const std::string& code = "",
                        const std::string& given_password = password()) {
        json::object body{{"username", username}, {"password", given_password}};
        if (!code.empty()) {
            body["totp"] = code;
        }
        return https_call(port_, "POST", "/api/v1/session", json::serialize(body));
    }

    std::int64_t step() const { return services::totp_step(clock_.now()); }
    std::string code_at(std::int64_t at_step) const { return services::totp_code(secret, at_step); }

    // Enrols the user and confirms with the current code: their recovery codes.
    std::vector<std::string> enrol(const test_user& who) {
        const auto offer = totp_action(who, "enrol");
        EXPECT_EQ(offer.status, 201U) << offer.body;
        if (offer.status != 201) {
            return {};
        }
        secret = from_base32(offer.json().at("secret").as_string());
        const auto confirmed = totp_action(who, "confirm", code_at(step()));
        EXPECT_EQ(confirmed.status, 200U) << confirmed.body;
        std::vector<std::string> codes;
        if (confirmed.status == 200) {
            const auto answer = confirmed.json();
            for (const auto& c : answer.at("recovery_codes").as_array()) {
                codes.emplace_back(c.as_string());
            }
        }
        return codes;
    }

    static long long audited(const std::string& action, const std::string& user_id) {
        return count_where("audit_events", "action = " + literal(action) + " and entity_id = " +
                                               literal(user_id) + " and outcome = 'success'");
    }

    test_org authority;
    test_user worker, admin;
    std::string secret; // the raw bytes of the last secret enrolled
};

TEST_F(two_factor_over_https, enrolment_offers_a_secret_uri_and_qr_code_then_confirms_with_a_code) {
    const auto offer = totp_action(worker, "enrol");
    ASSERT_EQ(offer.status, 201U) << offer.body;
    const auto body = offer.json().as_object();
    const std::string base32{body.at("secret").as_string()};
    EXPECT_EQ(base32.size(), 32U) << "20 bytes of secret";
    EXPECT_EQ(from_base32(base32).size(), 20U);
    // The label is percent-encoded (RFC 3986 unreserved characters only): test usernames hold @.
    std::string label;
    for (const char c : worker.username) {
        label += c == '@' ? std::string{"%40"} : std::string(1, c);
    }
    EXPECT_EQ(body.at("otpauth_uri").as_string(),
              "otpauth://totp/Homeward%3A" + label + "?secret=" + base32 + "&issuer=Homeward");
    EXPECT_THAT(std::string{body.at("qr_svg").as_string()},
                StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_THAT(std::string{body.at("qr_svg").as_string()}, HasSubstr("<path fill=\"#000\" d=\"M"));
    // Not enrolled until confirmed: the password alone still signs in.
    EXPECT_EQ(sign_in(worker.username).status, 201U);
    secret = from_base32(base32);

    const auto wrong = totp_action(worker, "confirm", code_at(step() + 5));
    EXPECT_EQ(wrong.status, 422U) << wrong.body;
    EXPECT_THAT(wrong.body, HasSubstr("\"field\":\"totp\""));
    const auto confirmed = totp_action(worker, "confirm", code_at(step()));
    ASSERT_EQ(confirmed.status, 200U) << confirmed.body;
    const auto answer = confirmed.json();
    const auto& codes = answer.at("recovery_codes").as_array();
    ASSERT_EQ(codes.size(), 10U);
    EXPECT_THAT(std::string{codes[0].as_string()}, ::testing::MatchesRegex("....-....-...."));
    EXPECT_TRUE(get(worker, "/api/v1/me").json().at("two_factor").as_bool());
    // Kept as hashes only; nothing more to confirm.
    EXPECT_EQ(count_where("recovery_codes", "user_id = " + literal(worker.id)), 10);
    EXPECT_EQ(count_where("recovery_codes",
                          "user_id = " + literal(worker.id) + " and code_hash = convert_to(" +
                              literal(std::string{codes[0].as_string()}) + ", 'UTF8')"),
              0);
    EXPECT_EQ(totp_action(worker, "confirm", code_at(step() + 1)).status, 409U);
    EXPECT_EQ(audited("two_factor.enrol", worker.id), 1);
    EXPECT_EQ(audited("two_factor.confirm", worker.id), 1);
    // The audit trail holds neither the secret nor a code.
    EXPECT_EQ(count_where("audit_events",
                          "entity_id = " + literal(worker.id) + " and (detail::text like " +
                              literal("%" + base32 + "%") + " or detail::text like " +
                              literal("%" + std::string{codes[0].as_string()} + "%") + ")"),
              0);
}

TEST_F(two_factor_over_https, an_enrolled_user_needs_a_code_and_a_missing_one_is_a_wrong_one) {
    enrol(worker);
    advance(std::chrono::minutes{5});
    const auto missing = sign_in(worker.username);
    EXPECT_EQ(missing.status, 401U);
    EXPECT_TRUE(missing.json().at("totp_required").as_bool());
    const auto wrong_password = sign_in(worker.username, code_at(step()), "not the password");
    EXPECT_EQ(wrong_password.status, 401U);
    EXPECT_FALSE(wrong_password.json().as_object().contains("totp_required"))
        << "only a right password learns that a code is needed";
    // Otherwise the same answer as a wrong password.
    EXPECT_EQ(missing.json().at("detail"), wrong_password.json().at("detail"));
    EXPECT_EQ(missing.json().at("title"), wrong_password.json().at("title"));
    const auto wrong = sign_in(worker.username, "000000");
    EXPECT_EQ(wrong.status, 401U);
    const auto signed_in = sign_in(worker.username, code_at(step()));
    ASSERT_EQ(signed_in.status, 201U) << signed_in.body;
    EXPECT_FALSE(signed_in.json().at("enrolment_required").as_bool());
}

TEST_F(two_factor_over_https, codes_are_accepted_one_step_either_side_once_each) {
    enrol(worker); // with the code of step S, at the step's first second
    const auto s = step();
    advance(std::chrono::seconds{90}); // the first second of S+3
    EXPECT_EQ(sign_in(worker.username, code_at(s + 1)).status, 401U) << "two steps ago";
    EXPECT_EQ(sign_in(worker.username, code_at(s + 2)).status, 201U) << "the previous step";
    EXPECT_EQ(sign_in(worker.username, code_at(s + 2)).status, 401U) << "the same code twice";
    advance(std::chrono::seconds{29}); // the last second of S+3
    EXPECT_EQ(sign_in(worker.username, code_at(s + 5)).status, 401U) << "two steps ahead";
    EXPECT_EQ(sign_in(worker.username, code_at(s + 4)).status, 201U) << "the next step";
    EXPECT_EQ(sign_in(worker.username, code_at(s + 3)).status, 401U)
        << "a code older than one accepted";
    EXPECT_EQ(sign_in(worker.username, code_at(s + 4)).status, 401U) << "the same code twice";
}

TEST_F(two_factor_over_https, a_recovery_code_signs_in_once) {
    const auto codes = enrol(worker);
    ASSERT_EQ(codes.size(), 10U);
    EXPECT_EQ(sign_in(worker.username, codes[0]).status, 201U);
    EXPECT_EQ(sign_in(worker.username, codes[0]).status, 401U) << "used";
    // Typed without its hyphens, in capitals: the same code.
    std::string typed;
    for (const char c : codes[1]) {
        if (c != '-') {
            typed += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    EXPECT_EQ(sign_in(worker.username, typed).status, 201U);
    EXPECT_EQ(count_where("recovery_codes",
                          "user_id = " + literal(worker.id) + " and used_at is not null"),
              2);
}

TEST_F(two_factor_over_https, wrong_codes_lock_the_account_even_with_the_right_password) {
    enrol(worker);
    advance(std::chrono::minutes{5});
    clear_login_attempts();
    for (int i = 0; i < test_rules().failures_before_lock; ++i) {
        EXPECT_EQ(sign_in(worker.username, "12345" + std::to_string(i)).status, 401U);
    }
    const auto locked = sign_in(worker.username, code_at(step()));
    EXPECT_EQ(locked.status, 401U) << "locked: the right password and code are refused";
    EXPECT_FALSE(locked.json().as_object().contains("totp_required"));
    EXPECT_FALSE(get(admin, "/api/v1/users/" + worker.id).json().at("locked_until").is_null());
    EXPECT_EQ(
        count_where("audit_events", "action = 'user.locked' and entity_id = " + literal(worker.id)),
        1);
}

// The lockout rules apply to the codes a signed-in user gives as well: someone holding a session
// but not the phone cannot try codes without end to turn two-step sign-in off, or to move it to
// their own phone. Wrong codes to confirm, re-enrol or turn off count with failed log-ins; at the
// limit the account is locked, and while it is, these answer 429 and change nothing.
TEST_F(two_factor_over_https, wrong_codes_from_a_signed_in_user_count_towards_the_lockout) {
    enrol(worker);
    advance(std::chrono::minutes{5});
    clear_login_attempts();
    const auto limit = test_rules().failures_before_lock;
    const std::string wrong = code_at(step() + 9);
    for (int i = 0; i < limit; ++i) {
        const auto action = i % 2 == 0 ? "disable" : "enrol";
        const auto refused = totp_action(worker, action, wrong);
        EXPECT_EQ(refused.status, 422U) << action << ": " << refused.body;
    }
    EXPECT_EQ(
        count_where("audit_events", "action = 'user.locked' and entity_id = " + literal(worker.id)),
        1);
    const auto locked = totp_action(worker, "disable", code_at(step()));
    EXPECT_EQ(locked.status, 429U) << "the right code, while the account is locked";
    EXPECT_THAT(locked.body, HasSubstr("locked until"));
    EXPECT_TRUE(get(worker, "/api/v1/me").json().at("two_factor").as_bool()) << "turned off";
    EXPECT_EQ(sign_in(worker.username, code_at(step())).status, 401U) << "log-ins are locked too";

    // After the lock, a wrong code to confirm a new enrolment counts as well.
    advance(test_rules().lock_for + std::chrono::seconds{1});
    clear_login_attempts();
    EXPECT_EQ(totp_action(worker, "enrol", code_at(step())).status, 201U);
    EXPECT_EQ(totp_action(worker, "confirm", wrong).status, 422U);
    EXPECT_EQ(count_where("login_attempts",
                          "username = " + literal(worker.username) + " and not succeeded"),
              1);
}

TEST_F(two_factor_over_https, re_enrolment_and_turning_off_need_a_current_code) {
    enrol(worker);
    const auto old_secret = secret;
    advance(std::chrono::seconds{60});
    EXPECT_EQ(totp_action(worker, "enrol").status, 422U);
    const auto offer = totp_action(worker, "enrol", code_at(step()));
    ASSERT_EQ(offer.status, 201U) << offer.body;
    // Until the new secret is confirmed, the old one signs in.
    advance(std::chrono::seconds{60});
    EXPECT_EQ(sign_in(worker.username, code_at(step())).status, 201U);
    secret = from_base32(offer.json().at("secret").as_string());
    ASSERT_EQ(totp_action(worker, "confirm", code_at(step())).status, 200U);
    advance(std::chrono::seconds{60});
    EXPECT_EQ(sign_in(worker.username, services::totp_code(old_secret, step())).status, 401U);

    EXPECT_EQ(totp_action(worker, "disable", "999999").status, 422U);
    EXPECT_EQ(totp_action(worker, "disable", code_at(step())).status, 204U);
    EXPECT_EQ(sign_in(worker.username).status, 201U) << "the password alone again";
    EXPECT_EQ(count_where("recovery_codes", "user_id = " + literal(worker.id)), 0);
    EXPECT_EQ(audited("two_factor.disable", worker.id), 1);
    EXPECT_EQ(totp_action(worker, "disable", code_at(step())).status, 409U);
    EXPECT_EQ(totp_action(worker, "dance").status, 422U);
}

TEST_F(two_factor_over_https, required_mode_lets_a_session_only_enrol_until_its_user_has) {
    with_mode(services::two_factor_mode::required);
    const auto session = sign_in(worker.username);
    ASSERT_EQ(session.status, 201U) << session.body;
    EXPECT_TRUE(session.json().at("enrolment_required").as_bool());
    const test_user restricted{worker.id, worker.username,
                               std::string{session.json().at("token").as_string()}};
    EXPECT_TRUE(get(restricted, "/api/v1/me").json().at("enrolment_required").as_bool());
    EXPECT_TRUE(get(restricted, "/api/v1/session").json().at("enrolment_required").as_bool());
    const auto refused = get(restricted, "/api/v1/episodes");
    EXPECT_EQ(refused.status, 403U);
    EXPECT_EQ(refused.json().at("reason").as_string(), "enrolment_required");
    EXPECT_THAT(std::string{refused.json().at("detail").as_string()},
                HasSubstr("POST /api/v1/session/totp"));
    EXPECT_EQ(send(restricted, "PATCH", "/api/v1/me", {{"email_alerts", false}}).status, 403U);

    enrol(restricted);
    EXPECT_EQ(get(restricted, "/api/v1/episodes").status, 200U) << "enrolment lifts it";
    EXPECT_FALSE(get(restricted, "/api/v1/me").json().at("enrolment_required").as_bool());
    // Required: it cannot be turned off, and log-ins need the code.
    EXPECT_EQ(totp_action(restricted, "disable", code_at(step() + 1)).status, 403U);
    EXPECT_EQ(sign_in(worker.username).status, 401U);
    EXPECT_EQ(send(restricted, "DELETE", "/api/v1/session").status, 204U);
}

TEST_F(two_factor_over_https, off_mode_refuses_enrolment_and_ignores_codes) {
    enrol(worker);
    with_mode(services::two_factor_mode::off);
    const auto refused = totp_action(admin, "enrol");
    EXPECT_EQ(refused.status, 403U);
    EXPECT_THAT(refused.body, HasSubstr("HOMEWARD_TWO_FACTOR=off"));
    EXPECT_EQ(count_where("two_factor", "user_id = " + literal(admin.id)), 0);
    const auto session = sign_in(worker.username);
    EXPECT_EQ(session.status, 201U) << "codes are neither asked for nor checked";
    EXPECT_FALSE(session.json().at("enrolment_required").as_bool());
}

TEST_F(two_factor_over_https, an_admins_password_reset_clears_the_enrolment) {
    enrol(worker);
    const auto reset = post(admin, "/api/v1/users/" + worker.id + "/password-reset", "");
    ASSERT_EQ(reset.status, 200U) << reset.body;
    EXPECT_FALSE(reset.json().at("two_factor").as_bool());
    EXPECT_EQ(count_where("two_factor", "user_id = " + literal(worker.id)), 0);
    EXPECT_EQ(count_where("recovery_codes", "user_id = " + literal(worker.id)), 0);
    EXPECT_EQ(count_where("audit_events",
                          "action = 'user.password_reset' and entity_id = " + literal(worker.id) +
                              " and detail->>'two_factor_cleared' = 'true'"),
              1);
    const auto session = sign_in(worker.username, "",
                                 std::string{reset.json().at("temporary_password").as_string()});
    EXPECT_EQ(session.status, 201U) << "the temporary password alone signs in: they enrol again";
}

// With HOMEWARD_TWO_FACTOR_KEY (every test server has one) a copy of the database holds no
// secret that makes codes: each is sealed (AES-256-GCM, 49 bytes), bound to its own user, so a
// sealed secret copied into another user's row opens for no one and signs no one in.
TEST_F(two_factor_over_https, the_secret_is_sealed_at_rest_and_opens_only_in_its_own_users_row) {
    enrol(worker);
    const auto workers_secret = secret;
    const auto row = "two_factor where user_id = " + literal(worker.id);
    EXPECT_EQ(scalar("select octet_length(secret) from " + row), 49);
    std::string hex;
    for (const char c : workers_secret) {
        constexpr std::string_view digits = "0123456789abcdef";
        hex += digits[static_cast<unsigned char>(c) >> 4];
        hex += digits[static_cast<unsigned char>(c) & 0x0f];
    }
    EXPECT_EQ(scalar("select position(decode(" + literal(hex) + ", 'hex') in secret) from " + row),
              0)
        << "the secret is in the row as it is";
    advance(std::chrono::seconds{30});
    EXPECT_EQ(sign_in(worker.username, code_at(step())).status, 201U);

    const auto other = make_user(role::social_worker, authority);
    enrol(other);
    execute("update two_factor set secret = (select secret from " + row +
            "), last_step = null where user_id = " + literal(other.id));
    advance(std::chrono::seconds{30});
    secret = workers_secret;
    const auto moved = sign_in(other.username, code_at(step()));
    EXPECT_EQ(moved.status, 401U) << "a secret moved to another user's row signed them in";
    EXPECT_EQ(sign_in(worker.username, code_at(step())).status, 201U);
}

// A secret stored before the deployment had a key still signs in, and serve's start seals it
// (services::seal_stored_secrets, which serve runs before it listens); without the key, a sealed
// secret stops that start rather than locking everyone out in silence.
TEST_F(two_factor_over_https, a_secret_stored_before_the_key_is_sealed_at_start_and_still_works) {
    secret = "0123456789abcdefghij";
    execute("insert into two_factor (user_id, secret, confirmed_at, updated_at) values (" +
            literal(worker.id) + ", convert_to(" + literal(secret) + ", 'UTF8'), now(), now())");
    const auto row = "two_factor where user_id = " + literal(worker.id);
    EXPECT_EQ(sign_in(worker.username, code_at(step())).status, 201U);

    // (A serve process another test starts meanwhile may seal it first: the row is what counts.)
    services::seal_stored_secrets(*env_, test_rules());
    EXPECT_EQ(scalar("select octet_length(secret) from " + row), 49);
    const auto again = text("select encode(secret, 'hex') from " + row);
    services::seal_stored_secrets(*env_, test_rules());
    EXPECT_EQ(text("select encode(secret, 'hex') from " + row), again) << "sealed twice";
    advance(std::chrono::seconds{30});
    EXPECT_EQ(sign_in(worker.username, code_at(step())).status, 201U);

    auto keyless = test_rules();
    keyless.two_factor_key.clear();
    const auto before = text("select encode(secret, 'hex') from " + row);
    try {
        services::seal_stored_secrets(*env_, keyless);
        ADD_FAILURE() << "a start without the key went ahead";
    } catch (const std::runtime_error& refused) {
        EXPECT_THAT(refused.what(), HasSubstr("HOMEWARD_TWO_FACTOR_KEY is not set"));
    }
    auto other_key = test_rules();
    other_key.two_factor_key = std::string(32, 'k');
    try {
        services::seal_stored_secrets(*env_, other_key);
        ADD_FAILURE() << "a start with another key went ahead";
    } catch (const std::runtime_error& refused) {
        EXPECT_THAT(refused.what(), HasSubstr("do not open with HOMEWARD_TWO_FACTOR_KEY"));
    }
    EXPECT_EQ(text("select encode(secret, 'hex') from " + row), before) << "a refusal changed it";
}

} // namespace
} // namespace homeward::testing
