#pragma once
// Settings from the environment (a file named by HOMEWARD_CONFIG_FILE may add to them; the
// environment wins). A missing or invalid setting is a setting_error naming it.

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
    std::string listen_host{"127.0.0.1"};
    std::uint16_t listen_port{8443};
    std::string tls_cert;
    std::string tls_key;
    workflow::policy policy;
    std::string data_dir;
    std::chrono::seconds sweep_interval{60};
    std::chrono::seconds webhook_interval{5}; // how often the outbox is checked for due messages
    int webhook_max_attempts{12};             // then a message is dead until replayed
    std::string webhook_ca_file;              // extra CAs trusted for receivers; empty: system
    std::chrono::seconds session_idle{1800};  // a session ends after this long without a call
};

// Reads what every command needs (the database, policy, data); with `serving`, also the listen
// address and TLS files.
settings load_settings(const setting_source& source, bool serving);

workflow::indicator_catalogue load_catalogue(const std::string& data_dir);

} // namespace homeward::api
