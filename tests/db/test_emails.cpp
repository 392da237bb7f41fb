// Email alerts: claimed under a lease and sent once; never sent to a user who has since turned
// alerts off; dead after the last failed attempt. Claims see every queued email, so each test
// runs in a transaction that is rolled back and looks only at its own.

#include "fixture.hpp"

#include "homeward/db/emails.hpp"
#include "homeward/db/notifications.hpp"
#include "homeward/db/organisations.hpp"

#include <algorithm>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

// Every email due, whatever other tests left queued before this test's own.
constexpr int claim_all = 1'000'000;

class emails_repository : public repository_test {
protected:
    void SetUp() override {
        repository_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        user_ = committed([&](db::unit_of_work& uow) {
            return db::users::insert(uow, "user_" + random_hex(8) + "@test", test_password_hash(),
                                     workflow::role::manager, w_.authority.id, std::nullopt,
                                     std::string{"manager@example.org"});
        });
        committed([&](db::unit_of_work& uow) {
            db::notifications::raise(uow,
                                     {w_.authority.id, std::nullopt, user_, "clock_overdue",
                                      std::nullopt, std::nullopt, "Overdue",
                                      R"({"kind": "interview_held"})", "test:" + random_hex(16)});
        });
        email_ = scalar("select id from email_outbox where user_id = " + literal(user_));
        // Queued by the database's clock: claims ask a little later than the test's.
        later_ = clock_.now() + 1min;
    }

    std::optional<db::emails::outgoing> ours(const std::vector<db::emails::outgoing>& claimed) {
        const auto found = std::find_if(claimed.begin(), claimed.end(),
                                        [&](const auto& e) { return e.id == email_; });
        return found == claimed.end() ? std::nullopt : std::optional{*found};
    }

    std::string status(db::unit_of_work& uow) {
        return uow.tx()
            .exec1("select status || ' ' || coalesce(last_error, '-') from email_outbox where id "
                   "= " +
                   std::to_string(email_))[0]
            .as<std::string>();
    }

    std::string user_;
    long long email_{0};
    workflow::time_point later_{};
};

TEST_F(emails_repository, an_email_is_claimed_under_a_lease_and_sent_once) {
    db::unit_of_work uow{shared_pool()};
    const auto claimed = ours(db::emails::claim(uow, later_, 120s, claim_all));
    ASSERT_TRUE(claimed.has_value());
    EXPECT_EQ(claimed->attempt, 1);
    EXPECT_EQ(claimed->address, "manager@example.org");
    EXPECT_EQ(claimed->kind, "clock_overdue");
    EXPECT_EQ(claimed->clock_kind, "interview_held");
    {
        db::unit_of_work another{shared_pool()};
        EXPECT_FALSE(ours(db::emails::claim(another, later_, 120s, claim_all)).has_value())
            << "another sender skips an email being claimed";
    }
    EXPECT_FALSE(ours(db::emails::claim(uow, later_ + 60s, 120s, claim_all)).has_value())
        << "the lease still runs";
    db::emails::record_sent(uow, *claimed, later_ + 1s);
    EXPECT_EQ(status(uow), "sent -");
    EXPECT_FALSE(ours(db::emails::claim(uow, later_ + 1h, 120s, claim_all)).has_value())
        << "sent once";
}

TEST_F(emails_repository, an_email_to_a_user_who_turned_alerts_off_is_dead_not_sent) {
    db::unit_of_work uow{shared_pool()};
    db::users::set_email_alerts(uow, user_, std::string{"manager@example.org"}, false);
    EXPECT_FALSE(ours(db::emails::claim(uow, later_, 120s, claim_all)).has_value());
    EXPECT_EQ(status(uow), "dead the user no longer receives email alerts");
}

TEST_F(emails_repository, after_the_last_failed_attempt_an_email_is_dead_and_counted_so) {
    db::unit_of_work uow{shared_pool()};
    const auto before = db::emails::state(uow);
    const auto claimed = ours(db::emails::claim(uow, later_, 120s, claim_all));
    ASSERT_TRUE(claimed.has_value());
    db::emails::record_failed(uow, *claimed, later_, "the relay refused", later_ + 10min);
    EXPECT_EQ(status(uow), "pending the relay refused") << "a retry is due later";
    const auto retried = ours(db::emails::claim(uow, later_ + 10min, 120s, claim_all));
    ASSERT_TRUE(retried.has_value());
    EXPECT_EQ(retried->attempt, 2);
    db::emails::record_failed(uow, *claimed, later_ + 10min, "stale result", std::nullopt);
    EXPECT_EQ(status(uow), "pending the relay refused") << "an earlier attempt's result is ignored";
    db::emails::record_failed(uow, *retried, later_ + 10min, "the relay refused again",
                              std::nullopt);
    EXPECT_EQ(status(uow), "dead the relay refused again");
    const auto after = db::emails::state(uow);
    EXPECT_EQ(after.dead, before.dead + 1);
}

} // namespace
} // namespace homeward::testing
