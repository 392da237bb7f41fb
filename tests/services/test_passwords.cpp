// Argon2id's memory is bounded however many workers hash at once: at most one computation per
// core runs, the rest wait, and every hash still verifies.

#include "homeward/services/passwords.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace homeward::testing {
namespace {

TEST(passwords, no_more_hashes_run_at_once_than_the_limit_however_many_threads_ask) {
    const auto limit = services::password_hashing().limit;
    ASSERT_GE(limit, 2);
    const int threads = 3 * limit;
    std::vector<std::string> hashes(static_cast<std::size_t>(threads));
    std::vector<std::thread> running;
    for (int i = 0; i < threads; ++i) {
        running.emplace_back([&hashes, i] {
            hashes[static_cast<std::size_t>(i)] =
                services::hash_password("passphrase " + std::to_string(i));
        });
    }
    for (auto& thread : running) {
        thread.join();
    }
    const auto load = services::password_hashing();
    EXPECT_LE(load.peak, load.limit);
    EXPECT_GE(load.peak, 2) << "the threads never overlapped: the test proves nothing";
    for (int i = 0; i < threads; ++i) {
        EXPECT_TRUE(services::verify_password("passphrase " + std::to_string(i),
                                              hashes[static_cast<std::size_t>(i)]));
        EXPECT_FALSE(services::verify_password("passphrase", hashes[static_cast<std::size_t>(i)]));
    }
}

} // namespace
} // namespace homeward::testing
