#pragma once
// The PostgreSQL database that ops/test starts for the tests. Not being given one means the tests
// were not run through ops/test: that fails the test, it never skips it.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace homeward::testing {

inline std::string test_database_url() {
    const char* url = std::getenv("HOMEWARD_TEST_DATABASE_URL");
    if (url == nullptr || *url == '\0') {
        ADD_FAILURE() << "HOMEWARD_TEST_DATABASE_URL is not set: run the tests through ops/test";
        return "postgresql://invalid.invalid/none";
    }
    return url;
}

// The same database as the application's own role (homeward_app), as serve connects in
// production: it may insert into the audit trail and read it, never update or delete it.
inline std::string test_app_database_url() {
    const char* url = std::getenv("HOMEWARD_TEST_APP_DATABASE_URL");
    if (url == nullptr || *url == '\0') {
        ADD_FAILURE()
            << "HOMEWARD_TEST_APP_DATABASE_URL is not set: run the tests through ops/test";
        return "postgresql://invalid.invalid/none";
    }
    return url;
}

} // namespace homeward::testing
