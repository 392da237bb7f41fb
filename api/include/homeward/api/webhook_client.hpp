#pragma once
// Sends webhook requests: one HTTPS POST per call over Boost.Beast and OpenSSL, the receiver's
// certificate verified against the system's trust store (and an extra CA file, if given), TLS 1.2
// or 1.3 only, the whole exchange bounded by a timeout. Used by `homeward serve`'s delivery
// worker as its services::webhook_sender.

#include "homeward/services/webhooks.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace homeward::api {

struct webhook_client_options {
    std::string ca_file;              // extra trusted CAs (a private CA); empty: system only
    std::chrono::seconds timeout{10}; // connect, handshake, send and the response's header
    // Receivers on loopback, link-local, private or other non-public addresses are refused unless
    // the deployment allows them (a receiver inside its own network); the address checked is the
    // one connected to, so a name that resolves differently later cannot slip past.
    bool allow_private{false};
};

class webhook_client {
public:
    explicit webhook_client(const webhook_client_options& options);
    ~webhook_client();
    webhook_client(const webhook_client&) = delete;
    webhook_client& operator=(const webhook_client&) = delete;

    // Never throws for a network failure: that is a response without a status, with its reason.
    services::webhook_response send(const services::webhook_request& request);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace homeward::api
