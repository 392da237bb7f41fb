#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace homeward::db {

// The database's schema is newer than this binary knows: it must not touch it.
class schema_too_new : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct migration_report {
    int from_version{0};
    int to_version{0};
    std::vector<std::string> applied; // file names, in order
};

// The newest schema version compiled into this binary.
int latest_schema_version();

// Applies every migration newer than the database's, each in its own transaction, recording it in
// schema_migrations. Serialised by an advisory lock, so two processes may run it at once. Throws
// schema_too_new when the database has a version this binary does not know.
migration_report migrate(const std::string& url);

// The schema version the database is at (0 for an empty database).
int current_schema_version(const std::string& url);

} // namespace homeward::db
