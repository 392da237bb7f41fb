// Log-ins (issue 12, findings 1 and 7): bounded before any work, every attempt counted before its
// password is checked, throttled by network (an IPv6 host's whole /64), and a locked account
// answering exactly as a wrong password does.

#include "fixture.hpp"

#include "homeward/services/sessions.hpp"

#include <gmock/gmock.h>

#include <cctype>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using services::failure_kind;
using ::testing::ElementsAre;

class log_ins : public services_test {
protected:
    services::failure refused(const std::string& username, const std::string& password,
                              const std::string& address,
                              const services::session_rules& rules = {}) {
        return failure_of([&] {
            services::log_in(env_, username, password, address, "req-" + random_hex(8), rules);
        });
    }
    long long attempts_of(const std::string& username) {
        return count_where("login_attempts", "username = " + literal(username));
    }
    // An IPv6 /64 no other test uses, as "2001:db8:xxxx:yyyy::" (lower case, as written back).
    static std::string unique_prefix() {
        // Groups of four digits with no leading zero, as PostgreSQL writes them back.
        auto prefix = "2001:db8:a" + random_hex(3) + ":b" + random_hex(3) + "::";
        for (auto& c : prefix) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return prefix;
    }
};

TEST_F(log_ins, a_username_over_128_or_a_password_over_1024_characters_is_refused_unrecorded) {
    const std::string long_name(129, 'u');
    const auto name_refused = refused(long_name, "whatever it is", "192.0.2.10");
    EXPECT_EQ(name_refused.kind(), failure_kind::invalid_input);
    EXPECT_THAT(fields_of(name_refused), ElementsAre("username"));
    EXPECT_EQ(attempts_of(long_name), 0) << "nothing is stored for a name no account can have";

    const auto& user = w_.social_worker.username;
    const auto before = attempts_of(user);
    const auto password_refused = refused(user, std::string(1025, 'p'), "192.0.2.10");
    EXPECT_EQ(password_refused.kind(), failure_kind::invalid_input);
    EXPECT_THAT(fields_of(password_refused), ElementsAre("password"));
    EXPECT_EQ(attempts_of(user), before);

    const auto both = refused(std::string(4000, 'x'), std::string(5000, 'y'), "192.0.2.10");
    EXPECT_THAT(fields_of(both), ElementsAre("username", "password"));
}

TEST_F(log_ins, a_username_of_128_and_a_password_of_1024_characters_are_checked_as_usual) {
    const std::string name(128, 'n');
    const auto wrong = refused(name, std::string(1024, 'p'), "192.0.2.11");
    EXPECT_EQ(wrong.kind(), failure_kind::unauthenticated);
    EXPECT_EQ(wrong.detail(), "wrong username or password");
    EXPECT_EQ(attempts_of(name), 1);
}

TEST_F(log_ins, an_attempt_is_recorded_with_its_network_before_the_password_is_checked) {
    const auto& user = w_.manager.username;
    const auto prefix = unique_prefix();
    refused(user, "not the password", prefix + "1");
    EXPECT_EQ(text("select client_network || '|' || succeeded::text from login_attempts where "
                   "username = " +
                   literal(user) + " order by id desc limit 1"),
              prefix + "/64|false");
    services::log_in(env_, user, std::string{test_password()}, prefix + "2", "req");
    EXPECT_EQ(text("select succeeded::text from login_attempts where username = " + literal(user) +
                   " order by id desc limit 1"),
              "true");
}

TEST_F(log_ins, the_network_of_an_ipv6_address_is_its_64_and_of_an_ipv4_address_itself) {
    EXPECT_EQ(services::network_of("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
    EXPECT_EQ(services::network_of("2001:db8:1:2::ffff"), "2001:db8:1:2::/64");
    EXPECT_EQ(services::network_of("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(services::network_of("::ffff:192.0.2.7"), "192.0.2.7");
}

// One host has a whole IPv6 /64: changing the address within it does not escape the throttle,
// which then holds even for the right password; another network is not held up.
TEST_F(log_ins, failed_log_ins_are_throttled_by_network_across_addresses_of_one_ipv6_64) {
    services::session_rules rules;
    rules.failures_per_address = 3;
    const auto prefix = unique_prefix();
    for (int i = 1; i <= 3; ++i) {
        const auto wrong = refused("nobody-" + random_hex(6), "a wrong password",
                                   prefix + std::to_string(i), rules);
        EXPECT_EQ(wrong.kind(), failure_kind::unauthenticated) << i;
    }
    const auto throttled = failure_of([&] {
        services::log_in(env_, w_.police.username, std::string{test_password()}, prefix + "beef",
                         "req", rules);
    });
    EXPECT_EQ(throttled.kind(), failure_kind::too_many_requests);
    const auto elsewhere = unique_prefix() + "1";
    EXPECT_FALSE(services::log_in(env_, w_.police.username, std::string{test_password()}, elsewhere,
                                  "req", rules)
                     .token.empty());
}

// Finding 7: only existing accounts lock, so a locked account that answered differently would
// tell which usernames exist. It answers as a wrong password and an unknown name do.
TEST_F(log_ins, a_locked_account_answers_exactly_as_a_wrong_password_and_an_unknown_name) {
    const auto& user = w_.second_social_worker.username;
    const auto address = unique_prefix() + "1";
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(refused(user, "a wrong password", address).kind(), failure_kind::unauthenticated);
    }
    const auto locked = refused(user, std::string{test_password()}, address);
    const auto wrong = refused(user, "a wrong password", address);
    const auto unknown = refused("nobody-" + random_hex(8), "a wrong password", address);
    for (const auto& answer : {locked, wrong, unknown}) {
        EXPECT_EQ(answer.kind(), failure_kind::unauthenticated);
        EXPECT_EQ(answer.detail(), "wrong username or password");
        EXPECT_TRUE(answer.fields().empty());
    }
    advance(16min);
    EXPECT_FALSE(
        services::log_in(env_, user, std::string{test_password()}, address, "req").token.empty());
}

} // namespace
} // namespace homeward::testing
