#include "homeward/api/settings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace homeward::api {
namespace {

std::string read_file(const std::string& path, const std::string& setting) {
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        throw setting_error(setting + ": cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// KEY=VALUE lines; blank lines and lines starting with # are ignored.
std::map<std::string, std::string> read_config_file(const std::string& path) {
    std::map<std::string, std::string> values;
    std::istringstream lines{read_file(path, "HOMEWARD_CONFIG_FILE")};
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos || line.compare(0, 9, "HOMEWARD_") != 0) {
            throw setting_error("HOMEWARD_CONFIG_FILE: line " + std::to_string(number) +
                                " is not HOMEWARD_NAME=value");
        }
        values[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return values;
}

std::size_t parse_count(const std::string& text, const std::string& name, std::size_t low,
                        std::size_t high) {
    std::size_t value = 0;
    std::size_t used = 0;
    try {
        value = std::stoul(text, &used);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used != text.size() || used == 0 || value < low || value > high) {
        throw setting_error(name + ": must be a whole number from " + std::to_string(low) + " to " +
                            std::to_string(high) + " (got '" + text + "')");
    }
    return value;
}

// A bearer token (RFC 6750's token68 characters) long enough not to be guessed. The message never
// repeats the value: it is a secret.
std::string parse_metrics_token(const std::string& token) {
    const auto allowed = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view{"-._~+/="}.find(c) != std::string_view::npos;
    };
    if (token.size() < 32 || token.size() > 256 ||
        !std::all_of(token.begin(), token.end(), allowed)) {
        throw setting_error("HOMEWARD_METRICS_TOKEN: must be 32 to 256 letters, digits or -._~+/= "
                            "(e.g. openssl rand -hex 32)");
    }
    return token;
}

} // namespace

setting_source process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        if (const char* value = std::getenv(name.c_str()); value != nullptr && *value != '\0') {
            return std::string{value};
        }
        return std::nullopt;
    };
}

settings load_settings(const setting_source& source, bool serving) {
    std::map<std::string, std::string> file;
    if (const auto path = source("HOMEWARD_CONFIG_FILE")) {
        file = read_config_file(*path);
    }
    const auto get = [&](const std::string& name) -> std::optional<std::string> {
        if (auto value = source(name)) {
            return value;
        }
        if (const auto it = file.find(name); it != file.end() && !it->second.empty()) {
            return it->second;
        }
        return std::nullopt;
    };
    const auto require = [&](const std::string& name) {
        auto value = get(name);
        if (!value) {
            throw setting_error(name + ": is not set");
        }
        return *value;
    };

    settings result;
    result.database_url = require("HOMEWARD_DATABASE_URL");
    if (const auto size = get("HOMEWARD_DB_POOL_SIZE")) {
        result.pool_size = parse_count(*size, "HOMEWARD_DB_POOL_SIZE", 1, 256);
    }
    if (const auto timeout = get("HOMEWARD_STATEMENT_TIMEOUT_SECONDS")) {
        result.statement_timeout = std::chrono::seconds{static_cast<long>(
            parse_count(*timeout, "HOMEWARD_STATEMENT_TIMEOUT_SECONDS", 1, 3600))};
    }
    result.replica_url = get("HOMEWARD_REPLICA_URL").value_or("");
    if (const auto lag = get("HOMEWARD_REPLICA_MAX_LAG_SECONDS")) {
        result.replica_max_lag = std::chrono::seconds{
            static_cast<long>(parse_count(*lag, "HOMEWARD_REPLICA_MAX_LAG_SECONDS", 0, 86400))};
    }
    const auto policy_spec = get("HOMEWARD_POLICY").value_or("england");
    if (auto builtin = workflow::builtin_policy(policy_spec)) {
        result.policy = *builtin;
    } else if (policy_spec.find('/') != std::string::npos || policy_spec.ends_with(".json")) {
        try {
            result.policy = workflow::parse_policy(read_file(policy_spec, "HOMEWARD_POLICY"));
        } catch (const workflow::policy_error& bad) {
            throw setting_error("HOMEWARD_POLICY: " + policy_spec + ": " + bad.what());
        }
    } else {
        throw setting_error("HOMEWARD_POLICY: must be england, scotland or the path of a JSON "
                            "policy file (got '" +
                            policy_spec + "')");
    }
    result.data_dir = get("HOMEWARD_DATA_DIR").value_or(HOMEWARD_DEFAULT_DATA_DIR);
    if (const auto interval = get("HOMEWARD_SWEEP_SECONDS")) {
        result.sweep_interval = std::chrono::seconds{
            static_cast<long>(parse_count(*interval, "HOMEWARD_SWEEP_SECONDS", 1, 3600))};
    }
    if (const auto interval = get("HOMEWARD_RETENTION_SECONDS")) {
        result.retention_interval = std::chrono::seconds{
            static_cast<long>(parse_count(*interval, "HOMEWARD_RETENTION_SECONDS", 1, 604800))};
    }
    if (const auto interval = get("HOMEWARD_WEBHOOK_SECONDS")) {
        result.webhook_interval = std::chrono::seconds{
            static_cast<long>(parse_count(*interval, "HOMEWARD_WEBHOOK_SECONDS", 1, 3600))};
    }
    if (const auto attempts = get("HOMEWARD_WEBHOOK_MAX_ATTEMPTS")) {
        result.webhook_max_attempts =
            static_cast<int>(parse_count(*attempts, "HOMEWARD_WEBHOOK_MAX_ATTEMPTS", 1, 100));
    }
    if (const auto ca_file = get("HOMEWARD_WEBHOOK_CA_FILE")) {
        if (!std::filesystem::is_regular_file(*ca_file)) {
            throw setting_error("HOMEWARD_WEBHOOK_CA_FILE: no such file " + *ca_file);
        }
        result.webhook_ca_file = *ca_file;
    }
    if (const auto allow = get("HOMEWARD_WEBHOOK_ALLOW_PRIVATE")) {
        if (*allow != "true" && *allow != "false") {
            throw setting_error("HOMEWARD_WEBHOOK_ALLOW_PRIVATE: must be true or false (got '" +
                                *allow + "')");
        }
        result.webhook_allow_private = *allow == "true";
    }

    if (serving) {
        const auto listen = get("HOMEWARD_LISTEN").value_or("127.0.0.1:8443");
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos || colon == 0) {
            throw setting_error("HOMEWARD_LISTEN: must be HOST:PORT (got '" + listen + "')");
        }
        result.listen_host = listen.substr(0, colon);
        if (result.listen_host.size() > 2 && result.listen_host.front() == '[') {
            result.listen_host = result.listen_host.substr(1, result.listen_host.size() - 2);
        }
        result.listen_port = static_cast<std::uint16_t>(
            parse_count(listen.substr(colon + 1), "HOMEWARD_LISTEN port", 0, 65535));
        result.tls_cert = require("HOMEWARD_TLS_CERT");
        result.tls_key = require("HOMEWARD_TLS_KEY");
        for (const auto& [name, path] : {std::pair{"HOMEWARD_TLS_CERT", result.tls_cert},
                                         std::pair{"HOMEWARD_TLS_KEY", result.tls_key}}) {
            if (!std::filesystem::is_regular_file(path)) {
                throw setting_error(std::string{name} + ": no such file " + path);
            }
        }
        if (const auto threads = get("HOMEWARD_IO_THREADS")) {
            result.io_threads =
                static_cast<int>(parse_count(*threads, "HOMEWARD_IO_THREADS", 1, 64));
        }
        // Without its own setting, one worker per pooled connection: more would only wait for a
        // connection, fewer would leave connections idle.
        result.worker_threads = static_cast<int>(result.pool_size);
        if (const auto threads = get("HOMEWARD_WORKER_THREADS")) {
            result.worker_threads =
                static_cast<int>(parse_count(*threads, "HOMEWARD_WORKER_THREADS", 1, 1024));
        }
        if (const auto cap = get("HOMEWARD_MAX_CONNECTIONS")) {
            result.max_connections = parse_count(*cap, "HOMEWARD_MAX_CONNECTIONS", 1, 1000000);
        }
        if (const auto cap = get("HOMEWARD_MAX_CONNECTIONS_PER_ADDRESS")) {
            result.max_connections_per_address =
                parse_count(*cap, "HOMEWARD_MAX_CONNECTIONS_PER_ADDRESS", 1, 1000000);
        }
        if (result.max_connections_per_address > result.max_connections) {
            throw setting_error("HOMEWARD_MAX_CONNECTIONS_PER_ADDRESS: must not exceed "
                                "HOMEWARD_MAX_CONNECTIONS (" +
                                std::to_string(result.max_connections_per_address) + " > " +
                                std::to_string(result.max_connections) + ")");
        }
        if (const auto token = get("HOMEWARD_METRICS_TOKEN")) {
            result.metrics_token = parse_metrics_token(*token);
        }
        if (const auto idle = get("HOMEWARD_SESSION_IDLE_SECONDS")) {
            result.session_idle = std::chrono::seconds{
                static_cast<long>(parse_count(*idle, "HOMEWARD_SESSION_IDLE_SECONDS", 1, 86400))};
        }
        if (const auto mode = get("HOMEWARD_TWO_FACTOR")) {
            const auto parsed = services::parse_two_factor_mode(*mode);
            if (!parsed) {
                throw setting_error(
                    "HOMEWARD_TWO_FACTOR: must be optional, required or off (got '" + *mode + "')");
            }
            result.two_factor = *parsed;
        }
        if (const auto key_file = get("HOMEWARD_TWO_FACTOR_KEY")) {
            result.two_factor_key = read_file(*key_file, "HOMEWARD_TWO_FACTOR_KEY");
            if (result.two_factor_key.size() != 32) {
                throw setting_error("HOMEWARD_TWO_FACTOR_KEY: " + *key_file + " holds " +
                                    std::to_string(result.two_factor_key.size()) +
                                    " bytes, not 32 (make one with: homeward two-factor keygen "
                                    "--out FILE)");
            }
        }
        result.public_url = get("HOMEWARD_PUBLIC_URL").value_or("https://" + listen);
        if (!result.public_url.starts_with("https://")) {
            throw setting_error("HOMEWARD_PUBLIC_URL: must start with https:// (got '" +
                                result.public_url + "')");
        }
        while (result.public_url.ends_with('/')) {
            result.public_url.pop_back();
        }
        if (const auto url = get("HOMEWARD_SMTP_URL")) {
            if (!url->starts_with("smtp://") && !url->starts_with("smtps://")) {
                throw setting_error("HOMEWARD_SMTP_URL: must be smtp://HOST:PORT (STARTTLS) or "
                                    "smtps://HOST:PORT");
            }
            result.smtp_url = *url;
            result.smtp_from = require("HOMEWARD_SMTP_FROM");
            if (result.smtp_from.find('@') == std::string::npos ||
                result.smtp_from.find_first_of(" <>\r\n") != std::string::npos) {
                throw setting_error("HOMEWARD_SMTP_FROM: must be an address, e.g. "
                                    "homeward@council.example");
            }
            result.smtp_username = get("HOMEWARD_SMTP_USERNAME").value_or("");
            result.smtp_password = get("HOMEWARD_SMTP_PASSWORD").value_or("");
            if (const auto ca_file = get("HOMEWARD_SMTP_CA_FILE")) {
                if (!std::filesystem::is_regular_file(*ca_file)) {
                    throw setting_error("HOMEWARD_SMTP_CA_FILE: no such file " + *ca_file);
                }
                result.smtp_ca_file = *ca_file;
            }
        }
        if (const auto key_file = get("HOMEWARD_AUDIT_SIGNING_KEY")) {
            result.audit_signing_key = read_file(*key_file, "HOMEWARD_AUDIT_SIGNING_KEY");
            if (result.audit_signing_key.find("PRIVATE KEY") == std::string::npos) {
                throw setting_error("HOMEWARD_AUDIT_SIGNING_KEY: " + *key_file +
                                    " holds no private key (make one with homeward audit keygen)");
            }
        }
        if (const auto interval = get("HOMEWARD_AUDIT_CHECKPOINT_SECONDS")) {
            result.checkpoint_interval = std::chrono::seconds{static_cast<long>(
                parse_count(*interval, "HOMEWARD_AUDIT_CHECKPOINT_SECONDS", 1, 86400))};
        }
        result.witness_file = get("HOMEWARD_AUDIT_WITNESS_FILE").value_or("");
        result.witness_organisation = get("HOMEWARD_AUDIT_WITNESS_ORGANISATION").value_or("");
        if (const auto interval = get("HOMEWARD_AUDIT_SEQUENCE_MS")) {
            result.sequence_interval = std::chrono::milliseconds{
                static_cast<long>(parse_count(*interval, "HOMEWARD_AUDIT_SEQUENCE_MS", 10, 10000))};
        }
        if (const auto interval = get("HOMEWARD_EMAIL_SECONDS")) {
            result.email_interval = std::chrono::seconds{
                static_cast<long>(parse_count(*interval, "HOMEWARD_EMAIL_SECONDS", 1, 3600))};
        }
    }
    return result;
}

workflow::indicator_catalogue load_catalogue(const std::string& data_dir) {
    const std::string path = data_dir + "/cse_indicators.json";
    try {
        return workflow::indicator_catalogue::parse(read_file(path, "HOMEWARD_DATA_DIR"));
    } catch (const workflow::catalogue_error& bad) {
        throw setting_error("HOMEWARD_DATA_DIR: " + path + ": " + bad.what());
    }
}

} // namespace homeward::api
