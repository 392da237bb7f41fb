#pragma once
// A fixed-size pool of PostgreSQL connections. A connection is leased to one thread at a time
// (libpqxx connections are not thread-safe); every statement the repositories use is prepared once
// per connection when it opens; a connection found broken is dropped and replaced on next use.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/connection>

namespace homeward::db {

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
    connection_pool(std::string url, std::size_t size,
                    std::chrono::milliseconds acquire_timeout = std::chrono::seconds{5});
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
        pqxx::connection& connection() const { return *connection_; }

    private:
        friend class connection_pool;
        lease(connection_pool* pool, std::unique_ptr<pqxx::connection> connection);
        connection_pool* pool_;
        std::unique_ptr<pqxx::connection> connection_;
    };

    // Waits up to the acquire timeout; throws unavailable when no connection can be had.
    lease acquire();
    pool_stats stats() const;
    const std::string& url() const { return url_; }

private:
    void release(std::unique_ptr<pqxx::connection> connection);
    std::unique_ptr<pqxx::connection> open_connection();

    std::string url_;
    std::size_t size_;
    std::chrono::milliseconds acquire_timeout_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<pqxx::connection>> idle_;
    std::size_t open_{0};
    std::size_t in_use_{0};
    std::size_t waiting_{0};
};

} // namespace homeward::db
