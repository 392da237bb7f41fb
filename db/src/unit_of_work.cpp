#include "homeward/db/unit_of_work.hpp"

#include "sql.hpp"

namespace homeward::db {
namespace {

const statement ping_sql{"ping", "select 1"};

} // namespace

unit_of_work::unit_of_work(connection_pool& pool, isolation level) : lease_(pool.acquire()) {
    if (level == isolation::snapshot) {
        tx_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read>>(lease_.connection());
    } else if (level == isolation::single_statement) {
        tx_ = std::make_unique<pqxx::nontransaction>(lease_.connection());
    } else {
        tx_ = std::make_unique<pqxx::work>(lease_.connection());
    }
}

unit_of_work::~unit_of_work() = default;

void unit_of_work::commit() { tx_->commit(); }

bool ping(unit_of_work& uow) { return run(uow, ping_sql)[0][0].as<int>() == 1; }

} // namespace homeward::db
