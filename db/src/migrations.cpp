#include "homeward/db/migrations.hpp"

#include "migration_list.hpp"

#include <pqxx/pqxx>

namespace homeward::db {
namespace {

// Any fixed number: both processes running migrate take the same lock.
constexpr long long migration_lock_key = 0x486f6d6577617264; // "Homeward"

// The schema's version as recorded; 0 before the first migration. Only reads: the application's
// role, which `serve` and the other commands connect as, may not create tables (and PostgreSQL
// checks that privilege even for `create table if not exists` on a table that exists).
int version_in(pqxx::transaction_base& tx) {
    if (tx.exec1("select to_regclass('schema_migrations') is null")[0].as<bool>()) {
        return 0;
    }
    return tx.exec1("select coalesce(max(version), 0) from schema_migrations")[0].as<int>();
}

void create_migrations_table(pqxx::transaction_base& tx) {
    tx.exec0("create table if not exists schema_migrations ("
             " version integer primary key,"
             " name text not null,"
             " applied_at timestamptz not null default now())");
}

} // namespace

int latest_schema_version() {
    const auto& list = embedded_migrations();
    return list.empty() ? 0 : list.back().version;
}

int current_schema_version(const std::string& url) {
    pqxx::connection connection{url};
    pqxx::read_transaction tx{connection};
    return version_in(tx);
}

migration_report migrate(const std::string& url) {
    pqxx::connection connection{url};
    connection.set_variable("client_min_messages", "warning");
    {
        pqxx::nontransaction lock{connection};
        lock.exec_params("select pg_advisory_lock($1)", migration_lock_key);
    }
    migration_report report;
    try {
        {
            pqxx::work tx{connection};
            create_migrations_table(tx);
            report.from_version = version_in(tx);
            tx.commit();
        }
        report.to_version = report.from_version;
        if (report.from_version > latest_schema_version()) {
            throw schema_too_new(
                "the database schema is at version " + std::to_string(report.from_version) +
                ", newer than this homeward knows (" + std::to_string(latest_schema_version()) +
                "): upgrade homeward instead");
        }
        for (const auto& step : embedded_migrations()) {
            if (step.version <= report.from_version) {
                continue;
            }
            pqxx::work tx{connection};
            tx.exec0(std::string{step.sql});
            tx.exec_params0("insert into schema_migrations (version, name) values ($1, $2)",
                            step.version, std::string{step.name});
            tx.commit();
            report.applied.emplace_back(step.name);
            report.to_version = step.version;
        }
    } catch (...) {
        pqxx::nontransaction unlock{connection};
        unlock.exec_params("select pg_advisory_unlock($1)", migration_lock_key);
        throw;
    }
    pqxx::nontransaction unlock{connection};
    unlock.exec_params("select pg_advisory_unlock($1)", migration_lock_key);
    return report;
}

} // namespace homeward::db
