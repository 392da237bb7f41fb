#include "request_rules.hpp"

#include "metrics.hpp"
#include "request_target.hpp"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/url/parse.hpp>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <vector>

namespace homeward::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::optional<std::string> single_segment(std::string_view target) {
    const auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed || parsed->segments().size() != 1) {
        return std::nullopt;
    }
    return std::string{parsed->segments().front()};
}

bool same_secret(std::string_view presented, std::string_view expected) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> a{};
    std::array<unsigned char, SHA256_DIGEST_LENGTH> b{};
    SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), a.data());
    SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b.data());
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> bearer_token(const http_request& request) {
    const auto header = request[http::field::authorization];
    if (header.size() <= 7 || !beast::iequals(header.substr(0, 7), "Bearer ")) {
        return std::nullopt;
    }
    return std::string_view{header.data() + 7, header.size() - 7};
}

bool is_photo_upload(const http::request_header<>& header) {
    if (header.method() != http::verb::put) {
        return false;
    }
    const auto target = parse_request_target(header.target());
    return target && target->segments.size() == 5 && target->segments[0] == "api" &&
           target->segments[1] == "v1" && target->segments[2] == "children" &&
           target->segments[4] == "photo";
}

std::string mebibytes(std::uint64_t bytes) {
    return std::to_string(bytes / (1024 * 1024)) + " MiB";
}

std::optional<framing_refusal> framing_problem(const http::request_header<>& header) {
    if (method_label(header.method_string()) == "other") {
        return framing_refusal{501, "the method " + std::string{header.method_string()} +
                                        " is not implemented"};
    }
    const bool has_length = header.find(http::field::content_length) != header.end();
    std::vector<std::string> codings;
    bool has_coding_field = false;
    const auto [first, last] = header.equal_range(http::field::transfer_encoding);
    for (auto field = first; field != last; ++field) {
        has_coding_field = true;
        for (const auto coding : http::token_list{field->value()}) {
            codings.emplace_back(coding);
        }
    }
    if (has_coding_field && has_length) {
        // RFC 9112 6.1: Transfer-Encoding overrides Content-Length, and a request with both is a
        // smuggling attempt or a broken client; either way it is refused.
        return framing_refusal{400, "a request must not have both Transfer-Encoding and "
                                    "Content-Length"};
    }
    if (has_coding_field && (codings.empty() || !beast::iequals(codings.back(), "chunked"))) {
        // RFC 9112 6.3: without chunked as the final coding the body's length is unknowable.
        return framing_refusal{400, "Transfer-Encoding must end with chunked"};
    }
    if (codings.size() > 1) {
        return framing_refusal{501, "only the chunked transfer coding is implemented"};
    }
    const auto hosts = header.count(http::field::host);
    if (hosts > 1 || (hosts == 0 && header.version() >= 11)) {
        // RFC 9112 3.2.
        return framing_refusal{400, "an HTTP/1.1 request must have exactly one Host header"};
    }
    return std::nullopt;
}

std::string address_key(const asio::ip::address& address) {
    if (address.is_v6()) {
        const auto v6 = address.to_v6();
        if (v6.is_v4_mapped()) {
            return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
        }
        auto bytes = v6.to_bytes();
        std::fill(bytes.begin() + 8, bytes.end(), 0);
        return asio::ip::address_v6{bytes}.to_string() + "/64";
    }
    return address.to_string();
}

} // namespace homeward::api
