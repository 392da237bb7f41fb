#include "fixture.hpp"

#include "homeward/db/migrations.hpp"
#include "homeward/db/repository.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/children.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/time_text.hpp"
#include "homeward/workflow/indicators.hpp"
#include "homeward/workflow/policy.hpp"

#include <boost/json/parse.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>

namespace homeward::services_testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// Set up once per process: the schema, one pool, the catalogue, a connection for counting.
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
            std::stringstream text;
            text << file.rdbuf();
            catalogue = workflow::indicator_catalogue::parse(text.str());
        } catch (const std::exception& error) {
            problem += std::string{" the indicator catalogue cannot be loaded: "} + error.what();
        }
        // A generous acquire timeout: fifty threads queue for eight connections under ASan.
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
    std::string problem; // why no test can run
    workflow::indicator_catalogue catalogue;
    std::unique_ptr<db::connection_pool> pool;
    std::mutex sql_mutex;
    std::unique_ptr<pqxx::connection> sql;
};

shared_state& shared() {
    static shared_state state;
    return state;
}

// Argon2id is slow (more so under ASan): one hash per process, shared by every test user.
const std::string& password_hash() {
    static const std::string hash = services::hash_password("correct horse battery staple");
    return hash;
}

std::string random_hex(std::size_t length) {
    static std::mutex mutex;
    static std::mt19937_64 random{std::random_device{}()};
    static constexpr char digits[] = "0123456789ABCDEF";
    std::lock_guard lock{mutex};
    std::string text;
    for (std::size_t i = 0; i < length; ++i) {
        text += digits[random() % 16];
    }
    return text;
}

} // namespace

// ---- free helpers
// --------------------------------------------------------------------------------

void PrintTo(const case_state& value, std::ostream* out) {
    *out << "{version " << value.version << ", state " << value.state << ", episode row "
         << value.episode_digest << ", clocks " << value.clocks_digest << ", episodes "
         << value.episodes << ", episode_history " << value.episode_history << ", interviews "
         << value.interviews << ", observed_indicators " << value.observed_indicators
         << ", actions " << value.actions << ", clocks " << value.clocks << ", notifications "
         << value.notifications << ", outbox " << value.outbox << ", idempotency_keys "
         << value.idempotency_keys << "}";
}

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
    case failure_kind::too_many_requests:
        return "too_many_requests";
    case failure_kind::unavailable:
        return "unavailable";
    }
    return "unknown";
}

std::string unique_code() { return "T" + random_hex(10); }

json::object body(std::string_view json_text) { return json::parse(json_text).as_object(); }

std::vector<std::string> allowed_events_of(const json::object& episode) {
    std::vector<std::string> events;
    for (const auto& event : episode.at("allowed_events").as_array()) {
        events.emplace_back(event.as_string());
    }
    return events;
}

// ---- the fixture
// ---------------------------------------------------------------------------------

services_test::services_test()
    : now_{services::system_now()}, env_{*shared().pool,
                                         workflow::england_policy(),
                                         shared().catalogue,
                                         [this] { return now_; },
                                         {}} {}

void services_test::SetUp() {
    if (!shared().problem.empty()) {
        GTEST_FAIL() << shared().problem;
    }
}

std::string services_test::database_url() { return shared().url; }

std::string services_test::at(std::chrono::seconds offset) const {
    return services::format_rfc3339(now_ + offset);
}

test_org services_test::make_org(std::string_view kind) {
    const std::string code = unique_code();
    db::unit_of_work uow{*shared().pool};
    const std::string id = db::insert_organisation(uow, code, "Test organisation " + code, kind);
    uow.commit();
    return {id, code};
}

services::actor services_test::make_user(workflow::role role, const std::string& organisation_id) {
    const std::string username =
        std::string{workflow::to_string(role)} + "_" + random_hex(10) + "@test";
    db::unit_of_work uow{*shared().pool};
    const std::string id =
        db::insert_user(uow, username, password_hash(), workflow::to_string(role), organisation_id);
    uow.commit();
    services::actor who;
    who.user_id = id;
    who.username = username;
    who.role = role;
    who.organisation_id = organisation_id;
    who.request_id = "test-" + random_hex(12);
    return who;
}

world services_test::make_world() {
    using workflow::role;
    world w;
    w.force = make_org("police");
    w.authority = make_org("local_authority");
    w.host = make_org("local_authority");
    w.other_authority = make_org("local_authority");
    w.other_force = make_org("police");
    // Both authorities of the child take webhooks, so that the outbox has something to count.
    execute("update organisations set webhook_url = 'https://hooks.invalid/homeward', "
            "webhook_secret = 'test-secret' where id in (" +
            quoted(w.authority.id) + ", " + quoted(w.host.id) + ")");
    w.police = make_user(role::police, w.force.id);
    w.social_worker = make_user(role::social_worker, w.authority.id);
    w.second_social_worker = make_user(role::social_worker, w.authority.id);
    w.manager = make_user(role::manager, w.authority.id);
    w.cse_champion = make_user(role::cse_champion, w.authority.id);
    w.admin = make_user(role::admin, w.authority.id);
    w.host_social_worker = make_user(role::social_worker, w.host.id);
    w.other_police = make_user(role::police, w.other_force.id);
    w.other_social_worker = make_user(role::social_worker, w.other_authority.id);
    w.other_manager = make_user(role::manager, w.other_authority.id);
    return w;
}

// ---- children and episodes
// -----------------------------------------------------------------------

json::object services_test::child_body(const world& w, std::string_view family_name) {
    return json::object{
        {"given_name", "Alex"},          {"family_name", family_name},
        {"date_of_birth", "2011-05-17"}, {"sex", "female"},
        {"looked_after", true},          {"responsible_authority", w.authority.code},
        {"host_authority", w.host.code}, {"placement_type", "residential"}};
}

std::string services_test::make_child(const world& w, std::string_view family_name) {
    const auto child = services::create_child(env_, w.social_worker, child_body(w, family_name));
    return std::string{child.at("id").as_string()};
}

json::object services_test::report_body(const std::string& child_id) const {
    return json::object{{"child_id", child_id},
                        {"last_seen_at", at(-2h)},
                        {"last_seen_location", "Queen Street bus station"},
                        {"circumstances", "Did not come back from school"},
                        {"risk_level", "medium"},
                        {"police_reference", "WY-" + random_hex(8)},
                        {"missing_or_away", "missing"}};
}

std::string services_test::report(const world& w, const std::string& child_id) {
    const auto episode = services::report_episode(env_, w.police, report_body(child_id), {});
    return std::string{episode.at("id").as_string()};
}

std::string services_test::episode_in(const world& w, workflow::episode_state state,
                                      std::string_view cse_risk) {
    using workflow::episode_state;
    const std::string id = report(w, make_child(w));
    if (state == episode_state::missing) {
        return id;
    }
    if (state == episode_state::cancelled) {
        services::cancel_episode(env_, w.police, call(id, cancel_body()));
        return id;
    }
    advance(1h);
    services::record_return(env_, w.police, call(id, return_body()));
    if (state == episode_state::returned) {
        return id;
    }
    if (state == episode_state::interview_offered) {
        services::offer_interview(env_, w.social_worker, call(id, offer_body()));
        return id;
    }
    advance(1h);
    services::record_interview(env_, w.social_worker, call(id, interview_body(cse_risk)));
    if (state == episode_state::interviewed) {
        return id;
    }
    if (state == episode_state::follow_up) {
        services::raise_action(env_, w.social_worker,
                               call(id, action_body(w.social_worker.user_id)));
        return id;
    }
    if (cse_risk == "medium" || cse_risk == "high") {
        services::sign_off(env_, w.cse_champion, call(id, sign_off_body()));
    }
    services::close_episode(env_, w.social_worker, call(id, close_body()));
    return id;
}

// ---- event bodies
// --------------------------------------------------------------------------------

json::object services_test::regrade_body(std::string_view level) const {
    return json::object{{"risk_level", level}, {"reason", "The family report threats by text"}};
}

json::object services_test::return_body() const {
    return json::object{{"returned_at", at()},
                        {"found_location", "Leeds railway station"},
                        {"returned_to", "Placement"},
                        {"found_by", "PC 4471"}};
}

json::object services_test::safe_and_well_body() const {
    return json::object{{"conducted_at", at()},
                        {"notes", "Seen at the placement; well"},
                        {"concerns", "Has a new phone nobody gave her"}};
}

json::object services_test::assign_body(const std::string& worker_id) {
    return json::object{{"worker_id", worker_id}};
}

json::object services_test::offer_body() const {
    return json::object{{"offered_at", at()}, {"scheduled_for", at(24h)}, {"independent", true}};
}

json::object services_test::interview_body(std::string_view cse_risk) const {
    return json::object{{"conducted_at", at()},
                        {"location", "Placement"},
                        {"where_stayed", "A flat above the takeaway on Kirk Street"},
                        {"with_whom", "Two older men she met online"},
                        {"push_factors", json::array{"placement_problems"}},
                        {"pull_factors", json::array{"older_adults", "gifts"}},
                        {"harm_disclosed", true},
                        {"harm_details", "Was given alcohol"},
                        {"indicators", json::array{}},
                        {"cse_risk", cse_risk},
                        {"risk_rationale", "Judged on the whole account"},
                        {"child_views", "Wants to stay at the placement"},
                        {"police_intelligence", "Flat above the takeaway on Kirk Street"}};
}

json::object services_test::decline_body() const {
    return json::object{{"declined_at", at()},
                        {"reason", "Did not want to talk to anyone"},
                        {"attempts", "Two visits and a phone call"},
                        {"carers_account", "Came back by taxi at 2am"}};
}

json::object services_test::action_body(const std::string& owner_id) const {
    return json::object{{"type", "safety_plan"},
                        {"description", "Agree a safety plan with the child and carers"},
                        {"owner_id", owner_id},
                        {"due_at", at(7 * 24h)}};
}

json::object services_test::complete_body() {
    return json::object{{"outcome", "Safety plan agreed and shared"}};
}

json::object services_test::sign_off_body() {
    return json::object{{"note", "Reviewed the interview, the plan and the referrals"}};
}

json::object services_test::close_body() {
    return json::object{{"summary", "Safe at the placement; plan in place"}};
}

json::object services_test::cancel_body() {
    return json::object{{"reason", "Reported in error: she was at her aunt's"}};
}

json::object services_test::reopen_body() {
    return json::object{{"reason", "A new disclosure at school"}};
}

services::event_call services_test::call(const std::string& episode_id, json::object event_body,
                                         std::optional<int> expected_version) {
    services::event_call made;
    made.episode_id = episode_id;
    made.expected_version = expected_version;
    made.body = std::move(event_body);
    return made;
}

// ---- reading the database
// ------------------------------------------------------------------------

long long services_test::scalar(std::string_view sql) {
    auto& state = shared();
    std::lock_guard lock{state.sql_mutex};
    pqxx::nontransaction tx{*state.sql};
    return tx.exec1(std::string{sql})[0].as<long long>();
}

std::string services_test::text(std::string_view sql) {
    auto& state = shared();
    std::lock_guard lock{state.sql_mutex};
    pqxx::nontransaction tx{*state.sql};
    const auto field = tx.exec1(std::string{sql})[0];
    return field.is_null() ? std::string{} : field.as<std::string>();
}

void services_test::execute(std::string_view sql) {
    auto& state = shared();
    std::lock_guard lock{state.sql_mutex};
    pqxx::nontransaction tx{*state.sql};
    tx.exec(std::string{sql});
}

std::string services_test::quoted(std::string_view value) {
    std::string literal = "'";
    for (const char c : value) {
        literal += c;
        if (c == '\'') {
            literal += '\'';
        }
    }
    return literal + "'";
}

long long services_test::count(std::string_view table) {
    return scalar("select count(*) from " + std::string{table});
}

long long services_test::count_where(std::string_view table, std::string_view condition) {
    return scalar("select count(*) from " + std::string{table} + " where " +
                  std::string{condition});
}

int services_test::version_of(const std::string& episode_id) {
    return static_cast<int>(
        scalar("select version from episodes where id::text = " + quoted(episode_id)));
}

std::string services_test::state_of(const std::string& episode_id) {
    return text("select state from episodes where id::text = " + quoted(episode_id));
}

long long services_test::history_of(const std::string& episode_id) {
    return count_where("episode_history", "episode_id::text = " + quoted(episode_id));
}

case_state services_test::snapshot(const std::string& episode_id) {
    const std::string id = quoted(episode_id);
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
    return state;
}

} // namespace homeward::services_testing
