#include "homeward/db/connection.hpp"

#include <pqxx/pqxx>

namespace homeward::db {

std::string server_version(const std::string& url) {
    pqxx::connection connection{url};
    pqxx::read_transaction tx{connection};
    return tx.exec1("show server_version")[0].as<std::string>();
}

} // namespace homeward::db
