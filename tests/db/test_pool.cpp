// The connection pool: fixed size, one holder per connection, a timeout when all are lent,
// broken connections replaced, every statement prepared on every connection.

#include "homeward/db/migrations.hpp"
#include "homeward/db/pool.hpp"
#include "homeward/db/unit_of_work.hpp"

#include "test_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace homeward::db {
namespace {

using namespace std::chrono_literals;

std::string url() { return homeward::testing::test_database_url(); }

int backend_pid(const connection_pool::lease& lease) {
    pqxx::nontransaction tx{lease.connection()};
    return tx.exec1("select pg_backend_pid()")[0].as<int>();
}

// Asks the server, over a connection of its own, to end a backend, and waits until it is gone.
void terminate_backend(int pid) {
    pqxx::connection admin{url()};
    pqxx::nontransaction tx{admin};
    tx.exec1("select pg_terminate_backend(" + std::to_string(pid) + ")");
    for (int i = 0; i < 500; ++i) {
        if (tx.exec1("select count(*) from pg_stat_activity where pid = " + std::to_string(pid))[0]
                .as<int>() == 0) {
            return;
        }
        std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "backend " << pid << " did not end";
}

TEST(connection_pool, never_lends_one_connection_to_two_holders_at_once) {
    connection_pool pool{url(), 2};
    std::atomic<int> holders{0};
    std::atomic<int> most{0};
    std::mutex mutex;
    std::set<int> held;     // backends leased right now
    std::set<int> ever;     // every backend the pool lent
    std::vector<int> twice; // a backend lent while already held
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            for (int j = 0; j < 10; ++j) {
                try {
                    auto lease = pool.acquire();
                    const int now_holding = ++holders;
                    int seen = most.load();
                    while (seen < now_holding && !most.compare_exchange_weak(seen, now_holding)) {
                    }
                    const int pid = backend_pid(lease);
                    {
                        std::lock_guard lock{mutex};
                        ever.insert(pid);
                        if (!held.insert(pid).second) {
                            twice.push_back(pid);
                        }
                    }
                    pqxx::nontransaction tx{lease.connection()};
                    tx.exec("select pg_sleep(0.002)");
                    {
                        std::lock_guard lock{mutex};
                        held.erase(pid);
                    }
                    --holders;
                } catch (const std::exception& error) {
                    std::lock_guard lock{mutex};
                    errors.emplace_back(error.what());
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_TRUE(errors.empty()) << errors.front();
    EXPECT_LE(most.load(), 2);
    EXPECT_TRUE(twice.empty()) << "backend " << twice.front() << " was lent to two holders";
    EXPECT_LE(ever.size(), 2U);
    const auto stats = pool.stats();
    EXPECT_EQ(stats.size, 2U);
    EXPECT_LE(stats.open, 2U);
    EXPECT_EQ(stats.in_use, 0U);
    EXPECT_EQ(stats.waiting, 0U);
}

TEST(connection_pool, acquire_times_out_with_unavailable_when_every_connection_is_lent) {
    connection_pool pool{url(), 2, 200ms};
    auto first = pool.acquire();
    auto second = pool.acquire();
    const auto started = std::chrono::steady_clock::now();
    EXPECT_THROW(pool.acquire(), unavailable);
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, 150ms);
    EXPECT_LT(waited, 5s);
    const auto stats = pool.stats();
    EXPECT_EQ(stats.in_use, 2U);
    EXPECT_EQ(stats.waiting, 0U);
}

TEST(connection_pool, a_released_connection_goes_to_the_caller_waiting_for_it) {
    connection_pool pool{url(), 1, 10s};
    int first_pid = 0;
    std::thread holder;
    {
        auto lease = pool.acquire();
        first_pid = backend_pid(lease);
        holder = std::thread{[lease = std::move(lease)]() mutable {
            std::this_thread::sleep_for(100ms);
            // the lease ends here, on this thread
        }};
    }
    auto next = pool.acquire();
    EXPECT_EQ(backend_pid(next), first_pid);
    holder.join();
    EXPECT_EQ(pool.stats().open, 1U);
}

TEST(connection_pool, a_connection_terminated_by_the_server_is_replaced_and_the_next_lease_works) {
    connection_pool pool{url(), 1};
    int first = 0;
    {
        auto lease = pool.acquire();
        first = backend_pid(lease);
    }
    terminate_backend(first);
    {
        auto lease = pool.acquire();
        int second = 0;
        EXPECT_NO_THROW(second = backend_pid(lease));
        EXPECT_NE(second, first);
    }
    auto lease = pool.acquire();
    EXPECT_NE(backend_pid(lease), first);
    EXPECT_EQ(pool.stats().open, 1U);
}

// (Closed by the holder rather than by a failed statement: libpqxx 6 leaks the result of a
// statement that finds its connection dead, which LeakSanitizer would report.)
TEST(connection_pool, a_connection_closed_during_a_lease_is_not_lent_again) {
    connection_pool pool{url(), 1};
    int first = 0;
    {
        auto lease = pool.acquire();
        first = backend_pid(lease);
        lease.connection().disconnect();
    }
    EXPECT_EQ(pool.stats().open, 0U);
    auto lease = pool.acquire();
    EXPECT_TRUE(lease.connection().is_open());
    EXPECT_NE(backend_pid(lease), first);
    EXPECT_EQ(pool.stats().open, 1U);
}

TEST(connection_pool, an_unreachable_database_is_unavailable_on_acquire) {
    connection_pool pool{"postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", 1, 500ms};
    EXPECT_THROW(pool.acquire(), unavailable);
    EXPECT_THROW(pool.acquire(), unavailable); // the failed open gave its slot back
    const auto stats = pool.stats();
    EXPECT_EQ(stats.open, 0U);
    EXPECT_EQ(stats.in_use, 0U);
}

// A statement is declared on a connection the first time that connection runs it, once; a
// connection that replaces a broken one declares its statements again.
TEST(connection_pool, each_connection_declares_a_statement_once_on_first_use_and_runs_in_utc) {
    migrate(url());
    connection_pool pool{url(), 2};
    const auto declared = [](unit_of_work& uow) {
        return uow.tx()
            .exec1("select count(*) from pg_prepared_statements where name = 'ping'")[0]
            .as<int>();
    };
    unit_of_work first{pool};
    unit_of_work second{pool}; // a second connection
    for (auto* uow : {&first, &second}) {
        EXPECT_EQ(declared(*uow), 0);
        EXPECT_TRUE(ping(*uow));
        EXPECT_TRUE(ping(*uow));
        EXPECT_EQ(declared(*uow), 1);
        EXPECT_EQ(uow->tx().exec1("show timezone")[0].as<std::string>(), "UTC");
    }
}

TEST(connection_pool, a_connection_that_replaces_a_broken_one_declares_its_statements_again) {
    connection_pool pool{url(), 1};
    const auto pid = [](unit_of_work& uow) {
        return uow.tx().exec1("select pg_backend_pid()")[0].as<int>();
    };
    int first = 0;
    {
        unit_of_work uow{pool};
        EXPECT_TRUE(ping(uow));
        first = pid(uow);
    }
    terminate_backend(first);
    unit_of_work uow{pool};
    EXPECT_NE(pid(uow), first);
    EXPECT_TRUE(ping(uow)) << "declared again on the new connection";
}

TEST(connection_pool, a_unit_of_work_left_uncommitted_rolls_back) {
    connection_pool pool{url(), 1};
    {
        unit_of_work setup{pool};
        setup.tx().exec0("create temporary table pool_probe (id int primary key)");
        setup.commit();
    }
    {
        unit_of_work abandoned{pool};
        abandoned.tx().exec0("insert into pool_probe values (1)");
    }
    {
        unit_of_work committed{pool};
        committed.tx().exec0("insert into pool_probe values (2)");
        committed.commit();
    }
    unit_of_work check{pool};
    EXPECT_EQ(
        check.tx().exec1("select string_agg(id::text, ',') from pool_probe")[0].as<std::string>(),
        "2");
}

} // namespace
} // namespace homeward::db
