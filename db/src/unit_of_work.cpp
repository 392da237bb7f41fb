#include "homeward/db/unit_of_work.hpp"

#include "sql.hpp"

namespace homeward::db {
namespace {

const statement ping_sql{"ping", "select 1"};

} // namespace

unit_of_work::unit_of_work(connection_pool& pool, isolation level)
    : lease_(pool.acquire()), single_statement_(level == isolation::single_statement) {
    if (level == isolation::snapshot) {
        tx_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read>>(lease_.connection());
    } else if (level == isolation::single_statement) {
        tx_ = std::make_unique<pqxx::nontransaction>(lease_.connection());
    } else {
        tx_ = std::make_unique<pqxx::work>(lease_.connection());
    }
}

unit_of_work::~unit_of_work() = default;

void unit_of_work::commit() {
    tx_->commit();
    auto done = std::move(after_commit_);
    after_commit_.clear();
    for (const auto& then : done) {
        then();
    }
}

void unit_of_work::after_commit(std::function<void()> done) {
    if (single_statement_) {
        done();
    } else {
        after_commit_.push_back(std::move(done));
    }
}

bool ping(unit_of_work& uow) { return run(uow, ping_sql)[0][0].as<int>() == 1; }

} // namespace homeward::db
