#include "use_case_fixture.hpp"
#include "test_database.hpp"

#include "homeward/db/migrations.hpp"
#include "homeward/db/repository.hpp"
#include "homeward/services/children.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/time_text.hpp"

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include <fstream>
#include <random>
#include <sstream>

namespace homeward::testing {
namespace {

const std::string& password_hash() {
    static const std::string hash = services::hash_password("correct horse battery staple");
    return hash;
}

const workflow::indicator_catalogue& catalogue() {
    static const auto loaded = [] {
        std::ifstream in{std::string{HOMEWARD_SOURCE_DATA_DIR} + "/cse_indicators.json"};
        std::stringstream text;
        text << in.rdbuf();
        return workflow::indicator_catalogue::parse(text.str());
    }();
    return loaded;
}

std::string random_suffix() {
    static std::mt19937_64 random{std::random_device{}()};
    std::ostringstream text;
    text << std::hex << std::uppercase << (random() & 0xFFFFFFFFFFULL);
    return text.str();
}

} // namespace

std::string services_test::database_url() { return test_database_url(); }

void services_test::SetUpTestSuite() { db::migrate(database_url()); }

void services_test::SetUp() {
    now_ = services::system_now().time_since_epoch().count();
    pool_ = std::make_unique<db::connection_pool>(database_url(), 8);
    env_ = std::make_unique<services::environment>(
        services::environment{*pool_, workflow::england_policy(), catalogue(), [this] {
                                  return workflow::time_point{std::chrono::seconds{now_.load()}};
                              }});
}

std::string services_test::make_org(const std::string& kind) {
    const auto code = (kind == "police" ? "SP" : "SL") + random_suffix();
    db::unit_of_work uow{*pool_};
    const auto id = db::insert_organisation(uow, code, "Org " + code, kind);
    uow.commit();
    org_codes_[id] = code;
    return id;
}

services::actor services_test::make_user(const std::string& role, const std::string& org_id) {
    db::unit_of_work uow{*pool_};
    const auto username = role + "-" + random_suffix();
    const auto id = db::insert_user(uow, username, password_hash(), role, org_id);
    uow.commit();
    return {id, username, *workflow::parse_role(role), org_id, "test-" + random_suffix()};
}

std::string services_test::make_child(const services::actor& by,
                                      const std::string& responsible_id) {
    const auto child = services::create_child(
        *env_, by,
        boost::json::object{{"given_name", "Robin"},
                            {"family_name", "Lee"},
                            {"date_of_birth", "2010-02-03"},
                            {"sex", "unknown"},
                            {"looked_after", true},
                            {"responsible_authority", org_codes_.at(responsible_id)}});
    return std::string{child.at("id").as_string()};
}

std::string services_test::report(const services::actor& police, const std::string& child_id) {
    const auto episode = services::report_episode(
        *env_, police,
        boost::json::object{{"child_id", child_id},
                            {"last_seen_at", at(-std::chrono::hours{3})},
                            {"last_seen_location", "Market Street"},
                            {"circumstances", "Left the placement at night"},
                            {"risk_level", "medium"},
                            {"police_reference", "PR-9"},
                            {"missing_or_away", "missing"}},
        std::nullopt);
    return std::string{episode.at("id").as_string()};
}

std::string services_test::at(std::chrono::seconds offset) const {
    return services::format_rfc3339(workflow::time_point{std::chrono::seconds{now_.load()}} +
                                    offset);
}

std::string services_test::query(const std::string& sql) {
    pqxx::connection connection{database_url()};
    pqxx::work tx{connection};
    const auto result = tx.exec(sql);
    tx.commit();
    return result.empty() || result[0][0].is_null() ? "" : result[0][0].as<std::string>();
}

std::map<std::string, std::string> services_test::snapshot(const std::string& episode_id) const {
    std::map<std::string, std::string> values;
    values["episode"] =
        query("select state || ':' || version from episodes where id = '" + episode_id + "'");
    for (const char* table :
         {"episodes", "episode_history", "interviews", "observed_indicators", "actions", "clocks",
          "notifications", "outbox", "idempotency_keys", "children", "sessions"}) {
        values[table] = query(std::string{"select count(*) from "} + table);
    }
    values["clock_state"] = query(
        "select coalesce(string_agg(kind || subject || due_at::text || coalesce(met_at::text, ''), "
        "',' order by kind, subject), '') from clocks where episode_id = '" +
        episode_id + "'");
    return values;
}

} // namespace homeward::testing
