#include "use_case.hpp"

#include "homeward/services/read_audit.hpp"

#include "homeward/db/audit.hpp"
#include "homeward/db/replica.hpp"

#include <boost/json/serialize.hpp>
#include <pqxx/except>

#include <algorithm>
#include <chrono>

namespace homeward::services {
namespace {

std::string_view outcome_of(failure_kind kind) {
    switch (kind) {
    case failure_kind::forbidden:
    case failure_kind::unauthenticated:
    case failure_kind::too_many_requests:
        return "denied";
    case failure_kind::not_found:
        return "not_found";
    case failure_kind::invalid_input:
    case failure_kind::invalid_query:
    case failure_kind::idempotency_conflict:
    case failure_kind::unsupported_media:
        return "invalid";
    case failure_kind::state_conflict:
    case failure_kind::stale_version:
        return "conflict";
    case failure_kind::unavailable:
        return "error";
    }
    return "error";
}

// The failure's kind, never its text: the detail may carry what a user typed, and the trail
// keeps ids and outcomes only.
std::string_view name_of(failure_kind kind) {
    switch (kind) {
    case failure_kind::invalid_input:
        return "invalid_input";
    case failure_kind::invalid_query:
        return "invalid_query";
    case failure_kind::unauthenticated:
        return "unauthenticated";
    case failure_kind::forbidden:
        return "forbidden";
    case failure_kind::not_found:
        return "not_found";
    case failure_kind::state_conflict:
        return "state_conflict";
    case failure_kind::stale_version:
        return "stale_version";
    case failure_kind::idempotency_conflict:
        return "idempotency_conflict";
    case failure_kind::unsupported_media:
        return "unsupported_media";
    case failure_kind::too_many_requests:
        return "too_many_requests";
    case failure_kind::unavailable:
        return "unavailable";
    }
    return "unknown";
}

db::audit_entry entry_for(const actor& who, const audit_target& target, std::string_view outcome,
                          const boost::json::object& detail) {
    db::audit_entry entry;
    entry.request_id = who.request_id;
    if (!who.user_id.empty()) {
        entry.actor_id = who.user_id;
        entry.actor_username = who.username;
        entry.actor_role = who.role;
    }
    if (!who.organisation_id.empty()) {
        entry.organisation_id = who.organisation_id;
    }
    entry.action = target.action;
    entry.entity_type = target.entity_type;
    // What the caller named may be anything; the trail keeps only what can be an id.
    entry.entity_id = workflow::is_clean_text(target.entity_id) && target.entity_id.size() <= 64
                          ? target.entity_id
                          : "";
    entry.outcome = std::string{outcome};
    entry.detail_json = boost::json::serialize(detail);
    return entry;
}

// A refusal or failure, in a transaction of its own.
void audit_failure(const environment& env, const actor& who, const audit_target& target,
                   std::string_view outcome, const boost::json::object& detail) {
    db::unit_of_work uow{env.pool};
    db::audit::append(uow, entry_for(who, target, outcome, detail));
    uow.commit();
}

// An unexpected failure: the request answers 500; the trail still records that it was attempted.
void audit_error(const environment& env, const actor& who, const audit_target& target) {
    try {
        audit_failure(env, who, target, "error", {});
    } catch (const std::exception&) {
        // The database itself failed: the original error is the one to report.
    }
}

// The replica could not serve a read (unreachable, or a statement cancelled by a conflict with
// recovery): the read is made again on the primary. Not a std::exception, so that nothing audits
// it as an error on its way.
struct replica_unusable {};

// What a failure on the replica means: the replica's fault (read again on the primary) or the
// read's own (a refusal, a bad query: the same on either).
bool replica_fault(const pqxx::sql_error& error) {
    return error.sqlstate() == "40001" || error.sqlstate() == "25006" ||
           error.sqlstate().starts_with("57P");
}

} // namespace

workflow::time_point system_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

void finish(const workflow::input_reader& input) {
    if (!input.ok()) {
        throw failure(failure_kind::invalid_input, workflow::describe(input.errors()),
                      input.errors());
    }
}

db::scope scope_of(const actor& who) { return {who.role, who.organisation_id, who.user_id}; }

db::audit_entry success_entry(const actor& who, const audit_target& target,
                              const boost::json::object& detail) {
    return entry_for(who, target, "success", detail);
}

void audit_success(db::unit_of_work& uow, const actor& who, const audit_target& target,
                   const boost::json::object& detail) {
    db::audit::append(uow, success_entry(who, target, detail));
}

failure database_unavailable(const std::string& cause) {
    failure down(failure_kind::unavailable, "the database is unavailable");
    down.with_cause(cause);
    return down;
}

namespace {

// run_in_transaction on `pool`: the primary's, or the replica's (on_replica), where a failure of
// the replica itself becomes replica_unusable. Refusals and errors are audited on the primary.
void run_in_transaction_on(const environment& env, db::connection_pool& pool, bool on_replica,
                           const actor& who, const audit_target& target,
                           const std::function<void(db::unit_of_work&)>& body,
                           db::unit_of_work::isolation level) {
    try {
        try {
            db::unit_of_work uow{pool, level};
            body(uow);
            uow.commit();
        } catch (const db::bad_value&) {
            throw failure(failure_kind::invalid_input,
                          "a value in the request is not valid for its field");
        } catch (const db::unavailable&) {
            if (on_replica) {
                throw replica_unusable{};
            }
            throw;
        } catch (const pqxx::broken_connection&) {
            if (on_replica) {
                throw replica_unusable{};
            }
            throw;
        } catch (const pqxx::sql_error& error) {
            if (on_replica && replica_fault(error)) {
                throw replica_unusable{};
            }
            throw;
        }
    } catch (const failure& refused) {
        if (refused.kind() != failure_kind::unavailable) {
            audit_failure(env, who, target, outcome_of(refused.kind()),
                          {{"refusal", name_of(refused.kind())}});
        }
        throw;
    } catch (const db::unavailable& down) {
        throw database_unavailable(down.what());
    } catch (const pqxx::broken_connection& down) {
        throw database_unavailable(std::string{"the database connection was lost: "} + down.what());
    } catch (const pqxx::sql_error& error) {
        // A statement cancelled by statement_timeout (57014): the database is too busy to answer
        // in time, which the client may try again; anything else is unexpected.
        if (error.sqlstate() != "57014") {
            audit_error(env, who, target);
            throw;
        }
        throw database_unavailable(error.what());
    } catch (const std::exception&) {
        // Unexpected: the request answers 500; the trail still records that it was attempted.
        audit_error(env, who, target);
        throw;
    }
}

} // namespace

void run_in_transaction(const environment& env, const actor& who, const audit_target& target,
                        const std::function<void(db::unit_of_work&)>& body,
                        db::unit_of_work::isolation level) {
    run_in_transaction_on(env, env.pool, false, who, target, body, level);
}

// ---- reads' audit entries, deferred ----------------------------------------------------------

struct deferred_read_audit::state {
    db::audit::batcher* batcher{nullptr};
    std::vector<db::audit_entry> entries;
};

namespace {

// The deferral active on this thread, if any.
thread_local deferred_read_audit::state* deferred_here = nullptr;

// Hands a read's entries to the deferral active on this thread, when it writes to the same
// batcher as the read's environment would; returns whether it did.
bool defer_read_audit(const environment& env, std::vector<db::audit_entry>& entries) {
    auto* deferred = deferred_here;
    if (deferred == nullptr || env.audit_reads == nullptr || deferred->batcher != env.audit_reads) {
        return false;
    }
    for (auto& entry : entries) {
        deferred->entries.push_back(std::move(entry));
    }
    return true;
}

} // namespace

deferred_read_audit::deferred_read_audit() = default;

deferred_read_audit::deferred_read_audit(const environment& env) {
    if (env.audit_reads != nullptr) {
        state_ = std::make_unique<state>();
        state_->batcher = env.audit_reads;
        deferred_here = state_.get();
    }
}

// Entries never handed over (the caller failed before it could) are still written: the reads
// were made, though no one waits for their record.
deferred_read_audit::~deferred_read_audit() {
    if (pending()) {
        make_durable([](std::exception_ptr) {});
    }
    stop();
}

deferred_read_audit::deferred_read_audit(deferred_read_audit&&) noexcept = default;

deferred_read_audit& deferred_read_audit::operator=(deferred_read_audit&& other) noexcept {
    if (this != &other) {
        stop();
        state_ = std::move(other.state_);
    }
    return *this;
}

void deferred_read_audit::stop() {
    if (state_ && deferred_here == state_.get()) {
        deferred_here = nullptr;
    }
}

bool deferred_read_audit::pending() const { return state_ && !state_->entries.empty(); }

void deferred_read_audit::make_durable(std::function<void(std::exception_ptr)> done) {
    stop();
    if (!pending()) {
        done(nullptr);
        return;
    }
    state_->batcher->submit(
        std::move(state_->entries),
        [done = std::move(done)](std::exception_ptr error, const std::vector<std::int64_t>&) {
            done(error);
        });
    state_.reset();
}

void read_audit::read(const audit_target& target, const boost::json::object& detail) {
    entries_.push_back(entry_for(who_, target, "success", detail));
}

void run_read_in_transaction(const environment& env, const actor& who, const audit_target& target,
                             const std::function<void(db::unit_of_work&, read_audit&)>& body,
                             db::unit_of_work::isolation level) {
    read_audit audit{who};
    const auto read = [&](db::unit_of_work& uow) { body(uow, audit); };
    bool done = false;
    if (env.may_read_replica != nullptr) {
        *env.may_read_replica = read_source::primary;
        auto* replica = env.replica != nullptr ? env.replica->usable() : nullptr;
        if (replica != nullptr) {
            try {
                run_in_transaction_on(env, *replica, true, who, target, read, level);
                *env.may_read_replica = read_source::replica;
                done = true;
            } catch (const replica_unusable&) {
                env.replica->failed();
                audit.entries().clear();
            }
        }
    }
    if (!done) {
        run_in_transaction(env, who, target, read, level);
    }
    // The audit entries go to the primary (env.pool, or its batcher), whichever database read.
    // Durable before the answer leaves: a crash of the server or the database never loses the
    // entry of a read someone saw.
    if (audit.entries().empty()) {
        return;
    }
    if (defer_read_audit(env, audit.entries())) {
        return;
    }
    if (env.audit_reads == nullptr) {
        run_in_transaction(env, who, target, [&](db::unit_of_work& uow) {
            db::audit::append_all(uow, audit.entries());
        });
        return;
    }
    try {
        // All of the read's entries in one batch: one commit to wait for, not one per entry.
        env.audit_reads->write(std::move(audit.entries()));
    } catch (const db::unavailable& down) {
        throw database_unavailable(down.what());
    } catch (const pqxx::broken_connection& down) {
        throw database_unavailable(down.what());
    }
}

void require_role(const actor& who, std::initializer_list<workflow::role> roles,
                  std::string_view what) {
    if (std::find(roles.begin(), roles.end(), who.role) == roles.end()) {
        throw failure(failure_kind::forbidden, "the role " +
                                                   std::string{workflow::to_string(who.role)} +
                                                   " may not " + std::string{what});
    }
}

bool manages(const actor& who, std::string_view organisation_code) {
    return who.deployment_admin || organisation_code == who.organisation_code;
}

void require_manages(const actor& who, std::string_view organisation_code, std::string_view what) {
    if (!manages(who, organisation_code)) {
        throw failure(failure_kind::forbidden, "an organisation's admin may " + std::string{what} +
                                                   " of their own organisation only");
    }
}

} // namespace homeward::services
