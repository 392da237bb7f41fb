#include "world.hpp"

#include "homeward/db/migrations.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/workflow/policy.hpp"
#include "homeward/workflow/time_text.hpp"

#include <pqxx/pqxx>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>

namespace homeward::testing {
namespace {

// Set up once per process: the schema, one pool, the catalogue, a connection for reading rows.
struct shared_state {
    shared_state() {
        const char* value = std::getenv("HOMEWARD_TEST_DATABASE_URL");
        if (value == nullptr || *value == '\0') {
            problem = "HOMEWARD_TEST_DATABASE_URL is not set: run the tests through ops/test";
            url = "postgresql://invalid.invalid/none";
        } else {
            url = value;
        }
        try {
            std::ifstream file{HOMEWARD_SOURCE_DATA_DIR "/cse_indicators.json"};
            std::stringstream content;
            content << file.rdbuf();
            catalogue = workflow::indicator_catalogue::parse(content.str());
        } catch (const std::exception& error) {
            problem += std::string{" the indicator catalogue cannot be loaded: "} + error.what();
        }
        pool = std::make_unique<db::connection_pool>(url, 8, std::chrono::seconds{60});
        if (problem.empty()) {
            try {
                db::migrate(url);
                sql = std::make_unique<pqxx::connection>(url);
            } catch (const std::exception& error) {
                problem = std::string{"the test database cannot be migrated: "} + error.what();
            }
        }
    }

    std::string url;
    std::string problem;
    workflow::indicator_catalogue catalogue;
    std::unique_ptr<db::connection_pool> pool;
    std::mutex sql_mutex;
    std::unique_ptr<pqxx::connection> sql;
};

shared_state& shared() {
    static shared_state state;
    return state;
}

// Runs one statement on the world's own connection (one thread at a time).
template <typename Body>
auto on_own_connection(Body&& body) {
    auto& state = shared();
    if (!state.sql) {
        throw std::runtime_error("no test database: " + state.problem);
    }
    std::lock_guard lock{state.sql_mutex};
    pqxx::nontransaction tx{*state.sql};
    return body(tx);
}

} // namespace

// ---- what one test process shares -----------------------------------------------------------

const std::string& database_problem() { return shared().problem; }

void require_database() {
    if (!database_problem().empty()) {
        GTEST_FAIL() << database_problem();
    }
}

db::connection_pool& shared_pool() { return *shared().pool; }

const workflow::indicator_catalogue& shared_catalogue() { return shared().catalogue; }

// ---- the injected clock ---------------------------------------------------------------------

test_clock::test_clock() : seconds_{services::system_now().time_since_epoch().count()} {}

workflow::time_point test_clock::now() const {
    return workflow::time_point{std::chrono::seconds{seconds_.load()}};
}

void test_clock::set(workflow::time_point at) { seconds_ = at.time_since_epoch().count(); }

void test_clock::advance(std::chrono::seconds by) { seconds_ += by.count(); }

std::string test_clock::at(std::chrono::seconds offset) const {
    return workflow::format_rfc3339(now() + offset);
}

std::function<workflow::time_point()> test_clock::source() const {
    return [this] { return now(); };
}

services::environment make_environment(const test_clock& clock) {
    return services::environment{
        shared_pool(), workflow::england_policy(), shared_catalogue(), clock.source(), {}};
}

// ---- names ----------------------------------------------------------------------------------

std::string random_hex(std::size_t length) {
    static std::mutex mutex;
    static std::mt19937_64 random{std::random_device{}()};
    static constexpr char digits[] = "0123456789ABCDEF";
    std::lock_guard lock{mutex};
    std::string hex;
    for (std::size_t i = 0; i < length; ++i) {
        hex += digits[random() % 16];
    }
    return hex;
}

std::string unique_code() { return "T" + random_hex(10); }

// ---- organisations and people ---------------------------------------------------------------

std::string_view test_password() { return "correct horse battery staple"; }

const std::string& test_password_hash() {
    // Argon2id is slow (more so under ASan): one hash per process, shared by every test user.
    static const std::string hash = services::hash_password(test_password());
    return hash;
}

test_org make_org(workflow::organisation_kind kind) {
    const std::string code = unique_code();
    db::unit_of_work uow{shared_pool()};
    const std::string id = db::organisations::insert(uow, code, "Test organisation " + code, kind);
    uow.commit();
    return {id, code};
}

services::actor make_user(workflow::role role, const test_org& organisation) {
    const std::string username =
        std::string{workflow::to_string(role)} + "_" + random_hex(10) + "@test";
    db::unit_of_work uow{shared_pool()};
    const std::string id =
        db::users::insert(uow, username, test_password_hash(), role, organisation.id);
    uow.commit();
    services::actor who;
    who.user_id = id;
    who.username = username;
    who.role = role;
    who.organisation_id = organisation.id;
    who.organisation_code = organisation.code;
    who.request_id = "test-" + random_hex(12);
    return who;
}

world make_world() {
    using workflow::organisation_kind;
    using workflow::role;
    world w;
    w.force = make_org(organisation_kind::police);
    w.authority = make_org(organisation_kind::local_authority);
    w.host = make_org(organisation_kind::local_authority);
    w.other_authority = make_org(organisation_kind::local_authority);
    w.other_force = make_org(organisation_kind::police);
    execute("update organisations set webhook_url = 'https://hooks.invalid/homeward', "
            "webhook_secret = 'test-secret' where id in (" +
            literal(w.authority.id) + ", " + literal(w.host.id) + ")");
    w.police = make_user(role::police, w.force);
    w.social_worker = make_user(role::social_worker, w.authority);
    w.second_social_worker = make_user(role::social_worker, w.authority);
    w.manager = make_user(role::manager, w.authority);
    w.cse_champion = make_user(role::cse_champion, w.authority);
    w.admin = make_user(role::admin, w.authority);
    w.host_social_worker = make_user(role::social_worker, w.host);
    w.host_manager = make_user(role::manager, w.host);
    w.other_police = make_user(role::police, w.other_force);
    w.other_social_worker = make_user(role::social_worker, w.other_authority);
    w.other_manager = make_user(role::manager, w.other_authority);
    w.other_cse_champion = make_user(role::cse_champion, w.other_authority);
    return w;
}

// ---- rows -----------------------------------------------------------------------------------

long long scalar(std::string_view sql) {
    return on_own_connection([&](pqxx::nontransaction& tx) {
        const auto field = tx.exec1(std::string{sql})[0];
        return field.is_null() ? 0LL : field.as<long long>();
    });
}

std::string text(std::string_view sql) {
    return on_own_connection([&](pqxx::nontransaction& tx) {
        const auto field = tx.exec1(std::string{sql})[0];
        return field.is_null() ? std::string{} : field.as<std::string>();
    });
}

void execute(std::string_view sql) {
    on_own_connection([&](pqxx::nontransaction& tx) { tx.exec(std::string{sql}); });
}

std::string literal(std::string_view value) {
    std::string literal = "'";
    for (const char c : value) {
        literal += c;
        if (c == '\'') {
            literal += '\'';
        }
    }
    return literal + "'";
}

long long count(std::string_view table) {
    return scalar("select count(*) from " + std::string{table});
}

long long count_where(std::string_view table, std::string_view condition) {
    return scalar("select count(*) from " + std::string{table} + " where " +
                  std::string{condition});
}

int version_of(const std::string& episode_id) {
    return static_cast<int>(
        scalar("select version from episodes where id::text = " + literal(episode_id)));
}

std::string state_of(const std::string& episode_id) {
    return text("select state from episodes where id::text = " + literal(episode_id));
}

long long history_of(const std::string& episode_id) {
    return count_where("episode_history", "episode_id::text = " + literal(episode_id));
}

void PrintTo(const case_state& value, std::ostream* out) {
    *out << "{version " << value.version << ", state " << value.state << ", episode row "
         << value.episode_digest << ", clocks " << value.clocks_digest << ", episodes "
         << value.episodes << ", episode_history " << value.episode_history << ", interviews "
         << value.interviews << ", observed_indicators " << value.observed_indicators
         << ", actions " << value.actions << ", clocks " << value.clocks << ", notifications "
         << value.notifications << ", outbox " << value.outbox << ", idempotency_keys "
         << value.idempotency_keys << ", children " << value.children << ", sessions "
         << value.sessions << "}";
}

case_state snapshot(const std::string& episode_id) {
    const std::string id = literal(episode_id);
    case_state state;
    state.version = version_of(episode_id);
    state.state = state_of(episode_id);
    state.episode_digest = text("select md5(e::text) from episodes e where e.id::text = " + id);
    state.clocks_digest =
        text("select md5(coalesce(string_agg(c::text, ',' order by c.id), '')) from clocks c "
             "where c.episode_id::text = " +
             id);
    state.episodes = count("episodes");
    state.episode_history = count("episode_history");
    state.interviews = count("interviews");
    state.observed_indicators = count("observed_indicators");
    state.actions = count("actions");
    state.clocks = count("clocks");
    state.notifications = count("notifications");
    state.outbox = count("outbox");
    state.idempotency_keys = count("idempotency_keys");
    state.children = count("children");
    state.sessions = count("sessions");
    return state;
}

// ---- failures -------------------------------------------------------------------------------

services::failure failure_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const services::failure& refused) {
        return refused;
    }
    ADD_FAILURE() << "the call succeeded, but a services::failure was expected";
    return services::failure{services::failure_kind::unavailable, "no failure was thrown"};
}

std::vector<std::string> fields_of(const services::failure& refused) {
    std::vector<std::string> fields;
    for (const auto& error : refused.fields()) {
        fields.push_back(error.field);
    }
    return fields;
}

std::string_view to_string(services::failure_kind kind) {
    using services::failure_kind;
    switch (kind) {
    case failure_kind::invalid_input:
        return "invalid_input";
    case failure_kind::invalid_query:
        return "invalid_query";
    case failure_kind::unauthenticated:
        return "unauthenticated";
    case failure_kind::forbidden:
        return "forbidden";
    case failure_kind::not_found:
        return "not_found";
    case failure_kind::state_conflict:
        return "state_conflict";
    case failure_kind::stale_version:
        return "stale_version";
    case failure_kind::idempotency_conflict:
        return "idempotency_conflict";
    case failure_kind::unsupported_media:
        return "unsupported_media";
    case failure_kind::too_many_requests:
        return "too_many_requests";
    case failure_kind::unavailable:
        return "unavailable";
    }
    return "unknown";
}

} // namespace homeward::testing

namespace homeward::services {

// Found by GoogleTest through the enum's namespace: failures print by name.
void PrintTo(failure_kind kind, std::ostream* out) { *out << testing::to_string(kind); }

} // namespace homeward::services

namespace homeward::workflow {

void PrintTo(episode_state value, std::ostream* out) { *out << to_string(value); }
void PrintTo(episode_event value, std::ostream* out) { *out << to_string(value); }
void PrintTo(role value, std::ostream* out) { *out << to_string(value); }
void PrintTo(risk_level value, std::ostream* out) { *out << to_string(value); }
void PrintTo(cse_risk value, std::ostream* out) { *out << to_string(value); }
void PrintTo(interview_outcome value, std::ostream* out) { *out << to_string(value); }
void PrintTo(action_status value, std::ostream* out) { *out << to_string(value); }
void PrintTo(clock_status value, std::ostream* out) { *out << to_string(value); }

} // namespace homeward::workflow
