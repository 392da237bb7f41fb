#pragma once
// What a connection and its requests must satisfy before a handler sees them: the framing of a
// request's header (checked before its body is read), the body limit that applies to it, the
// scraper's bearer token, and the key under which connections from one address are counted.

#include "homeward/api/router.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace homeward::api {

// The decoded path when the target is one segment ("/healthz" -> "healthz"), parsed as the router
// parses it, so that "/%6detrics" is recognised as "/metrics" here exactly as it is there.
std::optional<std::string> single_segment(std::string_view target);

// Compares the presented token with the configured one in constant time: both are hashed first,
// so that neither the content nor the length of the secret leaks through timing.
bool same_secret(std::string_view presented, std::string_view expected);

// The token of an "Authorization: Bearer ..." header, if there is one.
std::optional<std::string_view> bearer_token(const http_request& request);

struct framing_refusal {
    unsigned status;
    std::string detail;
};

// A photograph's upload may carry photo_body_limit; every other request body_limit.
bool is_photo_upload(const boost::beast::http::request_header<>& header);

// "8 MiB": a body limit as the refusal names it.
std::string mebibytes(std::uint64_t bytes);

// What a request's header must satisfy before its body is read (RFC 9112): a body framed one way
// only, and exactly one Host. Anything else is answered and the connection closed, because a
// proxy in front may have framed the same bytes differently (request smuggling).
std::optional<framing_refusal> framing_problem(const boost::beast::http::request_header<>& header);

// The key connections are counted under for the per-address cap: the IPv4 address, or the /64 of
// an IPv6 address (one subscriber is typically given a whole /64).
std::string address_key(const boost::asio::ip::address& address);

} // namespace homeward::api
