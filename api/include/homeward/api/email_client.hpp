#pragma once
// Sends email alerts through the deployment's SMTP relay with libcurl: TLS to the relay always
// (STARTTLS on smtp://, implicit TLS on smtps://), the relay's certificate verified against the
// system's trust store (and an extra CA file, if given), the whole exchange bounded by a timeout.
// Used by `homeward serve`'s email sender as its services::email_sender. One connection to the
// relay is kept and reused from one email to the next (libcurl's connection cache), so a batch
// costs one TCP and TLS handshake, not one per email; sends are serialised.

#include "homeward/services/emails.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace homeward::api {

struct email_client_options {
    std::string url;      // smtp://relay.example:587 or smtps://relay.example:465
    std::string from;     // the envelope and header sender
    std::string username; // empty: no authentication
    std::string password;
    std::string ca_file;              // extra trusted CAs (a private CA); empty: system only
    std::chrono::seconds timeout{30}; // connect, TLS, and the whole exchange
};

class email_client {
public:
    explicit email_client(email_client_options options);
    ~email_client();
    email_client(const email_client&) = delete;
    email_client& operator=(const email_client&) = delete;

    // Never throws for a network failure: that is a result not sent, with its reason.
    services::email_result send(const services::email_message& message);

private:
    struct connection;
    email_client_options options_;
    std::mutex mutex_;
    std::unique_ptr<connection> connection_; // the reused libcurl handle
};

} // namespace homeward::api
