// The figures and the exports read from a real PostgreSQL streaming replica (ops/test makes one
// with pg_basebackup -R from the test cluster): with the replica current they answer from it
// (Homeward-Read-From: replica) with the primary's figures; with the replica unreachable or
// further behind than the most lag allowed they answer from the primary; the read is audited on
// the primary either way; and the JSON lists stay on the primary.

#include "https_fixture.hpp"

#include "homeward/db/replica.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <pqxx/pqxx>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string replica_url(const char* name) {
    const char* url = std::getenv(name);
    if (url == nullptr || *url == '\0') {
        ADD_FAILURE() << name << " is not set: run the tests through ops/test";
        return "postgresql://invalid.invalid/none";
    }
    return url;
}

class replica_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        clock_.set(*workflow::parse_rfc3339("2026-06-10T09:00:00Z"));
        force = make_org(workflow::organisation_kind::police);
        authority = make_org(workflow::organisation_kind::local_authority);
        police = make_user(workflow::role::police, force);
        manager = make_user(workflow::role::manager, authority);
        child_id = make_child(police, authority);
        report(police, child_id);
        // Checked on every request (no cached verdict), so that each step sees the replica as
        // it is at that moment.
        use_replica(replica_url("HOMEWARD_TEST_APP_REPLICA_URL"), 30s);
    }

    void TearDown() override {
        https_test::TearDown();
        env_->replica = nullptr;
        if (paused_) {
            superuser_on_replica().exec("select pg_wal_replay_resume()");
        }
    }

    void use_replica(const std::string& url, std::chrono::seconds max_lag) {
        env_->replica = nullptr;
        replica_ = std::make_unique<db::replica>(url, 2, max_lag, 30s, 0ms);
        env_->replica = replica_.get();
    }

    static pqxx::nontransaction superuser_on_replica() {
        static pqxx::connection connection{replica_url("HOMEWARD_TEST_REPLICA_URL")};
        return pqxx::nontransaction{connection};
    }

public:
    static bool on_replica(const std::string& condition) {
        return superuser_on_replica().exec1("select (" + condition + ")::bool")[0].as<bool>();
    }

protected:
    // Waits until the replica has what the primary has written so far: `replayed` (the rows can
    // be read there) or only received (its replay paused).
    static void wait_for_replica(bool replayed) {
        const auto lsn = text("select pg_current_wal_lsn()::text");
        const auto function = replayed ? "pg_last_wal_replay_lsn()" : "pg_last_wal_receive_lsn()";
        const auto condition = std::string{function} + " >= '" + lsn + "'::pg_lsn";
        const auto give_up = std::chrono::steady_clock::now() + 30s;
        while (!on_replica(condition)) {
            ASSERT_LT(std::chrono::steady_clock::now(), give_up)
                << "the replica did not reach " << lsn;
            std::this_thread::sleep_for(20ms);
        }
    }

    void pause_replay() {
        superuser_on_replica().exec("select pg_wal_replay_pause()");
        paused_ = true;
    }

    long long stats_reads() const {
        return count_where("audit_log", "action = 'stats.read' and outcome = 'success' and "
                                        "actor_id = " +
                                            literal(manager.id) + "::uuid");
    }

    static constexpr const char* period = "/api/v1/stats?from=2026-06-01&to=2026-06-30";
    static constexpr const char* statutory_return =
        "/api/v1/exports/statutory-return?from=2026-06-01&to=2026-06-30";

    test_org force;
    test_org authority;
    test_user police;
    test_user manager;
    std::string child_id;
    std::unique_ptr<db::replica> replica_;
    bool paused_{false};
};

// The same request answered by the primary alone (no replica configured).
TEST_F(replica_over_https, a_current_replica_answers_the_figures_and_exports_as_the_primary) {
    wait_for_replica(true);
    const auto reads_before = stats_reads();
    const auto figures = get(manager, period);
    const auto returned = get(manager, statutory_return);
    const auto episodes = get(manager, "/api/v1/episodes?format=csv");
    ASSERT_EQ(figures.status, 200U) << figures.body;
    ASSERT_EQ(returned.status, 200U) << returned.body;
    ASSERT_EQ(episodes.status, 200U) << episodes.body;
    EXPECT_EQ(figures.header("homeward-read-from"), "replica");
    EXPECT_EQ(returned.header("homeward-read-from"), "replica");
    EXPECT_EQ(episodes.header("homeward-read-from"), "replica");
    // The read of the figures is audited on the primary (the replica is read-only).
    EXPECT_EQ(stats_reads(), reads_before + 1);
    // The replica had the episode reported above: the figures count it.
    EXPECT_THAT(returned.body, ::testing::HasSubstr(child_id));
    EXPECT_THAT(episodes.body, ::testing::HasSubstr(child_id));

    env_->replica = nullptr;
    const auto primary_figures = get(manager, period);
    const auto primary_return = get(manager, statutory_return);
    const auto primary_episodes = get(manager, "/api/v1/episodes?format=csv");
    EXPECT_EQ(primary_figures.header("homeward-read-from"), "primary");
    EXPECT_EQ(primary_return.header("homeward-read-from"), "primary");
    EXPECT_EQ(primary_episodes.header("homeward-read-from"), "primary");
    EXPECT_EQ(figures.json(), primary_figures.json());
    EXPECT_EQ(returned.body, primary_return.body);
    EXPECT_EQ(episodes.body, primary_episodes.body);
}

TEST_F(replica_over_https, an_unreachable_replica_leaves_the_figures_to_the_primary) {
    env_->replica = nullptr;
    const auto primary_figures = get(manager, period);
    const auto primary_return = get(manager, statutory_return);
    // Nothing listens on port 1: the connection is refused.
    use_replica("postgresql://homeward_app@127.0.0.1:1/homeward_test?connect_timeout=2", 30s);
    const auto reads_before = stats_reads();
    const auto figures = get(manager, period);
    const auto returned = get(manager, statutory_return);
    ASSERT_EQ(figures.status, 200U) << figures.body;
    ASSERT_EQ(returned.status, 200U) << returned.body;
    EXPECT_EQ(figures.header("homeward-read-from"), "primary");
    EXPECT_EQ(returned.header("homeward-read-from"), "primary");
    EXPECT_EQ(figures.json(), primary_figures.json());
    EXPECT_EQ(returned.body, primary_return.body);
    EXPECT_EQ(stats_reads(), reads_before + 1);
}

// The replica's last replayed transaction is older than a second and a half.
void wait_until_replay_is_old() {
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (!replica_over_https::on_replica(
        "now() - pg_last_xact_replay_timestamp() > interval '1.5 seconds'")) {
        ASSERT_LT(std::chrono::steady_clock::now(), give_up);
        std::this_thread::sleep_for(100ms);
    }
}

// A replica of an idle primary is current however old its last replayed transaction: allowed one
// second, it is used two seconds after the last write. Then replay paused and a second episode
// written on the primary: the replica has received it and not applied it, and its last applied
// transaction grows old. Allowed one second, it is not used; allowed an hour, it is, and its
// figures are the earlier ones.
TEST_F(replica_over_https, a_replica_further_behind_than_allowed_is_not_used) {
    wait_for_replica(true);
    const auto before = get(manager, period);
    ASSERT_EQ(before.header("homeward-read-from"), "replica");
    wait_for_replica(true);
    wait_until_replay_is_old();
    use_replica(replica_url("HOMEWARD_TEST_APP_REPLICA_URL"), 1s);
    const auto idle = get(manager, period);
    EXPECT_EQ(idle.header("homeward-read-from"), "replica");
    EXPECT_EQ(idle.json(), before.json());

    pause_replay();
    const auto second_child = make_child(police, authority);
    report(police, second_child);
    wait_for_replica(false);
    wait_until_replay_is_old();
    use_replica(replica_url("HOMEWARD_TEST_APP_REPLICA_URL"), 1s);
    const auto reads_before = stats_reads();
    const auto figures = get(manager, period);
    const auto returned = get(manager, statutory_return);
    EXPECT_EQ(figures.header("homeward-read-from"), "primary");
    EXPECT_EQ(returned.header("homeward-read-from"), "primary");
    EXPECT_EQ(stats_reads(), reads_before + 1);
    EXPECT_NE(figures.json(), before.json()) << "the second episode is counted";
    EXPECT_THAT(returned.body, ::testing::HasSubstr(second_child));

    use_replica(replica_url("HOMEWARD_TEST_APP_REPLICA_URL"), 3600s);
    const auto behind = get(manager, period);
    const auto behind_return = get(manager, statutory_return);
    EXPECT_EQ(behind.header("homeward-read-from"), "replica");
    EXPECT_EQ(behind_return.header("homeward-read-from"), "replica");
    EXPECT_EQ(behind.json(), before.json()) << "up to the lag behind: the second is not yet there";
    EXPECT_THAT(behind_return.body, ::testing::Not(::testing::HasSubstr(second_child)));
}

TEST_F(replica_over_https, the_json_lists_and_writes_stay_on_the_primary) {
    wait_for_replica(true);
    const auto list = get(manager, "/api/v1/episodes");
    ASSERT_EQ(list.status, 200U) << list.body;
    EXPECT_EQ(list.header("homeward-read-from"), "");
    EXPECT_THAT(list.body, ::testing::HasSubstr(child_id));
    // A write goes to the primary whatever the replica: read back at once from the primary.
    const auto second_child = make_child(police, authority);
    EXPECT_EQ(count_where("children", "id = " + literal(second_child) + "::uuid"), 1);
}

} // namespace
} // namespace homeward::testing
