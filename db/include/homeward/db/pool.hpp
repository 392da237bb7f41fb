#pragma once
// A fixed-size pool of PostgreSQL connections. A connection is leased to one thread at a time
// (libpqxx connections are not thread-safe); each statement the repositories use is declared on a
// connection the first time that connection runs it; a connection found broken is dropped and
// replaced on next use.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include <pqxx/connection>

namespace homeward::db {

// A connection and the statements already declared on it.
struct connection_pool_entry {
    explicit connection_pool_entry(const std::string& url) : connection(url) {}
    pqxx::connection connection;
    std::unordered_set<const void*> prepared;
};

// No connection could be had in time, or the database cannot be reached.
class unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct pool_stats {
    std::size_t size{0};    // the configured maximum
    std::size_t open{0};    // connections currently open
    std::size_t in_use{0};  // leased right now
    std::size_t waiting{0}; // callers waiting for a lease
};

class connection_pool {
public:
    // Every statement on a pooled connection is cancelled after `statement_timeout`, so that no
    // query can hold a connection (and a request) without end.
    connection_pool(std::string url, std::size_t size,
                    std::chrono::milliseconds acquire_timeout = std::chrono::seconds{5},
                    std::chrono::milliseconds statement_timeout = std::chrono::seconds{30});
    ~connection_pool();
    connection_pool(const connection_pool&) = delete;
    connection_pool& operator=(const connection_pool&) = delete;

    class lease {
    public:
        lease(lease&& other) noexcept;
        lease& operator=(lease&&) = delete;
        lease(const lease&) = delete;
        lease& operator=(const lease&) = delete;
        ~lease();
        pqxx::connection& connection() const { return connection_->connection; }
        // True the first time this connection is asked about this statement (then: declare it).
        bool first_use(const void* statement) const {
            return connection_->prepared.insert(statement).second;
        }

    private:
        friend class connection_pool;
        using pooled = connection_pool_entry;
        lease(connection_pool* pool, std::unique_ptr<pooled> connection);
        connection_pool* pool_;
        std::unique_ptr<pooled> connection_;
    };

    // Waits up to the acquire timeout; throws unavailable when no connection can be had.
    lease acquire();
    pool_stats stats() const;
    const std::string& url() const { return url_; }

private:
    void release(std::unique_ptr<lease::pooled> connection);
    std::unique_ptr<lease::pooled> open_connection();

    std::string url_;
    std::size_t size_;
    std::chrono::milliseconds acquire_timeout_;
    std::chrono::milliseconds statement_timeout_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<lease::pooled>> idle_;
    std::size_t open_{0};
    std::size_t in_use_{0};
    std::size_t waiting_{0};
};

} // namespace homeward::db
