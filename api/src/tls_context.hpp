#pragma once
// The server's TLS context, made from the configured certificate and key, and a line describing
// the certificate for the log. Made at start and again at each reload (SIGHUP).

#include "homeward/api/server.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <utility>

namespace homeward::api {

// Mozilla's intermediate profile over the configured certificate chain and key; throws when
// OpenSSL refuses the configuration or the key does not match the certificate.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const server_options& options);

// The certificate's subject and its expiry, as OpenSSL prints them.
std::pair<std::string, std::string> describe_certificate(boost::asio::ssl::context& context);

} // namespace homeward::api
