#pragma once
// One transaction on one leased connection. Everything a use case writes goes through one
// unit_of_work and commits together, or not at all (destroying it uncommitted rolls back).

#include "homeward/db/pool.hpp"

#include <memory>

namespace pqxx {
class dbtransaction;
}

namespace homeward::db {

class unit_of_work {
public:
    enum class isolation { read_committed, snapshot };
    // snapshot: REPEATABLE READ, for reads that must see one consistent moment (audit verify).
    explicit unit_of_work(connection_pool& pool, isolation level = isolation::read_committed);
    ~unit_of_work();
    unit_of_work(const unit_of_work&) = delete;
    unit_of_work& operator=(const unit_of_work&) = delete;

    pqxx::dbtransaction& tx() { return *tx_; }
    void commit();

private:
    connection_pool::lease lease_;
    std::unique_ptr<pqxx::dbtransaction> tx_;
};

} // namespace homeward::db
