#pragma once
// One transaction on one leased connection. Everything a use case writes goes through one
// unit_of_work and commits together, or not at all (destroying it uncommitted rolls back).

#include "homeward/db/pool.hpp"

#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

namespace pqxx {
class transaction_base;
}

namespace homeward::db {

// A write broke a unique constraint (a duplicate code, username, ...).
class duplicate : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A value the database refused as malformed for its type (text that is not UTF-8, a number out
// of range): the caller's input, not a fault of ours.
class bad_value : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class unit_of_work {
public:
    enum class isolation { read_committed, snapshot, single_statement };
    // snapshot: REPEATABLE READ, for reads that must see one consistent moment (audit verify).
    // single_statement: no BEGIN or COMMIT, each statement commits on its own; for work that is one
    // statement (authenticating a request), saving two round trips on every request.
    explicit unit_of_work(connection_pool& pool, isolation level = isolation::read_committed);
    ~unit_of_work();
    unit_of_work(const unit_of_work&) = delete;
    unit_of_work& operator=(const unit_of_work&) = delete;

    pqxx::transaction_base& tx() { return *tx_; }
    const connection_pool::lease& lease() const { return lease_; }
    void commit();
    // Called once the transaction has committed (at once in a single_statement unit, whose
    // statements commit as they run); never if it rolls back.
    void after_commit(std::function<void()> done);

private:
    connection_pool::lease lease_;
    std::unique_ptr<pqxx::transaction_base> tx_;
    bool single_statement_{false};
    std::vector<std::function<void()>> after_commit_;
};

// Runs a trivial query: true when the database answers.
bool ping(unit_of_work& uow);

} // namespace homeward::db
