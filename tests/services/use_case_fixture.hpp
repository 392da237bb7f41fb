#pragma once
// Use cases against the real PostgreSQL that ops/test starts, with an injected clock.

#include "homeward/db/pool.hpp"
#include "homeward/services/environment.hpp"

#include <boost/json/object.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

namespace homeward::testing {

class services_test : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    void SetUp() override;

    static std::string database_url();
    std::string make_org(const std::string& kind);
    services::actor make_user(const std::string& role, const std::string& org_id);
    std::string make_child(const services::actor& by, const std::string& responsible_id);
    std::string report(const services::actor& police, const std::string& child_id);
    std::string at(std::chrono::seconds offset) const;

    // One query's first value, on a connection of its own.
    static std::string query(const std::string& sql);
    // What a refused use case must leave exactly as it was.
    std::map<std::string, std::string> snapshot(const std::string& episode_id) const;

    std::atomic<std::int64_t> now_{0};
    std::unique_ptr<db::connection_pool> pool_;
    std::unique_ptr<services::environment> env_;
    std::map<std::string, std::string> org_codes_; // id → code
};

} // namespace homeward::testing
