#pragma once

#include <string>

namespace homeward::db {

// Connects with a libpq connection string or URI and returns the server's version
// (e.g. "15.18"); throws pqxx::broken_connection when the database cannot be reached.
std::string server_version(const std::string& url);

} // namespace homeward::db
