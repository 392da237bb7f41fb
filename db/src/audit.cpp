#include "homeward/db/audit.hpp"

#include "audit_append.hpp"
#include "sql.hpp"

#include <array>
#include <future>
#include <tuple>

namespace homeward::db::audit {
namespace {

#define EVENT_COLUMNS                                                                              \
    "request_id, actor_id, actor_username, actor_role, organisation_id, action, entity_type, "     \
    "entity_id, outcome, detail"

// The entry and its place in the queue of entries to chain, in one statement and without a lock.
const statement append_sql{"audit_append", "with " + append_ctes(1) + " select id from audited"};
const statement append_all_sql{
    "audit_append_all",
    "with event as (insert into audit_events (" EVENT_COLUMNS ") select * from unnest($1::text[], "
    "$2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], "
    "$9::text[], $10::jsonb[]) returning id), queued as (insert into audit_unchained (event_id) "
    "select id from event) select id from event order by id"};
const statement sequence_sql{"audit_sequence", "select audit_sequence($1)"};
const statement page_sql{
    "audit_page",
    "select c.seq, c.prev_hash, c.hash, audit_entry_hash(c.prev_hash, c.seq, e.at, e.request_id, "
    "e.actor_id, e.actor_username, e.actor_role, e.organisation_id, e.action, e.entity_type, "
    "e.entity_id, e.outcome, e.detail) from audit_chain c join audit_events e on e.id = "
    "c.event_id where c.seq > $1 order by c.seq limit $2"};
// Entries neither chained nor waiting to be: removed from the queue without being chained.
const statement orphans_sql{
    "audit_orphans",
    "select min(e.id) from audit_events e where not exists (select 1 from audit_chain c where "
    "c.event_id = e.id) and not exists (select 1 from audit_unchained u where u.event_id = e.id)"};
const statement waiting_sql{
    "audit_waiting",
    "select count(*), (extract(epoch from clock_timestamp() - min(e.at)) * 1000)::bigint from "
    "audit_unchained u join audit_events e on e.id = u.event_id"};
const statement head_sql{"audit_head",
                         "select seq, hash from audit_chain order by seq desc limit 1"};
const statement hash_at_sql{"audit_hash_at", "select hash from audit_chain where seq = $1"};
const statement save_checkpoint_sql{
    "audit_save_checkpoint",
    "insert into audit_checkpoints (seq, hash, signed_at, key_id, signature, document) values "
    "($1, $2, to_timestamp($3), $4, $5, $6)"};
const statement list_sql{
    "audit_list",
    "select a.id, a.seq, extract(epoch from a.at)::bigint, a.request_id, a.actor_id::text, "
    "a.actor_username, a.actor_role, a.organisation_id::text, a.action, a.entity_type, "
    "a.entity_id, a.outcome, a.detail::text from audit_log a where ($1::text is null or "
    "a.entity_id = $1) and ($2::uuid is null or a.actor_id = $2::uuid) and ($3::bigint is null "
    "or a.at >= to_timestamp($3)) and ($4::bigint is null or a.at < to_timestamp($4)) and "
    "($5::uuid is null or a.organisation_id = $5::uuid or a.entity_id in (select e.id::text from "
    "episodes e where e.responsible_authority_id = $5::uuid or e.host_authority_id = $5::uuid)) "
    "and ($7::bigint is null or a.id < $7) order by a.id desc limit $6"};

std::string bytes_of(const pqxx::field& field) { return pqxx::binarystring{field}.str(); }
pqxx::binarystring binary(const std::string& bytes) { return {bytes.data(), bytes.size()}; }

} // namespace

std::string append_ctes(int first) {
    // The casts of EVENT_COLUMNS, in order.
    static constexpr std::array<const char*, 10> casts{"", "::uuid", "", "", "::uuid",
                                                       "", "",       "", "", "::jsonb"};
    std::string values;
    for (std::size_t i = 0; i < casts.size(); ++i) {
        values += (i == 0 ? "$" : ", $") + std::to_string(first + static_cast<int>(i)) + casts[i];
    }
    return "audited as (insert into audit_events (" EVENT_COLUMNS ") values (" + values +
           ") returning id), audit_queued as (insert into audit_unchained (event_id) select id "
           "from audited)";
}

entry_values_type entry_values(const audit_entry& entry) {
    return {entry.request_id,          entry.actor_id,        entry.actor_username,
            text_of(entry.actor_role), entry.organisation_id, entry.action,
            entry.entity_type,         entry.entity_id,       entry.outcome,
            entry.detail_json};
}

std::int64_t append(unit_of_work& uow, const audit_entry& entry) {
    return std::apply([&](const auto&... values) { return run(uow, append_sql, values...); },
                      entry_values(entry))[0][0]
        .as<std::int64_t>();
}

std::vector<std::int64_t> append_all(unit_of_work& uow, const std::vector<audit_entry>& entries) {
    std::vector<std::optional<std::string>> request_ids, actor_ids, usernames, roles, organisations,
        actions, entity_types, entity_ids, outcomes, details;
    for (const auto& e : entries) {
        request_ids.emplace_back(e.request_id);
        actor_ids.push_back(e.actor_id);
        usernames.push_back(e.actor_username);
        roles.push_back(text_of(e.actor_role));
        organisations.push_back(e.organisation_id);
        actions.emplace_back(e.action);
        entity_types.emplace_back(e.entity_type);
        entity_ids.emplace_back(e.entity_id);
        outcomes.emplace_back(e.outcome);
        details.emplace_back(e.detail_json);
    }
    std::vector<std::int64_t> ids;
    for (const auto& row :
         run(uow, append_all_sql, nullable_array(request_ids), nullable_array(actor_ids),
             nullable_array(usernames), nullable_array(roles), nullable_array(organisations),
             nullable_array(actions), nullable_array(entity_types), nullable_array(entity_ids),
             nullable_array(outcomes), nullable_array(details))) {
        ids.push_back(row[0].as<std::int64_t>());
    }
    return ids;
}

int sequence(unit_of_work& uow, int batch) { return run(uow, sequence_sql, batch)[0][0].as<int>(); }

check verify(unit_of_work& uow) {
    constexpr int page = 5000;
    check result;
    std::int64_t last_seq = 0;
    std::string last_hash(32, '\0');
    while (true) {
        const auto rows = run(uow, page_sql, last_seq, page);
        for (const auto& row : rows) {
            const auto seq = row[0].as<std::int64_t>();
            const std::string prev = bytes_of(row[1]);
            const std::string hash = bytes_of(row[2]);
            const std::string expected = bytes_of(row[3]);
            if (seq != last_seq + 1) {
                result.first_broken = seq;
                result.problem = "entry " + std::to_string(seq) + " follows entry " +
                                 std::to_string(last_seq) + ": entries are missing";
                return result;
            }
            if (prev != last_hash) {
                result.first_broken = seq;
                result.problem = "entry " + std::to_string(seq) +
                                 " does not chain to the entry before it (previous hash differs)";
                return result;
            }
            if (hash != expected) {
                result.first_broken = seq;
                result.problem = "entry " + std::to_string(seq) +
                                 " has been altered: its hash does not match its contents";
                return result;
            }
            last_seq = seq;
            last_hash = hash;
            ++result.entries;
        }
        if (rows.size() < static_cast<std::size_t>(page)) {
            break;
        }
    }
    if (last_seq > 0) {
        result.head_seq = last_seq;
        result.head_hash = last_hash;
    }
    const auto orphan = run(uow, orphans_sql)[0][0];
    if (!orphan.is_null()) {
        result.first_broken = last_seq + 1;
        result.problem = "the entry with id " + orphan.as<std::string>() +
                         " is neither in the chain nor waiting to be chained: it was taken out "
                         "of the queue without being chained";
        return result;
    }
    const auto waiting = run(uow, waiting_sql)[0];
    result.unchained = waiting[0].as<std::int64_t>();
    if (!waiting[1].is_null()) {
        result.oldest_unchained = std::chrono::milliseconds{waiting[1].as<std::int64_t>()};
    }
    return result;
}

std::optional<std::string> hash_at(unit_of_work& uow, std::int64_t seq) {
    const auto result = run(uow, hash_at_sql, seq);
    if (result.empty()) {
        return std::nullopt;
    }
    return bytes_of(result[0][0]);
}

std::optional<std::pair<std::int64_t, std::string>> head(unit_of_work& uow) {
    const auto result = run(uow, head_sql);
    if (result.empty()) {
        return std::nullopt;
    }
    return std::pair{result[0][0].as<std::int64_t>(), bytes_of(result[0][1])};
}

void save_checkpoint(unit_of_work& uow, const checkpoint_row& c) {
    run(uow, save_checkpoint_sql, c.seq, binary(c.hash), epoch(c.signed_at), c.key_id,
        binary(c.signature), c.document);
}

std::vector<audit_item> list(unit_of_work& uow, const filter& f) {
    std::vector<audit_item> items;
    for (const auto& row : run(uow, list_sql, f.entity_id, f.actor_id, epoch(f.from), epoch(f.to),
                               f.organisation_id, f.limit, f.before_id)) {
        fields r{row};
        audit_item item;
        item.id = r.big();
        const auto seq = r.next();
        if (!seq.is_null()) {
            item.seq = seq.as<std::int64_t>();
        }
        item.at = r.time();
        item.request_id = r.optional_text();
        item.actor_id = r.optional_text();
        item.actor_username = r.optional_text();
        item.actor_role = r.optional_value<role>(workflow::parse_role);
        item.organisation_id = r.optional_text();
        item.action = r.text();
        item.entity_type = r.optional_text();
        item.entity_id = r.optional_text();
        item.outcome = r.text();
        item.detail_json = r.text();
        items.push_back(std::move(item));
    }
    return items;
}

// ---- the read batcher ---------------------------------------------------------------------

batcher::batcher(connection_pool& pool, std::size_t max_batch)
    : pool_(pool), max_batch_(max_batch), thread_([this] { run(); }) {}

batcher::~batcher() {
    {
        std::lock_guard lock{mutex_};
        stopping_ = true;
    }
    work_.notify_one();
    thread_.join();
}

void batcher::submit(std::vector<audit_entry> entries, written done) {
    {
        std::lock_guard lock{mutex_};
        queue_.push_back({std::move(entries), std::move(done)});
        if (queue_.size() > 1) {
            return; // the writer has been told already
        }
    }
    work_.notify_one();
}

std::vector<std::int64_t> batcher::write(std::vector<audit_entry> entries) {
    std::promise<std::vector<std::int64_t>> committed;
    auto ids = committed.get_future();
    submit(std::move(entries),
           [&committed](std::exception_ptr error, const std::vector<std::int64_t>& ids_written) {
               if (error) {
                   committed.set_exception(error);
               } else {
                   committed.set_value(ids_written);
               }
           });
    return ids.get();
}

std::int64_t batcher::append(const audit_entry& entry) { return write({entry}).at(0); }

batcher::stats batcher::counted() const {
    std::lock_guard lock{mutex_};
    return stats_;
}

// One thread writes what has queued while the last batch was committing: PostgreSQL's own group
// commit, one level up. The batch grows with the load, and so does what one flush serves.
void batcher::run() {
    std::unique_lock lock{mutex_};
    while (true) {
        work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) {
            return;
        }
        std::vector<request> batch;
        std::vector<audit_entry> entries;
        // Whole requests, up to max_batch_ entries (a larger request goes alone).
        while (!queue_.empty() &&
               (batch.empty() || entries.size() + queue_.front().entries.size() <= max_batch_)) {
            for (auto& entry : queue_.front().entries) {
                entries.push_back(std::move(entry));
            }
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        lock.unlock();
        std::vector<std::int64_t> ids;
        std::exception_ptr error;
        try {
            // One statement inserts the whole batch and commits it: one durable flush for all.
            unit_of_work uow{pool_, unit_of_work::isolation::single_statement};
            ids = append_all(uow, entries);
            uow.commit();
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        if (!error) {
            stats_.entries += entries.size();
            ++stats_.batches;
        }
        // Told outside the lock, so that no caller's callback waits for it.
        lock.unlock();
        std::size_t next = 0;
        for (auto& r : batch) {
            const auto count = r.entries.size();
            std::vector<std::int64_t> mine;
            if (!error) {
                mine.assign(ids.begin() + static_cast<std::ptrdiff_t>(next),
                            ids.begin() + static_cast<std::ptrdiff_t>(next + count));
            }
            next += count;
            try {
                r.done(error, mine);
            } catch (...) {
                // A callback must not throw; the writer goes on for the others.
            }
        }
        lock.lock();
    }
}

#undef EVENT_COLUMNS

} // namespace homeward::db::audit
