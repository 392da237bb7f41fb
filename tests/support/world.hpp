#pragma once
// The one test world every database test stands on: the services, the API and the repository tests
// alike. It holds what one test process shares (the migrated schema of the PostgreSQL that ops/test
// starts, one connection pool, the indicator catalogue, and a connection of its own for reading
// rows back), the injected clock, and the organisations and people the tests act as.
//
// Tests share one database: every organisation gets a code no other test uses and every user a
// name no other test uses, so that no test depends on what another left behind. Row counts and
// direct SQL go over the world's own connection, never through the pool the code under test uses.
// No database means the test fails, never that it is skipped (see test_database.hpp).

#include "homeward/db/pool.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/workflow/events.hpp"
#include "homeward/workflow/indicators.hpp"
#include "homeward/workflow/policy.hpp"
#include "homeward/workflow/types.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::testing {

// ---- what one test process shares -----------------------------------------------------------

// Why no database test can run in this process (empty when one can): the URL is not set, the
// database cannot be migrated, or the catalogue cannot be loaded. Fixtures fail on it in SetUp.
const std::string& database_problem();
// Fails the current test (fatally) when the database cannot be used. Call it first in SetUp().
void require_database();
// The pool every use case and repository under test runs on: 8 connections, a generous acquire
// timeout (fifty threads queue for eight connections under ASan).
db::connection_pool& shared_pool();
const workflow::indicator_catalogue& shared_catalogue();

// ---- the injected clock ---------------------------------------------------------------------

// Time as the code under test sees it: moved by the test, never slept for. Read from any thread.
class test_clock {
public:
    test_clock(); // the system time, to the second
    workflow::time_point now() const;
    void set(workflow::time_point at);
    void advance(std::chrono::seconds by);
    // RFC 3339 of now plus an offset.
    std::string at(std::chrono::seconds offset = std::chrono::seconds{0}) const;
    // What an environment asks for the time.
    std::function<workflow::time_point()> source() const;

private:
    std::atomic<std::int64_t> seconds_;
};

// An environment over the shared pool and catalogue, on this clock, under England's policy.
services::environment make_environment(const test_clock& clock);

// ---- names no other test uses ---------------------------------------------------------------

// "T" and ten random capitals or digits: an organisation code no other test uses.
std::string unique_code();
// Random capital hex digits.
std::string random_hex(std::size_t length);

// ---- organisations and people, written through the db repositories ---------------------------

// Every test user has this password; its Argon2id hash is computed once per process.
std::string_view test_password();
const std::string& test_password_hash();

struct test_org {
    std::string id;
    std::string code;
};

test_org make_org(workflow::organisation_kind kind);
// A user of the organisation, as a use case's caller (with a fresh request id).
services::actor make_user(workflow::role role, const test_org& organisation);

// The organisations and people most tests need: a force, the child's responsible authority and a
// host authority (a child placed across a boundary), and a second authority and force that must
// see nothing of it. The responsible and the host authority take webhooks (to a receiver that
// does not exist), so that queued webhook messages can be counted.
struct world {
    test_org force;
    test_org authority; // responsible
    test_org host;
    test_org other_authority;
    test_org other_force;
    services::actor police;
    services::actor social_worker;
    services::actor second_social_worker;
    services::actor manager;
    services::actor cse_champion;
    services::actor admin;
    services::actor host_social_worker;
    services::actor host_manager;
    services::actor other_police;
    services::actor other_social_worker;
    services::actor other_manager;
    services::actor other_cse_champion;
};
world make_world();

// ---- reading and writing rows directly, on the world's own connection -------------------------

long long scalar(std::string_view sql);
std::string text(std::string_view sql); // "" for NULL
void execute(std::string_view sql);
std::string literal(std::string_view value); // a SQL string literal
long long count(std::string_view table);
long long count_where(std::string_view table, std::string_view condition);
int version_of(const std::string& episode_id);
std::string state_of(const std::string& episode_id);
long long history_of(const std::string& episode_id);

// What a refused call must leave exactly as it was: the episode's row and clocks, and the row
// counts of every table a use case writes (the audit trail may grow: refusals are audited).
struct case_state {
    int version{0};
    std::string state;
    std::string episode_digest; // md5 of the whole episode row
    std::string clocks_digest;  // md5 of the episode's clocks
    long long episodes{0};
    long long episode_history{0};
    long long interviews{0};
    long long observed_indicators{0};
    long long actions{0};
    long long clocks{0};
    long long notifications{0};
    long long outbox{0};
    long long idempotency_keys{0};
    long long children{0};
    long long sessions{0};
    bool operator==(const case_state&) const = default;
};
void PrintTo(const case_state& value, std::ostream* out);
case_state snapshot(const std::string& episode_id);

// ---- failures -------------------------------------------------------------------------------

// The failure a call throws. Records a test failure (and returns a placeholder) when it throws
// none; any other exception propagates and fails the test.
services::failure failure_of(const std::function<void()>& call);
// The fields a failure names, in order.
std::vector<std::string> fields_of(const services::failure& refused);
std::string_view to_string(services::failure_kind kind);

// ---- the base of every database fixture ------------------------------------------------------

// Fails in SetUp when there is no database to run against; a subclass's SetUp calls it first and
// returns when HasFatalFailure().
class database_test : public ::testing::Test {
protected:
    void SetUp() override { require_database(); }
};

} // namespace homeward::testing

// Failures and the workflow's enumerations print by name in GoogleTest's messages.
namespace homeward::services {
void PrintTo(failure_kind kind, std::ostream* out);
} // namespace homeward::services

namespace homeward::workflow {
void PrintTo(episode_state value, std::ostream* out);
void PrintTo(episode_event value, std::ostream* out);
void PrintTo(role value, std::ostream* out);
void PrintTo(risk_level value, std::ostream* out);
void PrintTo(cse_risk value, std::ostream* out);
void PrintTo(interview_outcome value, std::ostream* out);
void PrintTo(action_status value, std::ostream* out);
void PrintTo(clock_status value, std::ostream* out);
} // namespace homeward::workflow
