#pragma once
// A database of a test's own, on the server of the test database: created empty, dropped when the
// test is done with it (its connections closed by force), so that what the test writes never
// meets the other tests.

#include "test_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>

namespace homeward::testing {

// The same server and credentials, another database: the path of a URI, or a later dbname in a
// key=value connection string (libpq takes the last one given).
inline std::string url_of_database(const std::string& url, const std::string& name) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) {
        return url + " dbname=" + name;
    }
    const auto query = url.find('?', scheme + 3);
    const auto authority_end = std::min(url.find('/', scheme + 3), query);
    const std::string rest = query == std::string::npos ? "" : url.substr(query);
    return url.substr(0, authority_end) + "/" + name + rest;
}

class scratch_database {
public:
    // A name of `prefix` and random hex digits (lower case, as PostgreSQL folds names).
    explicit scratch_database(const std::string& prefix) {
        std::mt19937_64 random{std::random_device{}()};
        std::ostringstream name;
        name << prefix << std::hex << random();
        name_ = name.str();
        pqxx::connection admin{test_database_url()};
        pqxx::nontransaction{admin}.exec0("create database " + name_);
        url_ = url_of_database(test_database_url(), name_);
    }
    ~scratch_database() {
        try {
            pqxx::connection admin{test_database_url()};
            pqxx::nontransaction{admin}.exec0("drop database if exists " + name_ + " with (force)");
        } catch (const std::exception& error) {
            ADD_FAILURE() << "could not drop the scratch database " << name_ << ": "
                          << error.what();
        }
    }
    scratch_database(const scratch_database&) = delete;
    scratch_database& operator=(const scratch_database&) = delete;

    const std::string& name() const { return name_; }
    const std::string& url() const { return url_; }

private:
    std::string name_;
    std::string url_;
};

} // namespace homeward::testing
