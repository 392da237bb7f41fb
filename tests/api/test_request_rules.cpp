// What the server checks before a handler sees a request, tested directly: the key connections
// from one place are counted under, the scraper's token, the one-segment paths it answers itself,
// and which requests may carry a photograph's larger body. (The framing rules are tested over a
// real connection in test_server.cpp, byte for byte as a smuggler would send them.)

#include "request_rules.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>

#include <gtest/gtest.h>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;

std::string key_of(const char* address) {
    return address_key(boost::asio::ip::make_address(address));
}

TEST(request_rules, connections_are_counted_per_ipv4_address_and_per_ipv6_64) {
    EXPECT_EQ(key_of("203.0.113.7"), "203.0.113.7");
    // One subscriber is typically given a whole /64: every address in it counts as one.
    EXPECT_EQ(key_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    EXPECT_EQ(key_of("2001:db8:1:2::1"), key_of("2001:db8:1:2:ffff::9"));
    EXPECT_NE(key_of("2001:db8:1:2::1"), key_of("2001:db8:1:3::1"));
    // An IPv4 client reaching a dual-stack socket is counted as the IPv4 address it is.
    EXPECT_EQ(key_of("::ffff:203.0.113.7"), "203.0.113.7");
}

TEST(request_rules, the_scrapers_token_must_match_exactly) {
    EXPECT_TRUE(same_secret("s3cret-token", "s3cret-token"));
    EXPECT_FALSE(same_secret("s3cret-toke", "s3cret-token"));
    EXPECT_FALSE(same_secret("s3cret-token-", "s3cret-token"));
    EXPECT_FALSE(same_secret("", "s3cret-token"));

    http_request request{http::verb::get, "/metrics", 11};
    EXPECT_FALSE(bearer_token(request));
    request.set(http::field::authorization, "Basic czNjcmV0");
    EXPECT_FALSE(bearer_token(request));
    request.set(http::field::authorization, "Bearer ");
    EXPECT_FALSE(bearer_token(request));
    request.set(http::field::authorization, "bearer s3cret-token");
    EXPECT_EQ(bearer_token(request), "s3cret-token");
}

TEST(request_rules, a_one_segment_path_is_recognised_however_it_is_encoded) {
    EXPECT_EQ(single_segment("/metrics"), "metrics");
    EXPECT_EQ(single_segment("/%6detrics"), "metrics");
    EXPECT_EQ(single_segment("/healthz?x=1"), "healthz");
    EXPECT_FALSE(single_segment("/api/v1"));
    EXPECT_FALSE(single_segment("metrics"));
}

TEST(request_rules, only_a_childs_photo_upload_may_carry_the_larger_body) {
    http::request_header<> header;
    header.method(http::verb::put);
    header.target("/api/v1/children/6d1f2c1e-0c1a-4a53-9a54-6a1c2b3d4e5f/photo");
    EXPECT_TRUE(is_photo_upload(header));
    header.method(http::verb::post);
    EXPECT_FALSE(is_photo_upload(header));
    header.method(http::verb::put);
    header.target("/api/v1/children/6d1f2c1e-0c1a-4a53-9a54-6a1c2b3d4e5f/profile");
    EXPECT_FALSE(is_photo_upload(header));
    EXPECT_EQ(mebibytes(8 * 1024 * 1024), "8 MiB");
}

} // namespace
} // namespace homeward::api
