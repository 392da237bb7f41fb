#pragma once

#include "sql.hpp"

#include <pqxx/connection>

#include <span>

namespace homeward::db {

// Registers every named statement on a new connection and sets its session to UTC.
void prepare_statements(pqxx::connection& connection);

// The outbox's statements (outbox.cpp), registered with the rest.
std::span<const statement> outbox_statements();

} // namespace homeward::db
