// The connection pool: fixed size, one holder per connection, broken connections replaced.

#include "homeward/db/pool.hpp"
#include "homeward/db/repository.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

namespace homeward::db {
namespace {

using namespace std::chrono_literals;

std::string url() {
    const char* value = std::getenv("HOMEWARD_TEST_DATABASE_URL");
    if (value == nullptr) {
        ADD_FAILURE() << "HOMEWARD_TEST_DATABASE_URL is not set: run the tests through ops/test";
        return "postgresql://invalid.invalid/none";
    }
    return value;
}

int backend_pid(connection_pool::lease& lease) {
    pqxx::work tx{lease.connection()};
    return tx.exec1("select pg_backend_pid()")[0].as<int>();
}

TEST(connection_pool, never_lends_more_connections_than_its_size_nor_one_to_two_holders) {
    connection_pool pool{url(), 2};
    std::atomic<int> holders{0};
    std::atomic<int> most{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            for (int j = 0; j < 10; ++j) {
                auto lease = pool.acquire();
                const int now = ++holders;
                most = std::max(most.load(), now);
                pqxx::work tx{lease.connection()};
                tx.exec0("select pg_sleep(0.002)");
                --holders;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_LE(most, 2);
    EXPECT_EQ(pool.stats().open, 2U);
    EXPECT_EQ(pool.stats().in_use, 0U);
}

TEST(connection_pool, acquire_times_out_when_every_connection_is_lent) {
    connection_pool pool{url(), 1, 100ms};
    auto held = pool.acquire();
    EXPECT_THROW(pool.acquire(), unavailable);
}

TEST(connection_pool, a_connection_killed_by_the_server_is_replaced_on_next_use) {
    connection_pool pool{url(), 1};
    int first = 0;
    {
        auto lease = pool.acquire();
        first = backend_pid(lease);
    }
    {
        pqxx::connection admin{url()};
        pqxx::nontransaction tx{admin};
        tx.exec0("select pg_terminate_backend(" + std::to_string(first) + ")");
    }
    {
        auto lease = pool.acquire();
        EXPECT_THROW(backend_pid(lease), pqxx::broken_connection);
    }
    auto lease = pool.acquire();
    EXPECT_NE(backend_pid(lease), first);
}

TEST(connection_pool, an_unreachable_database_is_unavailable) {
    connection_pool pool{"postgresql://postgres@127.0.0.1:1/none", 1, 100ms};
    EXPECT_THROW(pool.acquire(), unavailable);
    EXPECT_EQ(pool.stats().open, 0U);
}

TEST(connection_pool, every_connection_comes_with_the_statements_prepared_and_utc) {
    connection_pool pool{url(), 1};
    unit_of_work uow{pool};
    EXPECT_TRUE(ping(uow));
    EXPECT_EQ(uow.tx().exec1("show timezone")[0].as<std::string>(), "UTC");
}

} // namespace
} // namespace homeward::db
