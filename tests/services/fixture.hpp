#pragma once
// Integration tests of the use cases against the real PostgreSQL that ops/test starts
// (HOMEWARD_TEST_DATABASE_URL), with an injected clock that tests move instead of sleeping.
//
// Tests share one database: every organisation gets a random code and every user a random name,
// so no test depends on what another left behind. Row counts are read over a connection of the
// fixture's own, never through the pool the use cases use.

#include "homeward/db/pool.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/workflow/types.hpp"

#include <boost/json/object.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::services_testing {

struct test_org {
    std::string id;
    std::string code;
};

// The organisations and people most tests need: a force, the child's responsible authority and a
// host authority (a child placed across a boundary), and a second authority and force that must
// see nothing of it.
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
    services::actor other_police;
    services::actor other_social_worker;
    services::actor other_manager;
};

// What a refused call must leave exactly as it was: the episode's row and the row counts of every
// table a use case writes (the audit trail may grow: failed attempts are audited).
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
    bool operator==(const case_state&) const = default;
};
void PrintTo(const case_state& value, std::ostream* out);

// The failure a call throws. Records a test failure (and returns a placeholder) when it throws
// none; any other exception propagates and fails the test.
services::failure failure_of(const std::function<void()>& call);
// The fields a failure names, in order.
std::vector<std::string> fields_of(const services::failure& refused);
std::string_view to_string(services::failure_kind kind);
// "T" and ten random capitals or digits: an organisation code no other test uses.
std::string unique_code();

// A JSON object from its text.
boost::json::object body(std::string_view json_text);
// The episode's allowed events, as plain strings.
std::vector<std::string> allowed_events_of(const boost::json::object& episode);

class services_test : public ::testing::Test {
protected:
    services_test();
    void SetUp() override;

    static std::string database_url();

    // ---- the injected clock
    void advance(std::chrono::seconds by) { now_ += by; }
    // RFC 3339 of the injected clock plus an offset.
    std::string at(std::chrono::seconds offset = std::chrono::seconds{0}) const;

    // ---- organisations and people
    test_org make_org(std::string_view kind);
    services::actor make_user(workflow::role role, const std::string& organisation_id);
    world make_world();

    // ---- children and episodes
    // A valid child of the world's responsible authority, hosted by its host authority.
    boost::json::object child_body(const world& w, std::string_view family_name = "Testchild");
    std::string make_child(const world& w, std::string_view family_name = "Testchild");
    boost::json::object report_body(const std::string& child_id) const;
    std::string report(const world& w, const std::string& child_id);
    // A new child of the world reported missing, then moved to the state by its usual events
    // (interviewed: an interview with CSE risk `cse_risk`; follow_up: one action owned by the
    // social worker; closed: interviewed and closed). Moves the clock forward as it goes.
    std::string episode_in(const world& w, workflow::episode_state state,
                           std::string_view cse_risk = "none");

    // ---- event bodies, timed by the injected clock
    boost::json::object regrade_body(std::string_view level = "high") const;
    boost::json::object return_body() const;
    boost::json::object safe_and_well_body() const;
    static boost::json::object assign_body(const std::string& worker_id);
    boost::json::object offer_body() const;
    boost::json::object interview_body(std::string_view cse_risk = "none") const;
    boost::json::object decline_body() const;
    boost::json::object action_body(const std::string& owner_id) const;
    static boost::json::object complete_body();
    static boost::json::object sign_off_body();
    static boost::json::object close_body();
    static boost::json::object cancel_body();
    static boost::json::object reopen_body();
    static services::event_call call(const std::string& episode_id, boost::json::object body,
                                     std::optional<int> expected_version = std::nullopt);

    // ---- reading the database directly, on the fixture's own connection
    long long count(std::string_view table);
    long long count_where(std::string_view table, std::string_view condition);
    long long scalar(std::string_view sql);
    std::string text(std::string_view sql);
    void execute(std::string_view sql);
    static std::string quoted(std::string_view value); // a SQL string literal
    int version_of(const std::string& episode_id);
    std::string state_of(const std::string& episode_id);
    long long history_of(const std::string& episode_id);
    case_state snapshot(const std::string& episode_id);

    workflow::time_point now_;
    services::environment env_;
};

} // namespace homeward::services_testing
