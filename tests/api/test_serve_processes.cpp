// Several `homeward serve` processes on one database, each taking part of the load: they chain
// the audit trail as one, and a session signed out at one is refused by the others.

#include "serve_process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;

// Issue 14: two serve processes on one database, each with its own sequencer and read batcher,
// under reads at both at once: every entry is chained exactly once, within the bound of the
// unchained window, in one line with no fork and no gap.
TEST_F(serve_process, two_serve_processes_on_one_database_chain_the_trail_as_one_without_a_fork) {
    const auto force = make_org(workflow::organisation_kind::police);
    const auto authority = make_org(workflow::organisation_kind::local_authority);
    const auto police = make_user(workflow::role::police, force);
    const auto worker = make_user(workflow::role::social_worker, authority);
    const auto episode =
        std::string{report(police, make_child(worker, authority)).at("id").as_string()};
    const auto dir = std::filesystem::path{cert_dir()} / ("two-" + unique_code());
    const auto running = start_serves(dir, 2, {"HOMEWARD_AUDIT_SEQUENCE_MS=10"});
    ASSERT_FALSE(HasFailure());
    const auto& ports = running.ports;
    request_options as_worker;
    as_worker.token = worker.token;
    std::atomic<int> answered{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&, t] {
            for (int i = 0; i < 15; ++i) {
                const auto port = ports[static_cast<std::size_t>((t + i) % 2)];
                try {
                    if (https_call(port, "GET", "/api/v1/episodes/" + episode, "", as_worker)
                            .status == 200) {
                        ++answered;
                    }
                } catch (const std::exception&) {
                    // counted as not answered
                }
            }
        });
    }
    for (auto& reader : readers) {
        reader.join();
    }
    EXPECT_EQ(answered.load(), 60);
    const auto reads = "entity_id = " + literal(episode) +
                       " and action = 'episode.read' and "
                       "actor_id = " +
                       literal(worker.id) + "::uuid";
    EXPECT_EQ(count_where("audit_events", reads), 60);
    // The sequencers run every 10 ms: every read is chained well within a second.
    EXPECT_TRUE(within(5s, [&] {
        return scalar("select count(*) from audit_unchained u join audit_events e on e.id = "
                      "u.event_id where e." +
                      reads) == 0;
    }));
    EXPECT_LE(scalar("select coalesce(max(extract(epoch from c.chained_at - e.at) * 1000), 0)::"
                     "bigint from audit_events e join audit_chain c on c.event_id = e.id where e." +
                     reads),
              1000);
    stop_serves(running);
    for (const auto& log : running.logs) {
        EXPECT_THAT(read_file(log),
                    ::testing::Not(::testing::HasSubstr("audit_sequencing_failed")));
    }
    EXPECT_EQ(scalar("select count(*) from audit_events e join audit_chain c on c.event_id = e.id "
                     "where e." +
                     reads),
              60);
    EXPECT_EQ(count("audit_chain"), scalar("select max(seq) from audit_chain"));
    EXPECT_EQ(scalar("select count(*) - count(distinct prev_hash) from audit_chain"), 0);
    EXPECT_EQ(scalar("select count(*) from audit_chain c join audit_chain p on p.seq = c.seq - 1 "
                     "where c.prev_hash <> p.hash"),
              0);
    const auto verified = run_homeward({"audit", "verify"}, app_database_url());
    EXPECT_EQ(verified.code, 0) << verified.output;
    std::filesystem::remove_all(dir);
}

// Each serve keeps a session it has checked for a few seconds; a sign-out at one serve reaches
// the other through PostgreSQL's NOTIFY (migration 0022), so the token is refused there too.
TEST_F(serve_process, a_session_signed_out_at_one_serve_is_refused_by_the_other_in_moments) {
    const auto authority = make_org(workflow::organisation_kind::local_authority);
    const auto worker = make_user(workflow::role::social_worker, authority);
    const auto dir = std::filesystem::path{cert_dir()} / ("out-" + unique_code());
    const auto running = start_serves(dir, 2);
    ASSERT_FALSE(HasFailure());
    const auto& ports = running.ports;
    request_options as_worker;
    as_worker.token = worker.token;
    const auto me = [&](std::size_t at) {
        return https_call(ports[at], "GET", "/api/v1/me", "", as_worker).status;
    };
    ASSERT_EQ(me(1), 200U);
    ASSERT_EQ(me(1), 200U); // kept by the second serve
    ASSERT_EQ(https_call(ports[0], "DELETE", "/api/v1/session", "", as_worker).status, 204U);
    EXPECT_EQ(me(0), 401U);
    // The notification comes within milliseconds; a kept session would be used for up to 5 s, so
    // 2 s tells the two apart with room to spare.
    EXPECT_TRUE(within(2s, [&] { return me(1) == 401U; }));
    EXPECT_EQ(me(1), 401U);
    stop_serves(running);
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace homeward::testing
