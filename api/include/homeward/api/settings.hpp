#pragma once
// Settings from the environment (a file named by HOMEWARD_CONFIG_FILE may add to them; the
// environment wins). A missing or invalid setting is a setting_error naming it.

#include "homeward/services/sessions.hpp"
#include "homeward/workflow/indicators.hpp"
#include "homeward/workflow/policy.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace homeward::api {

class setting_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Where settings come from; tests pass their own.
using setting_source = std::function<std::optional<std::string>(const std::string& name)>;
setting_source process_environment();

struct settings {
    std::string database_url;
    std::size_t pool_size{8};
    // Any one SQL statement is cancelled after this (the request then answers 503).
    std::chrono::seconds statement_timeout{30};
    // A streaming replica of the database (libpq URL; empty: none) that the figures and the
    // exports read from while it is at most replica_max_lag behind.
    std::string replica_url;
    std::chrono::seconds replica_max_lag{30};
    std::string listen_host{"127.0.0.1"};
    std::uint16_t listen_port{8443};
    std::string tls_cert;
    std::string tls_key;
    workflow::policy policy;
    std::string data_dir;
    std::chrono::seconds sweep_interval{60};
    std::chrono::seconds retention_interval{86400}; // how often serve runs the retention job
    std::chrono::seconds webhook_interval{5}; // how often the outbox is checked for due messages
    int webhook_max_attempts{12};             // then a message is dead until replayed
    std::string webhook_ca_file;              // extra CAs trusted for receivers; empty: system
    bool webhook_allow_private{false};        // receivers on private or loopback addresses

    // serve only. Request handlers block on the database, so they run on worker threads (by
    // default one per pooled connection); the I/O threads only do TLS and HTTP.
    int io_threads{2};
    int worker_threads{8};
    // Open connections, in all and from one address (an IPv6 /64 counts as one address). The
    // defaults let a load test's 1,000 keep-alive connections from one host through.
    std::size_t max_connections{10000};
    std::size_t max_connections_per_address{2000};
    // The bearer token a Prometheus scraper presents for /metrics; empty: /metrics answers 404.
    std::string metrics_token;
    // A session ends after this long without a request (and after 12 hours in all).
    std::chrono::seconds session_idle{std::chrono::minutes{30}};
    // HOMEWARD_TWO_FACTOR: optional (the default), required or off (services/sessions.hpp).
    services::two_factor_mode two_factor{services::two_factor_mode::optional};
    // HOMEWARD_TWO_FACTOR_KEY: a file of 32 random bytes that seals the two-step secrets at rest
    // (services/two_factor.hpp); empty when unset.
    std::string two_factor_key;
    // Where users reach the application: the links in email alerts.
    std::string public_url;
    // Email alerts: the SMTP relay (smtp:// with STARTTLS, or smtps://); empty: no email is sent
    // (alerts stay queued until a relay is given).
    std::string smtp_url;
    std::string smtp_from;
    std::string smtp_username;
    std::string smtp_password;
    std::string smtp_ca_file;
    std::chrono::seconds email_interval{5};
    int email_max_attempts{8};
    // Signed checkpoints of the audit trail: the Ed25519 key (PEM, read at start; empty: none are
    // signed), how often, and the witnesses that receive them (a file, an organisation's webhook).
    std::string audit_signing_key;
    std::chrono::seconds checkpoint_interval{300};
    std::string witness_file;
    std::string witness_organisation;
    // How often the sequencer chains what has committed (the most an entry waits, unloaded).
    std::chrono::milliseconds sequence_interval{100};
};

// Reads what every command needs (the database, policy, data); with `serving`, also the listen
// address and TLS files.
settings load_settings(const setting_source& source, bool serving);

workflow::indicator_catalogue load_catalogue(const std::string& data_dir);

} // namespace homeward::api
