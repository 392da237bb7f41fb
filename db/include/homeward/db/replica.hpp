#pragma once
// A PostgreSQL streaming replica for the reads that may be a little behind (the figures and the
// exports). It is used while it answers and is current enough: caught up (everything it has
// received is replayed and its WAL receiver is connected), or its last replayed transaction is at
// most `max_lag` old. The verdict is kept for `recheck` so that a request costs no extra round
// trip; a read the replica fails (unreachable, a conflict with recovery) marks it unusable until
// the next check. Nothing is ever written through it.

#include "homeward/db/pool.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace homeward::db {

class replica {
public:
    replica(std::string url, std::size_t pool_size, std::chrono::seconds max_lag,
            std::chrono::milliseconds statement_timeout,
            std::chrono::milliseconds recheck = std::chrono::seconds{1});
    replica(const replica&) = delete;
    replica& operator=(const replica&) = delete;

    // The replica's pool when it was usable at the last check (made now if that is older than
    // `recheck`); nullptr: read from the primary.
    connection_pool* usable();
    // A read on the replica failed for want of the replica: the primary until the next check.
    void failed();
    std::chrono::seconds max_lag() const { return max_lag_; }

private:
    bool check();

    connection_pool pool_;
    std::chrono::seconds max_lag_;
    std::chrono::milliseconds recheck_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point checked_at_{};
    bool checked_{false};
    bool checking_{false};
    bool usable_{false};
};

} // namespace homeward::db
