// Migrations: from empty in order, again as a no-op, and never against a newer schema.

#include "homeward/db/migrations.hpp"

#include "scratch_database.hpp"
#include "test_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

namespace homeward::db {
namespace {

std::string base_url() { return homeward::testing::test_database_url(); }

using homeward::testing::url_of_database;

// A fresh, empty database on the same server, dropped at the end of the test.
class fresh_database : public ::testing::Test {
protected:
    void SetUp() override {
        scratch_.emplace("hw_mig_");
        url_ = scratch_->url();
    }
    void TearDown() override { scratch_.reset(); }
    std::string query(const std::string& sql) const {
        pqxx::connection connection{url_};
        pqxx::nontransaction tx{connection};
        const auto field = tx.exec1(sql)[0];
        return field.is_null() ? "" : field.as<std::string>();
    }
    // Everything a migration could touch: tables, functions, and the recorded versions.
    std::string schema_fingerprint() const {
        return query("select (select count(*) from pg_tables where schemaname = 'public') || '/' "
                     "|| (select count(*) from pg_proc p join pg_namespace n on n.oid = "
                     "p.pronamespace where n.nspname = 'public') || '/' || (select "
                     "string_agg(version || ':' || name, ',' order by version) from "
                     "schema_migrations)");
    }
    std::optional<homeward::testing::scratch_database> scratch_;
    std::string url_;
};

TEST(migrations, migrating_the_test_database_a_second_time_applies_nothing) {
    migrate(base_url());
    const auto again = migrate(base_url());
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(again.from_version, latest_schema_version());
    EXPECT_EQ(again.to_version, latest_schema_version());
    EXPECT_EQ(current_schema_version(base_url()), latest_schema_version());
}

// serve and every command but migrate connect as the application's role, which may not create
// anything in the schema: it reads the schema's version all the same.
TEST(migrations, the_application_role_reads_the_schema_version) {
    migrate(base_url());
    EXPECT_EQ(current_schema_version(homeward::testing::test_app_database_url()),
              latest_schema_version());
}

TEST(migrations, the_url_of_another_database_keeps_server_and_parameters) {
    EXPECT_EQ(url_of_database("postgresql://u@h:5/a", "b"), "postgresql://u@h:5/b");
    EXPECT_EQ(url_of_database("postgresql://u@h:5/a?sslmode=disable", "b"),
              "postgresql://u@h:5/b?sslmode=disable");
    EXPECT_EQ(url_of_database("postgresql://u@h:5", "b"), "postgresql://u@h:5/b");
    EXPECT_EQ(url_of_database("host=h dbname=a", "b"), "host=h dbname=a dbname=b");
}

TEST_F(fresh_database, an_empty_database_is_at_schema_version_zero) {
    EXPECT_EQ(current_schema_version(url_), 0);
}

// The same URI as another user (no password: the test cluster trusts local connections).
std::string url_as(const std::string& url, const std::string& user) {
    const auto scheme = url.find("://");
    const auto at = url.find('@', scheme + 3);
    const auto slash = url.find('/', scheme + 3);
    const auto host = at != std::string::npos && at < slash ? at + 1 : scheme + 3;
    return url.substr(0, scheme + 3) + user + "@" + url.substr(host);
}

TEST_F(fresh_database, a_role_that_may_not_create_tables_reads_the_version_and_makes_nothing) {
    ASSERT_NE(base_url().find("://"), std::string::npos)
        << "HOMEWARD_TEST_DATABASE_URL must be a postgresql:// URL to connect as another role";
    {
        pqxx::connection admin{url_};
        pqxx::nontransaction tx{admin};
        tx.exec0("do $$ begin if not exists (select from pg_roles where rolname = "
                 "'homeward_test_reader') then create role homeward_test_reader login; end if; "
                 "end $$");
        tx.exec0("revoke create on schema public from public");
    }
    const auto reader = url_as(url_, "homeward_test_reader");
    EXPECT_EQ(current_schema_version(reader), 0);
    EXPECT_EQ(query("select count(*) from pg_tables where schemaname = 'public'"), "0");
    migrate(url_);
    {
        pqxx::connection admin{url_};
        pqxx::nontransaction tx{admin};
        tx.exec0("grant usage on schema public to homeward_test_reader");
        tx.exec0("grant select on schema_migrations to homeward_test_reader");
    }
    EXPECT_EQ(current_schema_version(reader), latest_schema_version());
}

TEST_F(fresh_database, migrate_from_empty_applies_every_migration_in_order) {
    const auto report = migrate(url_);
    EXPECT_EQ(report.from_version, 0);
    EXPECT_EQ(report.to_version, latest_schema_version());
    ASSERT_EQ(static_cast<int>(report.applied.size()), latest_schema_version());
    std::string expected_versions;
    std::string expected_names;
    for (std::size_t i = 0; i < report.applied.size(); ++i) {
        const auto& name = report.applied[i];
        // Numbered files, applied in their numeric order with no gap.
        ASSERT_GE(name.size(), 5U) << name;
        EXPECT_EQ(std::stoi(name.substr(0, 4)), static_cast<int>(i) + 1) << name;
        EXPECT_EQ(name.substr(name.size() - 4), ".sql") << name;
        expected_versions += (i == 0 ? "" : ",") + std::to_string(i + 1);
        expected_names += (i == 0 ? "" : ",") + name;
    }
    EXPECT_EQ(report.applied.front(), "0001_core.sql");
    EXPECT_EQ(
        query("select string_agg(version::text, ',' order by version) from schema_migrations"),
        expected_versions);
    EXPECT_EQ(query("select string_agg(name, ',' order by version) from schema_migrations"),
              expected_names);
    EXPECT_EQ(current_schema_version(url_), latest_schema_version());
    EXPECT_EQ(query("select count(*) from pg_tables where schemaname = 'public' and tablename in "
                    "('organisations', 'users', 'children', 'episodes', 'episode_history', "
                    "'interviews', 'actions', 'clocks', 'notifications', 'outbox', "
                    "'audit_events', 'audit_unchained', 'audit_chain', 'audit_checkpoints')"),
              "14");
    // The audit trail as its readers see it is a view over the insert-only tables; the single
    // locked head row of the old design is gone.
    EXPECT_EQ(query("select count(*) from pg_views where schemaname = 'public' and viewname = "
                    "'audit_log'"),
              "1");
    EXPECT_EQ(query("select count(*) from pg_tables where schemaname = 'public' and tablename = "
                    "'audit_head'"),
              "0");
}

TEST_F(fresh_database, migrate_again_applies_nothing_and_changes_nothing) {
    migrate(url_);
    const auto before = schema_fingerprint();
    const auto again = migrate(url_);
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(again.from_version, latest_schema_version());
    EXPECT_EQ(again.to_version, latest_schema_version());
    EXPECT_EQ(schema_fingerprint(), before);
    EXPECT_EQ(current_schema_version(url_), latest_schema_version());
}

TEST_F(fresh_database, migrate_refuses_a_schema_newer_than_itself_and_changes_nothing) {
    migrate(url_);
    const auto newer = latest_schema_version() + 1;
    query("insert into schema_migrations (version, name) values (" + std::to_string(newer) +
          ", 'from_the_future.sql') returning version");
    const auto before = schema_fingerprint();
    EXPECT_THROW(migrate(url_), schema_too_new);
    EXPECT_EQ(schema_fingerprint(), before);
    EXPECT_EQ(current_schema_version(url_), newer);
    // The advisory lock was released: another migrate can take it (and is refused in turn).
    EXPECT_THROW(migrate(url_), schema_too_new);
}

TEST_F(fresh_database, two_migrations_at_once_apply_each_file_once) {
    migration_report other_report;
    std::thread other{[&] { other_report = migrate(url_); }};
    const auto report = migrate(url_);
    other.join();
    EXPECT_EQ(static_cast<int>(report.applied.size() + other_report.applied.size()),
              latest_schema_version());
    EXPECT_EQ(query("select count(*) from schema_migrations"),
              std::to_string(latest_schema_version()));
    EXPECT_EQ(current_schema_version(url_), latest_schema_version());
}

} // namespace
} // namespace homeward::db
