#include "homeward/api/webhook_client.hpp"

#include "homeward/api/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <openssl/ssl.h>

#include <exception>
#include <optional>

namespace homeward::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct endpoint {
    std::string host;
    std::string port;
    std::string target;
};

std::optional<endpoint> endpoint_of(const std::string& url) {
    const auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed || parsed->scheme() != "https" || parsed->encoded_host().empty()) {
        return std::nullopt;
    }
    endpoint where;
    // An IPv6 literal is written [::1] in a URL and ::1 to the resolver.
    where.host = std::string{parsed->host_address()};
    where.port = parsed->has_port() ? std::string{parsed->port()} : "443";
    where.target = parsed->encoded_path().empty() ? "/" : std::string{parsed->encoded_path()};
    if (parsed->has_query()) {
        where.target += "?" + std::string{parsed->encoded_query()};
    }
    return where;
}

bool is_ip_address(const std::string& host) {
    boost::system::error_code error;
    asio::ip::make_address(host, error);
    return !error;
}

// An address a receiver on the public internet may have: not loopback, link-local, private,
// shared (CGNAT), documentation, multicast, unspecified or reserved.
bool public_address(const asio::ip::address& address) {
    if (address.is_v6()) {
        const auto v6 = address.to_v6();
        if (v6.is_v4_mapped()) {
            return public_address(asio::ip::make_address_v4(asio::ip::v4_mapped, v6));
        }
        const auto bytes = v6.to_bytes();
        const bool unique_local = (bytes[0] & 0xfeU) == 0xfcU; // fc00::/7
        const bool documentation = bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d &&
                                   bytes[3] == 0xb8; // 2001:db8::/32
        return !(v6.is_unspecified() || v6.is_loopback() || v6.is_link_local() ||
                 v6.is_site_local() || v6.is_multicast() || unique_local || documentation);
    }
    const auto b = address.to_v4().to_bytes();
    const auto in = [&](unsigned first, unsigned second_from, unsigned second_to) {
        return b[0] == first && b[1] >= second_from && b[1] <= second_to;
    };
    return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 || in(100, 64, 127) ||
             in(169, 254, 254) || in(172, 16, 31) || in(192, 168, 168) || in(198, 18, 19) ||
             (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) ||
             (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
             (b[0] == 203 && b[1] == 0 && b[2] == 113));
}

asio::awaitable<int> post(ssl::context& tls, const endpoint& where,
                          const services::webhook_request& request, std::chrono::seconds timeout,
                          bool allow_private) {
    const auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver{executor};
    beast::ssl_stream<beast::tcp_stream> stream{executor, tls};
    // SNI (SSL_set_tlsext_host_name, spelled out: the macro's cast fails -Wold-style-cast).
    if (!is_ip_address(where.host) &&
        SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(where.host.c_str())) != 1) {
        throw std::runtime_error("could not set the TLS server name");
    }
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification(where.host));

    auto& socket = beast::get_lowest_layer(stream);
    socket.expires_after(timeout);
    const auto resolved =
        co_await resolver.async_resolve(where.host, where.port, asio::use_awaitable);
    std::vector<tcp::endpoint> addresses;
    for (const auto& entry : resolved) {
        if (allow_private || public_address(entry.endpoint().address())) {
            addresses.push_back(entry.endpoint());
        }
    }
    if (addresses.empty()) {
        throw std::runtime_error("the receiver's address is not a public one (" +
                                 resolved.begin()->endpoint().address().to_string() +
                                 "), and this deployment does not allow others");
    }
    co_await socket.async_connect(addresses, asio::use_awaitable);
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);

    http::request<http::string_body> message{http::verb::post, where.target, 11};
    message.set(http::field::host, where.host);
    message.set(http::field::user_agent, "Homeward-Webhook/1");
    for (const auto& [name, value] : request.headers) {
        message.set(name, value);
    }
    message.body() = request.body;
    message.prepare_payload();
    message.keep_alive(false);
    co_await http::async_write(stream, message, asio::use_awaitable);

    // The status is the answer; the receiver's body is not needed.
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
    co_return static_cast<int>(parser.get().result_int());
}

} // namespace

constexpr std::string_view unreachable =
    "the receiver could not be reached (no connection, no TLS, or no answer in time)";

struct webhook_client::impl {
    ssl::context tls{ssl::context::tls_client};
    std::chrono::seconds timeout;
    bool allow_private{false};
};

webhook_client::webhook_client(const webhook_client_options& options)
    : impl_(std::make_unique<impl>()) {
    impl_->timeout = options.timeout;
    impl_->allow_private = options.allow_private;
    SSL_CTX* native = impl_->tls.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    impl_->tls.set_default_verify_paths();
    if (!options.ca_file.empty()) {
        impl_->tls.load_verify_file(options.ca_file);
    }
}

webhook_client::~webhook_client() = default;

services::webhook_response webhook_client::send(const services::webhook_request& request) {
    services::webhook_response response;
    const auto where = endpoint_of(request.url);
    if (!where) {
        response.error = "the webhook URL is not an https:// URL with a host";
        return response;
    }
    // A context per request: when the time is up, destroying it abandons whatever is pending.
    asio::io_context io;
    bool finished = false;
    asio::co_spawn(io, post(impl_->tls, *where, request, impl_->timeout, impl_->allow_private),
                   [&](std::exception_ptr error, int status) {
                       finished = true;
                       if (!error) {
                           response.status = status;
                           return;
                       }
                       try {
                           std::rethrow_exception(error);
                       } catch (const std::exception& e) {
                           // Why, for the operator's log; the admin is told only that the
                           // receiver could not be reached, whether the address was refused or
                           // the connection or TLS failed, so that webhooks cannot map the
                           // network inside.
                           process_log().warn("webhook_unreachable",
                                              {{"host", where->host}, {"error", e.what()}});
                           response.error = std::string{unreachable};
                       }
                   });
    io.run_for(impl_->timeout + std::chrono::seconds{1});
    if (!finished) {
        process_log().warn(
            "webhook_unreachable",
            {{"host", where->host},
             {"error", "no answer within " + std::to_string(impl_->timeout.count()) + " s"}});
        response.error = std::string{unreachable};
    }
    return response;
}

} // namespace homeward::api
