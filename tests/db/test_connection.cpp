// Proves the plumbing to the PostgreSQL cluster that ops/test starts.

#include "homeward/db/connection.hpp"

#include "test_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <cstdlib>
#include <string>

namespace {

using homeward::testing::test_database_url;

TEST(database_connection, reaches_the_postgresql_15_cluster_started_by_ops_test) {
    const std::string version = homeward::db::server_version(test_database_url());
    EXPECT_EQ(version.substr(0, 3), "15.");
}

TEST(database_connection, a_rolled_back_transaction_leaves_nothing_behind) {
    pqxx::connection connection{test_database_url()};
    {
        pqxx::work setup{connection};
        setup.exec0("create table if not exists plumbing_probe (id int primary key)");
        setup.exec0("truncate plumbing_probe");
        setup.commit();
    }
    {
        pqxx::work aborted{connection};
        aborted.exec0("insert into plumbing_probe values (1)");
        aborted.abort();
    }
    pqxx::work check{connection};
    EXPECT_EQ(check.exec1("select count(*) from plumbing_probe")[0].as<int>(), 0);
    check.exec0("drop table plumbing_probe");
    check.commit();
}

TEST(database_connection, an_unreachable_server_is_reported_as_a_broken_connection) {
    EXPECT_THROW(homeward::db::server_version("postgresql://postgres@127.0.0.1:1/none"),
                 pqxx::broken_connection);
}

} // namespace
