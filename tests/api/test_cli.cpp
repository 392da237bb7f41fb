// The command line of api.md, run in-process against the PostgreSQL that ops/test starts.

#include "homeward/api/cli.hpp"
#include "homeward/services/checkpoints.hpp"

#include "scratch_database.hpp"
#include "test_database.hpp"
#include <gmock/gmock.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <sstream>

namespace homeward::api {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct outcome {
    int code;
    std::string out;
    std::string err;
};

std::string database_url() { return homeward::testing::test_database_url(); }

class command_line : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("HOMEWARD_DATABASE_URL", database_url().c_str(), 1);
        ::unsetenv("HOMEWARD_POLICY");
        ::unsetenv("HOMEWARD_CONFIG_FILE");
        ASSERT_EQ(run({"migrate"}).code, 0);
    }

    static outcome run(const std::vector<std::string>& args, const std::string& input = "") {
        std::istringstream in{input};
        std::ostringstream out;
        std::ostringstream err;
        const int code = run_command(args, in, out, err);
        return {code, out.str(), err.str()};
    }

    static std::string unique_code(const std::string& prefix) {
        static std::mt19937_64 random{std::random_device{}()};
        std::ostringstream code;
        code << prefix << std::hex << std::uppercase << (random() & 0xFFFFFFFFFFULL);
        return code.str();
    }

    static std::string query(const std::string& sql) {
        pqxx::connection connection{database_url()};
        pqxx::work tx{connection};
        const auto result = tx.exec(sql);
        tx.commit();
        return result.empty() || result[0][0].is_null() ? "" : result[0][0].as<std::string>();
    }

    static int line_count(const std::string& text) {
        return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    }
};

TEST_F(command_line, version_and_help_exit_0) {
    EXPECT_THAT(run({"--version"}).out, StartsWith("homeward "));
    const auto help = run({"--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_THAT(help.out,
                HasSubstr("user add --username U --role ROLE --org CODE --password-stdin"));
}

TEST_F(command_line, no_command_or_an_unknown_one_exits_2) {
    EXPECT_EQ(run({}).code, 2);
    const auto unknown = run({"frobnicate"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_THAT(unknown.err, HasSubstr("unknown command 'frobnicate'"));
    EXPECT_EQ(line_count(unknown.err), 1);
}

TEST_F(command_line, migrate_again_is_a_no_op) {
    const auto again = run({"migrate"});
    EXPECT_EQ(again.code, 0);
    EXPECT_THAT(again.out, HasSubstr("\"event\":\"schema_up_to_date\""));
    EXPECT_THAT(again.out, HasSubstr("\"applied\":0"));
    EXPECT_THAT(again.out, ::testing::Not(HasSubstr("migration_applied")));
    EXPECT_EQ(query("select count(*) from schema_migrations"),
              query("select max(version) from schema_migrations"));
}

TEST_F(command_line, a_missing_database_setting_is_one_line_naming_it_and_exit_2) {
    ::unsetenv("HOMEWARD_DATABASE_URL");
    const auto result = run({"migrate"});
    EXPECT_EQ(result.code, 2);
    EXPECT_EQ(result.err, "homeward: HOMEWARD_DATABASE_URL: is not set\n");
}

TEST_F(command_line, an_invalid_policy_setting_exits_2_naming_it) {
    ::setenv("HOMEWARD_POLICY", "atlantis", 1);
    const auto result = run({"audit", "verify"});
    EXPECT_EQ(result.code, 2);
    EXPECT_THAT(result.err, HasSubstr("HOMEWARD_POLICY"));
    EXPECT_EQ(line_count(result.err), 1);
}

TEST_F(command_line, an_unreachable_database_is_one_line_and_exit_1) {
    ::setenv("HOMEWARD_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none", 1);
    const auto result = run({"audit", "verify"});
    EXPECT_EQ(result.code, 1);
    EXPECT_EQ(line_count(result.err), 1);
}

TEST_F(command_line, org_add_adds_an_organisation) {
    const auto code = unique_code("CLI");
    const auto result =
        run({"org", "add", "--code", code, "--name", "Cli Force", "--kind", "police"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(query("select kind from organisations where code = '" + code + "'"), "police");
}

TEST_F(command_line, org_add_refuses_a_duplicate_code_with_exit_2) {
    const auto code = unique_code("DUP");
    ASSERT_EQ(run({"org", "add", "--code", code, "--name", "A", "--kind", "police"}).code, 0);
    const auto again = run({"org", "add", "--code", code, "--name", "B", "--kind", "police"});
    EXPECT_EQ(again.code, 2);
    EXPECT_THAT(again.err, HasSubstr("already used"));
}

TEST_F(command_line, org_add_names_a_missing_or_bad_argument) {
    EXPECT_THAT(run({"org", "add", "--code", "X1", "--kind", "police"}).err,
                HasSubstr("--name is required"));
    const auto bad_kind =
        run({"org", "add", "--code", unique_code("K"), "--name", "N", "--kind", "army"});
    EXPECT_EQ(bad_kind.code, 2);
    EXPECT_THAT(bad_kind.err, HasSubstr("kind must be police or local_authority"));
    EXPECT_EQ(
        run({"org", "add", "--code", "X1", "--name", "N", "--kind", "police", "--bogus", "1"}).code,
        2);
}

TEST_F(command_line, user_add_reads_the_password_from_stdin_and_stores_an_argon2id_hash) {
    const auto code = unique_code("LA");
    ASSERT_EQ(
        run({"org", "add", "--code", code, "--name", "Council", "--kind", "local_authority"}).code,
        0);
    const auto username = "sw-" + code;
    const auto result = run({"user", "add", "--username", username, "--role", "social_worker",
                             "--org", code, "--password-stdin"},
                            "a long enough password\n");
    EXPECT_EQ(result.code, 0) << result.err;
    const auto hash = query("select password_hash from users where username = '" + username + "'");
    EXPECT_THAT(hash, StartsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
    EXPECT_THAT(hash, ::testing::Not(HasSubstr("a long enough password")));
}

TEST_F(command_line, user_add_refuses_an_empty_or_short_password_and_an_unknown_org) {
    const auto code = unique_code("LB");
    ASSERT_EQ(run({"org", "add", "--code", code, "--name", "C", "--kind", "local_authority"}).code,
              0);
    const std::vector<std::string> args{"user",      "add",    "--username",
                                        "u-" + code, "--role", "manager",
                                        "--org",     code,     "--password-stdin"};
    EXPECT_EQ(run(args, "").code, 2);
    const auto short_password = run(args, "short\n");
    EXPECT_EQ(short_password.code, 2);
    EXPECT_THAT(short_password.err, HasSubstr("password must be at least 12 characters"));
    auto unknown = args;
    unknown[7] = "NOSUCHORG";
    EXPECT_THAT(run(unknown, "a long enough password\n").err, HasSubstr("NOSUCHORG"));
    EXPECT_EQ(query("select count(*) from users where username = 'u-" + code + "'"), "0");
}

TEST_F(command_line, user_add_refuses_a_police_role_in_a_local_authority) {
    const auto code = unique_code("LC");
    ASSERT_EQ(run({"org", "add", "--code", code, "--name", "C", "--kind", "local_authority"}).code,
              0);
    const auto result = run({"user", "add", "--username", "pc-" + code, "--role", "police", "--org",
                             code, "--password-stdin"},
                            "a long enough password\n");
    EXPECT_EQ(result.code, 2);
    EXPECT_THAT(result.err, HasSubstr("police users belong to a police force"));
}

TEST_F(command_line, user_add_makes_a_deployment_wide_admin_only_of_an_admin) {
    const auto code = unique_code("LD");
    ASSERT_EQ(run({"org", "add", "--code", code, "--name", "C", "--kind", "local_authority"}).code,
              0);
    const auto added = run({"user", "add", "--username", "root-" + code, "--role", "admin", "--org",
                            code, "--password-stdin", "--deployment-wide"},
                           "a long enough password\n");
    ASSERT_EQ(added.code, 0) << added.err;
    EXPECT_EQ(query("select deployment_admin from users where username = 'root-" + code + "'"),
              "t");
    EXPECT_EQ(query("select count(*) from audit_events where action = 'user.deployment_admin' and "
                    "detail ->> 'username' = 'root-" +
                    code + "'"),
              "1");
    const auto refused = run({"user", "add", "--username", "sw-" + code, "--role", "social_worker",
                              "--org", code, "--password-stdin", "--deployment-wide"},
                             "a long enough password\n");
    EXPECT_EQ(refused.code, 2);
    EXPECT_THAT(refused.err, HasSubstr("only an admin can be deployment-wide"));
    EXPECT_EQ(query("select count(*) from users where username = 'sw-" + code + "'"), "0");
    // Without the flag an admin is their organisation's only.
    ASSERT_EQ(run({"user", "add", "--username", "adm-" + code, "--role", "admin", "--org", code,
                   "--password-stdin"},
                  "a long enough password\n")
                  .code,
              0);
    EXPECT_EQ(query("select deployment_admin from users where username = 'adm-" + code + "'"), "f");
}

TEST_F(command_line, audit_verify_passes_on_the_real_trail_and_fails_on_an_altered_entry) {
    ASSERT_EQ(
        run({"org", "add", "--code", unique_code("AV"), "--name", "A", "--kind", "police"}).code,
        0);
    const auto intact = run({"audit", "verify"});
    EXPECT_EQ(intact.code, 0) << intact.err;
    EXPECT_THAT(intact.out, HasSubstr("\"event\":\"audit_trail_intact\""));
    // The organisation's entry waits for the sequencer (serve's, or this pass) to be chained.
    EXPECT_THAT(intact.out, ::testing::Not(HasSubstr("\"unchained\":0,")));
    query("select audit_sequence(1000000)");
    EXPECT_THAT(run({"audit", "verify"}).out, HasSubstr("\"unchained\":0,"));

    // Altered as the database's superuser: the application's role may not (tests/db).
    const auto seq = query("select max(seq) from audit_chain");
    const auto event = "(select event_id from audit_chain where seq = " + seq + ")";
    const auto action = query("select action from audit_events where id = " + event);
    query("update audit_events set action = 'tampered' where id = " + event);
    const auto broken = run({"audit", "verify"});
    query("update audit_events set action = '" + action + "' where id = " + event);
    EXPECT_EQ(broken.code, 1);
    EXPECT_THAT(broken.err, HasSubstr("broken at entry " + seq));
    EXPECT_THAT(broken.out, HasSubstr("\"event\":\"audit_trail_broken\",\"entry\":" + seq));
    EXPECT_EQ(run({"audit", "verify"}).code, 0);
}

TEST_F(command_line, audit_keygen_writes_an_owner_only_private_key_and_prints_its_public_key) {
    const auto dir = std::filesystem::temp_directory_path() / unique_code("keys-");
    std::filesystem::create_directories(dir);
    const auto key = (dir / "signing.pem").string();
    const auto made = run({"audit", "keygen", "--out", key});
    ASSERT_EQ(made.code, 0) << made.err;
    EXPECT_THAT(made.out, StartsWith("-----BEGIN PUBLIC KEY-----"));
    std::ifstream file{key};
    const std::string private_pem{std::istreambuf_iterator<char>{file},
                                  std::istreambuf_iterator<char>{}};
    EXPECT_THAT(private_pem, StartsWith("-----BEGIN PRIVATE KEY-----"));
    EXPECT_EQ(homeward::services::public_key_of(private_pem), made.out);
    const auto mode = std::filesystem::status(key).permissions();
    EXPECT_EQ(mode & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

    const auto again = run({"audit", "keygen", "--out", key});
    EXPECT_EQ(again.code, 2);
    EXPECT_THAT(again.err, HasSubstr("refusing to replace a key"));
    std::ifstream kept{key};
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>{kept}, std::istreambuf_iterator<char>{}),
              private_pem);
    std::filesystem::remove_all(dir);
}

TEST_F(command_line, two_factor_keygen_writes_32_random_owner_only_bytes_and_never_replaces_them) {
    const auto dir = std::filesystem::temp_directory_path() / unique_code("keys-");
    std::filesystem::create_directories(dir);
    const auto read = [](const std::filesystem::path& path) {
        std::ifstream file{path, std::ios::binary};
        return std::string{std::istreambuf_iterator<char>{file}, std::istreambuf_iterator<char>{}};
    };
    const auto key = dir / "two-factor.key";
    const auto made = run({"two-factor", "keygen", "--out", key.string()});
    ASSERT_EQ(made.code, 0) << made.err;
    EXPECT_THAT(made.out, HasSubstr("HOMEWARD_TWO_FACTOR_KEY"));
    const auto bytes = read(key);
    EXPECT_EQ(bytes.size(), 32U);
    EXPECT_EQ(std::filesystem::status(key).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto second = dir / "second.key";
    ASSERT_EQ(run({"two-factor", "keygen", "--out", second.string()}).code, 0);
    EXPECT_NE(read(second), bytes) << "two keys alike";

    const auto again = run({"two-factor", "keygen", "--out", key.string()});
    EXPECT_EQ(again.code, 2);
    EXPECT_THAT(again.err, HasSubstr("refusing to replace a key"));
    EXPECT_EQ(read(key), bytes);
    std::filesystem::remove_all(dir);
}

TEST_F(command_line, audit_verify_takes_a_checkpoint_only_with_a_public_key) {
    const auto alone = run({"audit", "verify", "--checkpoint", "/nonexistent/witness"});
    EXPECT_EQ(alone.code, 2);
    EXPECT_THAT(alone.err, HasSubstr("--checkpoint and --public-key go together"));
    const auto unreadable = run({"audit", "verify", "--checkpoint", "/nonexistent/witness",
                                 "--public-key", "/nonexistent/key.pem"});
    EXPECT_EQ(unreadable.code, 2);
    EXPECT_THAT(unreadable.err, HasSubstr("cannot read /nonexistent/"));
}

// What ops/run prints for logging in: one line a demo user, each splitting into its username,
// role, organisation and password, however long the role's name. On a database of its own, so
// that the demo's organisations and cases stay out of the other tests.
TEST_F(command_line, demo_prints_every_user_as_four_fields_with_a_password_of_its_own) {
    outcome migrated{};
    outcome demo{};
    {
        const homeward::testing::scratch_database scratch{"homeward_demo_"};
        ::setenv("HOMEWARD_DATABASE_URL", scratch.url().c_str(), 1);
        migrated = run({"migrate"});
        demo = run({"demo"});
        ::setenv("HOMEWARD_DATABASE_URL", database_url().c_str(), 1);
    }
    ASSERT_EQ(migrated.code, 0) << migrated.err;
    ASSERT_EQ(demo.code, 0) << demo.err;

    std::istringstream lines{demo.out};
    std::string line;
    while (std::getline(lines, line) && !line.starts_with("Demo users")) {
    }
    std::map<std::string, std::vector<std::string>> users;
    std::set<std::string> passwords;
    while (std::getline(lines, line) && !line.empty()) {
        std::istringstream fields{line};
        std::vector<std::string> row{std::istream_iterator<std::string>{fields}, {}};
        ASSERT_EQ(row.size(), 4U) << "not four fields: " << line;
        passwords.insert(row[3]);
        users[row[0]] = std::move(row);
    }
    ASSERT_EQ(users.size(), 11U) << demo.out;
    ASSERT_TRUE(users.contains("dpo") && users.contains("police")) << demo.out;
    EXPECT_EQ(passwords.size(), users.size()) << "each user a password of its own";
    EXPECT_THAT(users["dpo"], ::testing::ElementsAre("dpo", "data_protection_officer", "DEMO-NORTH",
                                                     users["dpo"][3]));
    EXPECT_THAT(users["police"],
                ::testing::ElementsAre("police", "police", "DEMO-POLICE", users["police"][3]));
    EXPECT_GE(users["police"][3].size(), 20U);
}

TEST_F(command_line, every_command_logs_json_lines_and_never_the_password) {
    const auto code = unique_code("LOG");
    const std::string password = "a long and secret password";
    std::string output;
    for (const auto& result :
         {run({"org", "add", "--code", code, "--name", "Logged", "--kind", "local_authority"}),
          run({"user", "add", "--username", "u-" + code, "--role", "manager", "--org", code,
               "--password-stdin"},
              password + "\n"),
          run({"migrate"}), run({"audit", "verify"}), run({"check-database"})}) {
        EXPECT_EQ(result.code, 0) << result.err;
        EXPECT_EQ(result.err, "");
        output += result.out;
    }
    EXPECT_EQ(line_count(output), 5) << output;
    std::istringstream lines{output};
    std::vector<std::string> events;
    for (std::string line; std::getline(lines, line);) {
        boost::json::error_code error;
        const auto value = boost::json::parse(line, error);
        ASSERT_FALSE(error) << line;
        const auto& object = value.as_object();
        EXPECT_TRUE(object.contains("ts") && object.contains("level")) << line;
        events.emplace_back(object.at("event").as_string());
    }
    EXPECT_EQ(events,
              (std::vector<std::string>{"organisation_added", "user_added", "schema_up_to_date",
                                        "audit_trail_intact", "database_reachable"}));
    EXPECT_THAT(output, HasSubstr("\"code\":\"" + code + "\""));
    EXPECT_THAT(output, ::testing::Not(HasSubstr(password)));
}

} // namespace
} // namespace homeward::api
