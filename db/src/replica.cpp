#include "homeward/db/replica.hpp"

#include "sql.hpp"

namespace homeward::db {
namespace {

// Caught up: all the WAL it has received is replayed and its receiver is connected (the status
// is visible to roles with pg_read_all_stats only; others see the receiver's pid alone, which
// exists while it runs). Otherwise the age of the last transaction it replayed: on an idle
// primary that grows although nothing is behind, hence the test before it.
const statement replica_state_sql{"replica_state", R"(
select pg_is_in_recovery(),
       coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false)
           and exists (select from pg_stat_wal_receiver
                        where pid is not null and coalesce(status, 'streaming') = 'streaming'),
       extract(epoch from now() - pg_last_xact_replay_timestamp())::float8)"};

} // namespace

replica::replica(std::string url, std::size_t pool_size, std::chrono::seconds max_lag,
                 std::chrono::milliseconds statement_timeout, std::chrono::milliseconds recheck)
    : pool_(std::move(url), pool_size, std::chrono::seconds{1}, statement_timeout),
      max_lag_(max_lag), recheck_(recheck) {}

bool replica::check() {
    try {
        unit_of_work uow{pool_, unit_of_work::isolation::single_statement};
        const auto row = run(uow, replica_state_sql)[0];
        if (!row[0].as<bool>()) {
            return false; // not a replica (promoted, or the primary named twice): not ours to use
        }
        if (row[1].as<bool>()) {
            return true;
        }
        return !row[2].is_null() && row[2].as<double>() <= static_cast<double>(max_lag_.count());
    } catch (const std::exception&) {
        return false; // unreachable, or refused the question: the primary answers
    }
}

connection_pool* replica::usable() {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock{mutex_};
        // While one request checks, the others keep the last verdict rather than wait.
        if (checking_ || (checked_ && now - checked_at_ < recheck_)) {
            return usable_ ? &pool_ : nullptr;
        }
        checking_ = true;
    }
    const bool verdict = check();
    std::lock_guard lock{mutex_};
    checking_ = false;
    checked_ = true;
    checked_at_ = std::chrono::steady_clock::now();
    usable_ = verdict;
    return usable_ ? &pool_ : nullptr;
}

void replica::failed() {
    std::lock_guard lock{mutex_};
    usable_ = false;
    checked_ = true;
    checked_at_ = std::chrono::steady_clock::now();
}

} // namespace homeward::db
