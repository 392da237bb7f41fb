// db::identity: the generation moves when a write of sessions or accounts commits (never when it
// rolls back), and a watch hears the commits of other connections on homeward_identity, except
// the idle clock's, which every active session moves once a minute.

#include "fixture.hpp"
#include "test_database.hpp"

#include "homeward/db/identity.hpp"
#include "homeward/db/sessions.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

class identity_generation : public repository_test {
protected:
    // Waits (a safety net of 20 s, not a performance limit) until the generation is past `from`.
    static bool moved_past(std::uint64_t from) {
        const auto until = std::chrono::steady_clock::now() + 20s;
        while (db::identity::generation() == from) {
            if (std::chrono::steady_clock::now() > until) {
                return false;
            }
            std::this_thread::sleep_for(5ms);
        }
        return true;
    }

    static bool listening_soon(const db::identity::watch& watch) {
        const auto until = std::chrono::steady_clock::now() + 20s;
        while (!watch.listening()) {
            if (std::chrono::steady_clock::now() > until) {
                return false;
            }
            std::this_thread::sleep_for(5ms);
        }
        return true;
    }
};

TEST_F(identity_generation, moves_when_a_session_or_account_write_commits_and_not_before) {
    const auto at =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto before = db::identity::generation();
    {
        db::unit_of_work uow{shared_pool()};
        db::sessions::revoke(uow, "no such token", at);
        EXPECT_EQ(db::identity::generation(), before) << "moved before the commit";
        uow.commit();
    }
    const auto committed = db::identity::generation();
    EXPECT_GT(committed, before);
    {
        db::unit_of_work uow{shared_pool()};
        db::sessions::revoke_all_of(uow, w_.police.user_id, at + 1s);
        // Rolled back: nothing changed, and nothing is dropped.
    }
    EXPECT_EQ(db::identity::generation(), committed);
    {
        db::unit_of_work uow{shared_pool(), db::unit_of_work::isolation::single_statement};
        db::sessions::revoke(uow, "no such token", at);
        EXPECT_GT(db::identity::generation(), committed) << "a single statement commits as it runs";
    }
    const auto read_only = db::identity::generation();
    {
        db::unit_of_work uow{shared_pool()};
        EXPECT_FALSE(db::sessions::find_and_touch(uow, "no such token", at, 30min).has_value());
        uow.commit();
    }
    EXPECT_EQ(db::identity::generation(), read_only) << "a read moved it";
}

TEST_F(identity_generation, a_watch_hears_other_connections_changes_but_not_the_idle_clock) {
    db::identity::watch watch{test_database_url()};
    ASSERT_TRUE(listening_soon(watch));
    // Another connection (as another process would) moves only the idle clock, then ends a
    // session: one notification, for the second.
    const auto before = db::identity::generation();
    execute("update sessions set last_seen_at = last_seen_at where user_id = " +
            literal(w_.police.user_id));
    execute("update sessions set revoked_at = now() where token_hash = 'no such token'");
    ASSERT_TRUE(moved_past(before)) << "the watch heard nothing";
    std::this_thread::sleep_for(200ms); // room for a notification the idle clock must not send
    EXPECT_EQ(db::identity::generation(), before + 1);

    for (const auto& change :
         {"update users set active = active where id = " + literal(w_.police.user_id),
          "delete from two_factor where user_id = " + literal(w_.police.user_id),
          std::string{"update organisations set code = code where false"}}) {
        const auto now = db::identity::generation();
        execute(change);
        EXPECT_TRUE(moved_past(now)) << change;
    }
}

TEST_F(identity_generation, a_watch_that_cannot_reach_the_database_is_not_listening) {
    db::identity::watch deaf{"postgresql://postgres@127.0.0.1:1/none"};
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(deaf.listening());
}

} // namespace
} // namespace homeward::testing
