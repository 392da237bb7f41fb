#pragma once
// How every use case runs: one transaction, audited, in the caller's scope. Refusals are audited in
// a transaction of their own (the use case's was rolled back), and so are unexpected failures.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/errors.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace homeward::services {

db::scope scope_of(const actor& who);

struct audit_target {
    std::string action;      // e.g. "episode.return", "child.read"
    std::string entity_type; // "episode", "child", ...
    std::string entity_id;
};

// Appends a success entry to the audit chain inside the use case's own transaction.
void audit_success(db::unit_of_work& uow, const actor& who, const audit_target& target,
                   const boost::json::object& detail = {});
// The same entry, for a write that appends it within its own statement (db::clocks::save).
db::audit_entry success_entry(const actor& who, const audit_target& target,
                              const boost::json::object& detail);

// The transaction and its audit, for run_audited below. A services::failure is audited with its
// outcome and rethrown; a database that cannot be reached becomes failure(unavailable); a value
// the database refused becomes failure(invalid_input); anything else is audited as an error and
// rethrown.
// A body that is one statement may ask for isolation::single_statement (no BEGIN or COMMIT).
void run_in_transaction(
    const environment& env, const actor& who, const audit_target& target,
    const std::function<void(db::unit_of_work&)>& body,
    db::unit_of_work::isolation level = db::unit_of_work::isolation::read_committed);

// The failure every use case answers when the database cannot be reached: the same words for the
// client (nothing internal), the cause kept for the log.
failure database_unavailable(const std::string& cause);

// Runs a use case's body in one transaction and returns what it returns.
template <typename Body>
auto run_audited(const environment& env, const actor& who, const audit_target& target,
                 Body&& body) {
    using result = std::invoke_result_t<Body&, db::unit_of_work&>;
    if constexpr (std::is_void_v<result>) {
        run_in_transaction(env, who, target, std::forward<Body>(body));
    } else {
        std::optional<result> answer;
        run_in_transaction(env, who, target,
                           [&](db::unit_of_work& uow) { answer.emplace(body(uow)); });
        return std::move(*answer);
    }
}

// The audit entries of a read, written durably once the read has been done and before its answer
// leaves (through the environment's batcher, which shares one commit among many reads).
class read_audit {
public:
    explicit read_audit(const actor& who) : who_(who) {}
    // Records that the caller read this, with the ids the read showed.
    void read(const audit_target& target, const boost::json::object& detail = {});
    std::vector<db::audit_entry>& entries() { return entries_; }

private:
    const actor& who_;
    std::vector<db::audit_entry> entries_;
};

// Runs a read: the body in one transaction (what it reads is consistent), then its audit entries
// made durable, then the answer. Failures are audited as run_audited's are.
void run_read_in_transaction(const environment& env, const actor& who, const audit_target& target,
                             const std::function<void(db::unit_of_work&, read_audit&)>& body,
                             db::unit_of_work::isolation level);

template <typename Body>
auto run_read(const environment& env, const actor& who, const audit_target& target, Body&& body,
              db::unit_of_work::isolation level = db::unit_of_work::isolation::read_committed) {
    using result = std::invoke_result_t<Body&, db::unit_of_work&, read_audit&>;
    std::optional<result> answer;
    run_read_in_transaction(
        env, who, target,
        [&](db::unit_of_work& uow, read_audit& audit) { answer.emplace(body(uow, audit)); }, level);
    return std::move(*answer);
}

// Throws failure(forbidden) unless the caller's role is one of these.
void require_role(const actor& who, std::initializer_list<workflow::role> roles,
                  std::string_view what);

// An admin manages their own organisation (its accounts, details, webhook and messages); a
// deployment-wide admin manages every organisation.
bool manages(const actor& who, std::string_view organisation_code);
// Throws failure(forbidden) when the admin does not manage the organisation of this code; `what`
// is what they would do, as "change the details".
void require_manages(const actor& who, std::string_view organisation_code, std::string_view what);

} // namespace homeward::services
