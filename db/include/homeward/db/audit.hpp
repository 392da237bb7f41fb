#pragma once
// The audit trail: entries appended without any lock (insert-only rows, in the transaction of the
// write they record, or by the read batcher, which shares one durable commit among many reads),
// a sequencer that chains committed entries in batches (sequence number and hash, as rows of
// their own), the chain's check, signed checkpoints, and the trail as its readers see it.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace homeward::db::audit {

// Appends an entry in the caller's transaction; it is chained after that commits. Returns its id.
std::int64_t append(unit_of_work& uow, const audit_entry& entry);
// Appends several entries in one statement; returns their ids, in order.
std::vector<std::int64_t> append_all(unit_of_work& uow, const std::vector<audit_entry>& entries);

// Chains up to `batch` committed entries (serialised across processes); returns how many.
int sequence(unit_of_work& uow, int batch);

struct check {
    std::int64_t entries{0};                  // chained entries that verify
    std::optional<std::int64_t> first_broken; // seq of the first entry that does not verify
    std::string problem;
    std::int64_t unchained{0}; // committed, waiting for the sequencer
    std::optional<std::chrono::milliseconds> oldest_unchained; // how long the oldest has waited
    std::optional<std::int64_t> head_seq;
    std::string head_hash; // raw 32 bytes
};
// Walks the chain from the first entry to the head (run it in a snapshot transaction), and checks
// that every entry is chained or waiting to be.
check verify(unit_of_work& uow);

// The chain's entry at this sequence number: its hash, if there is one.
std::optional<std::string> hash_at(unit_of_work& uow, std::int64_t seq);

struct checkpoint_row {
    std::int64_t seq{0};
    std::string hash; // raw 32 bytes
    time_point signed_at{};
    std::string key_id;
    std::string signature; // raw bytes
    std::string document;  // the JSON document that was signed and sent to the witness
};
// The chain's head: its sequence number and hash (nullopt while the chain is empty).
std::optional<std::pair<std::int64_t, std::string>> head(unit_of_work& uow);
void save_checkpoint(unit_of_work& uow, const checkpoint_row& checkpoint);

struct filter {
    std::optional<std::string> entity_id;
    std::optional<std::string> actor_id;
    std::optional<time_point> from;
    std::optional<time_point> to;
    std::optional<std::string> organisation_id; // the champion's authority; unset for admins
    int limit{50};
    std::optional<std::int64_t> before_id;
};
// Newest first.
std::vector<audit_item> list(unit_of_work& uow, const filter& f);

// Group commit for the audit entries of reads: entries queued by submit() or append() are written
// by one thread, in one transaction shared with whatever other entries were queued meanwhile, and
// each caller learns once that transaction has committed (so a response that shows case content
// leaves only after its entry is durable).
class batcher {
public:
    explicit batcher(connection_pool& pool, std::size_t max_batch = 1000);
    ~batcher(); // writes what is queued, then stops
    batcher(const batcher&) = delete;
    batcher& operator=(const batcher&) = delete;

    // Called once, on the batcher's thread, when the entries' batch has committed (error null,
    // `ids` the entries' ids in order) or failed (error what writing it threw: db::unavailable,
    // ...). It must not block: it runs before the next batch is written.
    using written =
        std::function<void(std::exception_ptr error, const std::vector<std::int64_t>& ids)>;
    // Queues the entries (all in one batch) and returns at once.
    void submit(std::vector<audit_entry> entries, written done);
    // Queues the entries (all in one batch) and returns their ids, in order, once they are
    // durable; throws what writing the batch threw (db::unavailable, ...).
    std::vector<std::int64_t> write(std::vector<audit_entry> entries);
    // write() of one entry.
    std::int64_t append(const audit_entry& entry);

    struct stats {
        std::uint64_t entries{0};
        std::uint64_t batches{0};
    };
    stats counted() const;

private:
    struct request {
        std::vector<audit_entry> entries;
        written done;
    };
    void run();

    connection_pool& pool_;
    std::size_t max_batch_;
    mutable std::mutex mutex_;
    std::condition_variable work_; // the writer's: entries queued, or stopping
    std::deque<request> queue_;
    bool stopping_{false};
    stats stats_{};
    std::thread thread_;
};

} // namespace homeward::db::audit
