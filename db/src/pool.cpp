#include "homeward/db/pool.hpp"

#include <pqxx/pqxx>

#include <poll.h>

namespace homeward::db {
namespace {

// An idle connection has nothing to read. If its socket is readable, the server has closed it or
// sent a fatal error (a restart, pg_terminate_backend): it must not be lent again.
bool usable(const pqxx::connection& connection) {
    if (!connection.is_open()) {
        return false;
    }
    pollfd socket{connection.sock(), POLLIN, 0};
    return ::poll(&socket, 1, 0) == 0;
}

} // namespace

connection_pool::connection_pool(std::string url, std::size_t size,
                                 std::chrono::milliseconds acquire_timeout,
                                 std::chrono::milliseconds statement_timeout)
    : url_(std::move(url)), size_(size == 0 ? 1 : size), acquire_timeout_(acquire_timeout),
      statement_timeout_(statement_timeout) {}

connection_pool::~connection_pool() = default;

std::unique_ptr<connection_pool_entry> connection_pool::open_connection() {
    try {
        auto entry = std::make_unique<connection_pool_entry>(url_);
        // Every time the application reads or writes is UTC.
        entry->connection.set_variable("TimeZone", "'UTC'");
        entry->connection.set_variable("statement_timeout",
                                       std::to_string(statement_timeout_.count()));
        return entry;
    } catch (const pqxx::broken_connection& error) {
        throw unavailable(std::string{"database unreachable: "} + error.what());
    }
}

connection_pool::lease connection_pool::acquire() {
    std::unique_lock lock{mutex_};
    ++waiting_;
    const bool got = available_.wait_for(lock, acquire_timeout_,
                                         [this] { return !idle_.empty() || open_ < size_; });
    --waiting_;
    if (!got) {
        throw unavailable("no database connection free within the timeout");
    }
    ++in_use_;
    if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        lock.unlock();
        if (usable(connection->connection)) {
            return lease{this, std::move(connection)};
        }
        lock.lock();
        --open_;
    }
    ++open_; // reserve the slot before connecting outside the lock
    lock.unlock();
    try {
        return lease{this, open_connection()};
    } catch (...) {
        lock.lock();
        --open_;
        --in_use_;
        available_.notify_one();
        throw;
    }
}

void connection_pool::release(std::unique_ptr<connection_pool_entry> connection) {
    {
        std::lock_guard lock{mutex_};
        --in_use_;
        if (connection && connection->connection.is_open()) {
            idle_.push_back(std::move(connection));
        } else {
            --open_; // broken: its slot is reopened on the next acquire
        }
    }
    available_.notify_one();
}

pool_stats connection_pool::stats() const {
    std::lock_guard lock{mutex_};
    return {size_, open_, in_use_, waiting_};
}

connection_pool::lease::lease(connection_pool* pool,
                              std::unique_ptr<connection_pool_entry> connection)
    : pool_(pool), connection_(std::move(connection)) {}

connection_pool::lease::lease(lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {
    other.pool_ = nullptr;
}

connection_pool::lease::~lease() {
    if (pool_ != nullptr) {
        pool_->release(std::move(connection_));
    }
}

} // namespace homeward::db
