// Migrations: from empty in order, again as a no-op, and never against a newer schema.

#include "homeward/db/migrations.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <cstdlib>
#include <random>
#include <thread>

namespace homeward::db {
namespace {

std::string base_url() {
    const char* url = std::getenv("HOMEWARD_TEST_DATABASE_URL");
    if (url == nullptr) {
        ADD_FAILURE() << "HOMEWARD_TEST_DATABASE_URL is not set: run the tests through ops/test";
        return "postgresql://invalid.invalid/none";
    }
    return url;
}

// A fresh database on the same server, dropped at the end of the test.
class fresh_database : public ::testing::Test {
protected:
    void SetUp() override {
        name_ = "hw_mig_" + std::to_string(std::random_device{}() % 1000000);
        pqxx::connection admin{base_url()};
        pqxx::nontransaction tx{admin};
        tx.exec0("create database " + name_);
        const auto base = base_url();
        url_ = base.substr(0, base.rfind('/') + 1) + name_;
    }
    void TearDown() override {
        pqxx::connection admin{base_url()};
        pqxx::nontransaction tx{admin};
        tx.exec0("drop database if exists " + name_ + " with (force)");
    }
    std::string query(const std::string& sql) const {
        pqxx::connection connection{url_};
        pqxx::work tx{connection};
        const auto value = tx.exec1(sql)[0].as<std::string>();
        tx.commit();
        return value;
    }
    std::string name_;
    std::string url_;
};

TEST_F(fresh_database, migrate_from_empty_applies_every_migration_in_order) {
    EXPECT_EQ(current_schema_version(url_), 0);
    const auto report = migrate(url_);
    EXPECT_EQ(report.from_version, 0);
    EXPECT_EQ(report.to_version, latest_schema_version());
    ASSERT_EQ(static_cast<int>(report.applied.size()), latest_schema_version());
    EXPECT_EQ(report.applied.front(), "0001_core.sql");
    EXPECT_EQ(
        query("select string_agg(version::text, ',' order by version) from schema_migrations"),
        "1,2");
    EXPECT_EQ(query("select count(*) from audit_head"), "1");
}

TEST_F(fresh_database, migrate_again_is_a_no_op) {
    migrate(url_);
    const auto tables = query("select count(*) from pg_tables where schemaname = 'public'");
    const auto again = migrate(url_);
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(again.from_version, latest_schema_version());
    EXPECT_EQ(query("select count(*) from pg_tables where schemaname = 'public'"), tables);
    EXPECT_EQ(query("select count(*) from schema_migrations"),
              std::to_string(latest_schema_version()));
}

TEST_F(fresh_database, migrate_refuses_a_schema_newer_than_itself_and_changes_nothing) {
    migrate(url_);
    const auto newer = std::to_string(latest_schema_version() + 1);
    query("insert into schema_migrations (version, name) values (" + newer +
          ", 'from_the_future.sql') returning version");
    EXPECT_THROW(migrate(url_), schema_too_new);
    EXPECT_EQ(query("select max(version) from schema_migrations"), newer);
    EXPECT_EQ(current_schema_version(url_), latest_schema_version() + 1);
}

TEST_F(fresh_database, two_migrations_at_once_apply_each_file_once) {
    std::thread other{[&] { migrate(url_); }};
    migrate(url_);
    other.join();
    EXPECT_EQ(query("select count(*) from schema_migrations"),
              std::to_string(latest_schema_version()));
}

} // namespace
} // namespace homeward::db
