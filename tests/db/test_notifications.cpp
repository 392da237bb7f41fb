// Homeward's own inbox: a notification raised once per dedupe key, its webhook message queued in
// the same statement only when the organisation has a webhook, and each user reading what is
// addressed to them, their role or their whole organisation.

#include "fixture.hpp"

#include "homeward/db/notifications.hpp"
#include "homeward/db/organisations.hpp"

#include <gmock/gmock.h>

#include <algorithm>

namespace homeward::testing {
namespace {

using workflow::role;

class notifications_repository : public one_episode_test {
protected:
    // A notification to the organisation (its role, or one of its users), with a fresh key.
    db::notification note(const test_org& to, std::optional<role> recipient_role = std::nullopt,
                          std::optional<std::string> recipient_user = std::nullopt) const {
        return {to.id,
                recipient_role,
                std::move(recipient_user),
                "child_returned",
                episode_,
                child_,
                "Child returned",
                R"({"found_location": "Park"})",
                "test:" + random_hex(16)};
    }

    static void raise(const db::notification& n) {
        committed([&](db::unit_of_work& uow) { db::notifications::raise(uow, n); });
    }

    long long raised(const db::notification& n) {
        return count_where("notifications", "dedupe_key = " + literal(n.dedupe_key));
    }

    long long queued_for(const test_org& organisation) {
        return count_where("outbox", "organisation_id = " + literal(organisation.id));
    }

    // The ids of the notifications the user reads.
    std::vector<std::string> inbox(const services::actor& who) {
        db::unit_of_work uow{shared_pool()};
        std::vector<std::string> titles;
        for (const auto& item :
             db::notifications::for_user(uow, scope_of(who), 100, std::nullopt, std::nullopt)) {
            titles.push_back(item.id);
        }
        return titles;
    }

    std::string id_of(const db::notification& n) {
        return text("select id::text from notifications where dedupe_key = " +
                    literal(n.dedupe_key));
    }
};

TEST_F(notifications_repository, a_notification_is_raised_once_per_dedupe_key) {
    const auto first = note(w_.authority);
    raise(first);
    raise(first);
    auto same_key = note(w_.host);
    same_key.dedupe_key = first.dedupe_key;
    raise(same_key);
    EXPECT_EQ(raised(first), 1);
    EXPECT_EQ(text("select organisation_id::text from notifications where dedupe_key = " +
                   literal(first.dedupe_key)),
              w_.authority.id);
}

TEST_F(notifications_repository, a_webhook_message_is_queued_only_once_and_only_with_a_webhook) {
    // The world's authority takes webhooks; the other authority has none.
    const auto queued = queued_for(w_.authority);
    const auto with_webhook = note(w_.authority);
    raise(with_webhook);
    EXPECT_EQ(queued_for(w_.authority), queued + 1);
    EXPECT_EQ(text("select topic || ' ' || status || ' ' || (payload->>'notification_id') from "
                   "outbox where organisation_id = " +
                   literal(w_.authority.id) + " order by id desc limit 1"),
              "notification.child_returned pending " + id_of(with_webhook));
    raise(with_webhook);
    EXPECT_EQ(queued_for(w_.authority), queued + 1) << "a repeat raises nothing, queues nothing";

    const auto without = note(w_.other_authority);
    raise(without);
    EXPECT_EQ(raised(without), 1);
    EXPECT_EQ(queued_for(w_.other_authority), 0);
}

// Each recipient who gave an address and left alerts on gets the notification by email too,
// queued in the statement that raises it: once, and never an admin (who sees no case content).
TEST_F(notifications_repository, an_email_is_queued_once_for_each_recipient_who_asked_for_them) {
    const auto user = [&](role r, std::optional<std::string> email, bool alerts = true) {
        return committed([&](db::unit_of_work& uow) {
            const auto id =
                db::users::insert(uow, "user_" + random_hex(8) + "@test", test_password_hash(), r,
                                  w_.authority.id, std::nullopt, email);
            db::users::set_email_alerts(uow, id, email, alerts);
            return id;
        });
    };
    const auto manager = user(role::manager, "manager@example.org");
    const auto quiet_manager = user(role::manager, "quiet@example.org", false);
    const auto no_address = user(role::manager, std::nullopt);
    const auto worker = user(role::social_worker, "worker@example.org");
    const auto admin = user(role::admin, "admin@example.org");
    const auto emailed = [&](const db::notification& n) {
        std::vector<std::string> users;
        const auto list = text("select string_agg(m.user_id::text, ',' order by m.user_id) from "
                               "email_outbox m join notifications n on n.id = m.notification_id "
                               "where n.dedupe_key = " +
                               literal(n.dedupe_key));
        std::size_t start = 0;
        while (start < list.size()) {
            const auto comma = list.find(',', start);
            users.push_back(list.substr(start, comma - start));
            start = comma == std::string::npos ? list.size() : comma + 1;
        }
        return users;
    };
    using ::testing::UnorderedElementsAre;

    const auto to_managers = note(w_.authority, role::manager);
    raise(to_managers);
    raise(to_managers);
    EXPECT_THAT(emailed(to_managers), UnorderedElementsAre(manager));
    const auto to_all = note(w_.authority);
    raise(to_all);
    EXPECT_THAT(emailed(to_all), UnorderedElementsAre(manager, worker));
    const auto to_worker = note(w_.authority, std::nullopt, worker);
    raise(to_worker);
    EXPECT_THAT(emailed(to_worker), UnorderedElementsAre(worker));
    EXPECT_EQ(count_where("email_outbox", "user_id in (" + literal(quiet_manager) + ", " +
                                              literal(no_address) + ", " + literal(admin) + ")"),
              0);
}

TEST_F(notifications_repository, each_user_reads_what_is_addressed_to_them_their_role_or_all) {
    const auto to_all = note(w_.authority);
    const auto to_managers = note(w_.authority, role::manager);
    const auto to_worker = note(w_.authority, std::nullopt, w_.social_worker.user_id);
    const auto elsewhere = note(w_.other_authority);
    for (const auto& n : {to_all, to_managers, to_worker, elsewhere}) {
        raise(n);
    }
    using ::testing::Contains;
    using ::testing::Not;
    const auto manager = inbox(w_.manager);
    EXPECT_THAT(manager, Contains(id_of(to_all)));
    EXPECT_THAT(manager, Contains(id_of(to_managers)));
    EXPECT_THAT(manager, Not(Contains(id_of(to_worker))));
    const auto worker = inbox(w_.social_worker);
    EXPECT_THAT(worker, Contains(id_of(to_all)));
    EXPECT_THAT(worker, Contains(id_of(to_worker)));
    EXPECT_THAT(worker, Not(Contains(id_of(to_managers))));
    const auto colleague = inbox(w_.second_social_worker);
    EXPECT_THAT(colleague, Contains(id_of(to_all)));
    EXPECT_THAT(colleague, Not(Contains(id_of(to_worker))));
    const auto outsider = inbox(w_.other_manager);
    EXPECT_THAT(outsider, Contains(id_of(elsewhere)));
    EXPECT_THAT(outsider, Not(Contains(id_of(to_all))));
}

TEST_F(notifications_repository, only_a_user_who_may_read_a_notification_marks_it_read) {
    const auto to_managers = note(w_.authority, role::manager);
    raise(to_managers);
    const auto id = id_of(to_managers);
    const auto mark = [&](const services::actor& who, const std::string& which) {
        return committed([&](db::unit_of_work& uow) {
            return db::notifications::mark_read(uow, scope_of(who), which);
        });
    };
    EXPECT_FALSE(mark(w_.social_worker, id)) << "not addressed to social workers";
    EXPECT_FALSE(mark(w_.other_manager, id)) << "another organisation's";
    EXPECT_FALSE(mark(w_.manager, "not-a-notification"));
    EXPECT_TRUE(mark(w_.manager, id));
    EXPECT_TRUE(mark(w_.manager, id)) << "marking again is harmless";
    db::unit_of_work uow{shared_pool()};
    for (const auto& item :
         db::notifications::for_user(uow, scope_of(w_.manager), 100, std::nullopt, std::nullopt)) {
        if (item.id == id) {
            EXPECT_TRUE(item.read);
            EXPECT_EQ(item.kind, "child_returned");
            EXPECT_EQ(item.episode_id, episode_);
            EXPECT_EQ(item.body_json, R"({"found_location": "Park"})");
        }
    }
    const auto second_manager = make_user(role::manager, w_.authority);
    for (const auto& item : db::notifications::for_user(uow, scope_of(second_manager), 100,
                                                        std::nullopt, std::nullopt)) {
        if (item.id == id) {
            EXPECT_FALSE(item.read) << "read by one manager is not read by another";
        }
    }
}

} // namespace
} // namespace homeward::testing
