// Sessions kept by serve for a few seconds (services::session_cache), over HTTPS: a session
// checked lately is not read again, and a kept session never outlives a change to it: signing out,
// an admin's deactivation (both in this process: at once), a change committed by another process
// (as soon as the notification arrives), its idle limit, and any time the process cannot hear
// other processes' changes (nothing kept is used).

#include "https_fixture.hpp"

#include "homeward/db/identity.hpp"
#include "homeward/services/sessions.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class session_cache_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        watch = std::make_unique<db::identity::watch>(app_database_url());
        const auto until = std::chrono::steady_clock::now() + 20s;
        while (!watch->listening() && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(5ms);
        }
        ASSERT_TRUE(watch->listening());
        keep_sessions([this] { return watch->listening(); });
        authority = make_org(workflow::organisation_kind::local_authority);
        worker = make_user(workflow::role::social_worker, authority);
        admin = make_user(workflow::role::admin, authority);
    }

    void TearDown() override {
        https_test::TearDown();
        env_->sessions = nullptr;
    }

    void keep_sessions(std::function<bool()> listening) {
        cache = std::make_unique<services::session_cache>(std::move(listening));
        env_->sessions = cache.get();
    }

    unsigned me(const test_user& who) { return get(who, "/api/v1/me").status; }

    std::unique_ptr<db::identity::watch> watch;
    std::unique_ptr<services::session_cache> cache;
    test_org authority;
    test_user worker;
    test_user admin;
};

TEST_F(session_cache_over_https, a_session_checked_lately_is_not_read_again) {
    ASSERT_EQ(me(worker), 200U);
    const auto first = cache->counted();
    EXPECT_EQ(me(worker), 200U);
    EXPECT_EQ(me(worker), 200U);
    const auto then = cache->counted();
    EXPECT_EQ(then.kept, first.kept) << "the session was read from the database again";
    EXPECT_EQ(then.used, first.used + 2);
    // Once the few seconds have passed it is read again (and the idle clock moved).
    advance(6s);
    EXPECT_EQ(me(worker), 200U);
    EXPECT_EQ(cache->counted().kept, then.kept + 1);
}

TEST_F(session_cache_over_https, signing_out_ends_a_kept_session_at_once) {
    ASSERT_EQ(me(worker), 200U);
    ASSERT_EQ(me(worker), 200U);
    request_options as_worker;
    as_worker.token = worker.token;
    ASSERT_EQ(https_call(port_, "DELETE", "/api/v1/session", "", as_worker).status, 204U);
    const auto after = get(worker, "/api/v1/me");
    EXPECT_EQ(after.status, 401U);
    EXPECT_EQ(after.json().at("reason").as_string(), "signed_out");
}

TEST_F(session_cache_over_https, an_admins_changes_to_an_account_reach_its_kept_session_at_once) {
    ASSERT_EQ(me(worker), 200U);
    ASSERT_EQ(me(worker), 200U);
    request_options as_admin;
    as_admin.token = admin.token;
    const auto path = "/api/v1/users/" + worker.id;
    ASSERT_EQ(https_call(port_, "PATCH", path, json::serialize(json::object{{"role", "manager"}}),
                         as_admin)
                  .status,
              200U);
    const auto changed = get(worker, "/api/v1/me");
    ASSERT_EQ(changed.status, 200U);
    EXPECT_EQ(changed.json().at("role").as_string(), "manager") << "the kept role was used";

    ASSERT_EQ(
        https_call(port_, "PATCH", path, json::serialize(json::object{{"active", false}}), as_admin)
            .status,
        200U);
    EXPECT_EQ(me(worker), 401U);
}

TEST_F(session_cache_over_https, a_change_another_process_commits_ends_a_kept_session_in_moments) {
    ASSERT_EQ(me(worker), 200U);
    ASSERT_EQ(me(worker), 200U);
    // The database's own connection, as another serve or the command line would write.
    execute("update sessions set revoked_at = now() where user_id = " + literal(worker.id));
    const auto started = std::chrono::steady_clock::now();
    unsigned status = 200U;
    // A safety net, not a performance limit: the notification comes within milliseconds.
    while (status == 200U && std::chrono::steady_clock::now() - started < 20s) {
        status = me(worker);
    }
    EXPECT_EQ(status, 401U);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(me(worker), 401U) << "a kept session came back";
    }
}

TEST_F(session_cache_over_https, nothing_kept_is_used_while_other_processes_cannot_be_heard) {
    keep_sessions([] { return false; });
    ASSERT_EQ(me(worker), 200U);
    ASSERT_EQ(me(worker), 200U);
    EXPECT_EQ(cache->counted().used, 0U);
    execute("update sessions set revoked_at = now() where user_id = " + literal(worker.id));
    EXPECT_EQ(me(worker), 401U) << "without a watch, the next request must see the change";
}

TEST_F(session_cache_over_https, a_kept_session_ends_at_its_idle_limit_as_any_other) {
    ASSERT_EQ(me(worker), 200U);
    ASSERT_EQ(me(worker), 200U);
    advance(test_rules().idle + 1s);
    const auto idle = get(worker, "/api/v1/me");
    EXPECT_EQ(idle.status, 401U);
    EXPECT_EQ(idle.json().at("reason").as_string(), "idle");
}

} // namespace
} // namespace homeward::testing
