// RFC 6238's time-based one-time passwords, computed with OpenSSL's HMAC-SHA-1: the RFC's own
// test vectors (appendix B, the SHA-1 rows, 8 digits and their last 6), and RFC 4648's base32.

#include "homeward/services/two_factor.hpp"

#include <gtest/gtest.h>

namespace homeward::testing {
namespace {

workflow::time_point at(std::int64_t seconds) {
    return workflow::time_point{std::chrono::seconds{seconds}};
}

TEST(totp, rfc_6238_sha1_test_vectors) {
    const std::string secret = "12345678901234567890";
    const std::vector<std::pair<std::int64_t, std::string>> vectors{
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
    for (const auto& [seconds, expected] : vectors) {
        const auto step = services::totp_step(at(seconds));
        EXPECT_EQ(services::totp_code(secret, step, 8), expected) << seconds;
        EXPECT_EQ(services::totp_code(secret, step), expected.substr(2)) << seconds;
    }
}

TEST(totp, steps_are_30_seconds_from_the_epoch) {
    EXPECT_EQ(services::totp_step(at(59)), 1);
    EXPECT_EQ(services::totp_step(at(60)), 2);
    EXPECT_EQ(services::totp_step(at(1111111109)), 0x23523EC);
}

TEST(totp, base32_is_rfc_4648_without_padding) {
    EXPECT_EQ(services::base32(""), "");
    EXPECT_EQ(services::base32("f"), "MY");
    EXPECT_EQ(services::base32("foobar"), "MZXW6YTBOI");
    EXPECT_EQ(services::base32("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

} // namespace
} // namespace homeward::testing
