#pragma once

#include <pqxx/connection>

namespace homeward::db {

// Registers every named statement on a new connection and sets its session to UTC.
void prepare_statements(pqxx::connection& connection);

} // namespace homeward::db
