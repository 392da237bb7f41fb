// Log-ins and sessions: the account found whatever the letter case, failed attempts counted per
// name and per address within the window, and the session lookup that moves the idle clock at
// most once a minute, and only for a session still good.

#include "fixture.hpp"

#include "homeward/db/sessions.hpp"
#include "homeward/services/passwords.hpp"

#include <cctype>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::seconds idle = 30min;

class sessions_repository : public repository_test {
protected:
    void SetUp() override {
        repository_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        start_ = clock_.now();
        token_hash_ = services::sha256(services::new_token());
        committed([&](db::unit_of_work& uow) {
            db::sessions::insert(uow, token_hash_, w_.social_worker.user_id, start_, start_ + 12h);
        });
    }

    // The session as find_and_touch answers at `at`, committed.
    std::optional<db::sessions::session_row> touch(workflow::time_point at,
                                                   const std::string& hash) {
        return committed([&](db::unit_of_work& uow) {
            return db::sessions::find_and_touch(uow, hash, at, idle);
        });
    }
    std::optional<db::sessions::session_row> touch(workflow::time_point at) {
        return touch(at, token_hash_);
    }

    // The idle clock as stored.
    workflow::time_point last_seen() {
        return workflow::time_point{std::chrono::seconds{scalar(
            "select extract(epoch from last_seen_at)::bigint from sessions where user_id = " +
            literal(w_.social_worker.user_id))}};
    }

    workflow::time_point start_{};
    std::string token_hash_;
};

TEST_F(sessions_repository, a_session_is_found_with_its_user_and_times) {
    const auto found = touch(start_ + 5s);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->user.id, w_.social_worker.user_id);
    EXPECT_EQ(found->user.user_role, workflow::role::social_worker);
    EXPECT_EQ(found->user.organisation_code, w_.authority.code);
    EXPECT_EQ(found->created_at, start_);
    EXPECT_EQ(found->expires_at, start_ + 12h);
    EXPECT_FALSE(found->revoked_at.has_value());
    EXPECT_FALSE(touch(start_, services::sha256("a token never given")).has_value());
}

TEST_F(sessions_repository, the_idle_clock_moves_at_most_once_a_minute) {
    EXPECT_EQ(touch(start_ + 30s)->last_seen_at, start_);
    EXPECT_EQ(last_seen(), start_) << "within the minute: not written";
    EXPECT_EQ(touch(start_ + 61s)->last_seen_at, start_) << "answers the row as it was";
    EXPECT_EQ(last_seen(), start_ + 61s) << "over a minute: moved";
    touch(start_ + 100s);
    EXPECT_EQ(last_seen(), start_ + 61s) << "within a minute of the last move";
    touch(start_ + 20min);
    EXPECT_EQ(last_seen(), start_ + 20min);
}

TEST_F(sessions_repository, an_idle_expired_or_revoked_session_is_answered_but_never_touched) {
    const auto idle_found = touch(start_ + idle + 1s);
    ASSERT_TRUE(idle_found.has_value()) << "the caller decides, and says why";
    EXPECT_EQ(last_seen(), start_) << "idle: not revived";

    committed([&](db::unit_of_work& uow) { db::sessions::revoke(uow, token_hash_, start_ + 10s); });
    const auto revoked = touch(start_ + 2min);
    ASSERT_TRUE(revoked.has_value());
    EXPECT_EQ(revoked->revoked_at, start_ + 10s);
    EXPECT_EQ(last_seen(), start_) << "revoked: not touched";
    committed([&](db::unit_of_work& uow) { db::sessions::revoke(uow, token_hash_, start_ + 1h); });
    EXPECT_EQ(touch(start_ + 3min)->revoked_at, start_ + 10s) << "revoked once";

    const auto other = services::sha256(services::new_token());
    committed([&](db::unit_of_work& uow) {
        db::sessions::insert(uow, other, w_.manager.user_id, start_ - 12h, start_ - 1s);
    });
    const auto expired = touch(start_, other);
    ASSERT_TRUE(expired.has_value());
    EXPECT_EQ(expired->last_seen_at, start_ - 12h);
    EXPECT_EQ(scalar("select extract(epoch from last_seen_at)::bigint from sessions where user_id "
                     "= " +
                     literal(w_.manager.user_id)),
              (start_ - 12h).time_since_epoch().count())
        << "expired: not touched";
}

TEST_F(sessions_repository, an_account_is_found_by_its_username_in_any_letter_case) {
    std::string shouted = w_.police.username;
    for (auto& c : shouted) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    db::unit_of_work uow{shared_pool()};
    const auto account = db::sessions::account(uow, shouted);
    ASSERT_TRUE(account.has_value());
    EXPECT_EQ(account->user.id, w_.police.user_id);
    EXPECT_EQ(account->password_hash, test_password_hash());
    EXPECT_FALSE(account->locked_until.has_value());
    EXPECT_FALSE(db::sessions::account(uow, "nobody_" + random_hex(8)).has_value());
    db::sessions::lock_account(uow, w_.police.user_id, start_ + 15min);
    EXPECT_EQ(db::sessions::account(uow, w_.police.username)->locked_until, start_ + 15min);
}

// Every attempt is recorded as failed before its password is checked, and counted with those
// before it in the window: from its network, and for its username (in any letter case).
TEST_F(sessions_repository, an_attempt_counts_as_failed_until_it_succeeds_per_network_and_name) {
    const auto network = "192.0.2." + std::to_string(std::stoi(random_hex(2), nullptr, 16));
    const auto name = w_.manager.username;
    std::string shouted = name;
    for (auto& c : shouted) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const auto since = start_ - 15min;
    db::unit_of_work uow{shared_pool()};
    const auto begin = [&](std::string_view username, const std::string& from,
                           workflow::time_point at) {
        return db::sessions::begin_attempt(uow, username, from, from, at, since);
    };
    const auto outside = begin(name, network, start_ - 20min); // before the window
    EXPECT_EQ(outside.network_failures, 1) << "itself";
    const auto succeeded = begin(name, network, start_ - 5min);
    db::sessions::attempt_succeeded(uow, succeeded.id);
    const auto failed = begin(name, network, start_ - 4min);
    EXPECT_EQ(failed.network_failures, 1) << "the earlier one succeeded, the first is too old";
    EXPECT_EQ(failed.username_failures, 1);
    const auto other_name = begin("someone_else", network, start_ - 3min);
    EXPECT_EQ(other_name.network_failures, 2) << "a network's attempts, whatever the name";
    EXPECT_EQ(other_name.username_failures, 1);
    const auto other_network = begin(shouted, "198.51.100.1", start_ - 2min);
    EXPECT_EQ(other_network.network_failures, 1);
    EXPECT_EQ(other_network.username_failures, 2) << "a name's attempts, whatever the case";
    EXPECT_EQ(db::sessions::recent_failures_of(uow, name, since), 2);
}

} // namespace
} // namespace homeward::testing
