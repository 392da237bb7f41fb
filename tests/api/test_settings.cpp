// Settings: a missing or invalid one is refused with a message naming it.

#include "homeward/api/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace homeward::api {
namespace {

using ::testing::HasSubstr;

setting_source from(std::map<std::string, std::string> values) {
    return [values](const std::string& name) -> std::optional<std::string> {
        const auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional{it->second};
    };
}

std::string message_of(const setting_source& source, bool serving) {
    try {
        load_settings(source, serving);
    } catch (const setting_error& error) {
        return error.what();
    }
    return "no error";
}

std::string temp_file(const std::string& name, const std::string& content) {
    const auto path = std::filesystem::temp_directory_path() / name;
    std::ofstream{path} << content;
    return path.string();
}

TEST(settings, a_missing_database_url_is_named) {
    EXPECT_EQ(message_of(from({}), false), "HOMEWARD_DATABASE_URL: is not set");
}

TEST(settings, defaults_are_england_pool_of_8_and_local_port_8443) {
    const auto cert = temp_file("hw_cert.pem", "x");
    const auto config = load_settings(from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"},
                                            {"HOMEWARD_TLS_CERT", cert},
                                            {"HOMEWARD_TLS_KEY", cert}}),
                                      true);
    EXPECT_EQ(config.policy.name, "england");
    EXPECT_EQ(config.pool_size, 8U);
    EXPECT_EQ(config.listen_host, "127.0.0.1");
    EXPECT_EQ(config.listen_port, 8443);
}

TEST(settings, serving_without_a_certificate_names_the_setting) {
    EXPECT_EQ(message_of(from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"}}), true),
              "HOMEWARD_TLS_CERT: is not set");
}

TEST(settings, a_certificate_path_that_does_not_exist_is_named) {
    EXPECT_THAT(message_of(from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"},
                                 {"HOMEWARD_TLS_CERT", "/nonexistent/cert.pem"},
                                 {"HOMEWARD_TLS_KEY", "/nonexistent/key.pem"}}),
                           true),
                HasSubstr("HOMEWARD_TLS_CERT: no such file"));
}

TEST(settings, a_listen_address_without_a_valid_port_is_named) {
    EXPECT_THAT(message_of(from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"},
                                 {"HOMEWARD_LISTEN", "127.0.0.1:99999"}}),
                           true),
                HasSubstr("HOMEWARD_LISTEN port"));
    EXPECT_THAT(message_of(from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"},
                                 {"HOMEWARD_LISTEN", "localhost"}}),
                           true),
                HasSubstr("HOMEWARD_LISTEN: must be HOST:PORT"));
}

TEST(settings, a_pool_size_out_of_range_is_named) {
    EXPECT_THAT(message_of(from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"},
                                 {"HOMEWARD_DB_POOL_SIZE", "0"}}),
                           false),
                HasSubstr("HOMEWARD_DB_POOL_SIZE"));
}

TEST(settings, scotland_is_a_builtin_policy) {
    const auto config = load_settings(
        from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"}, {"HOMEWARD_POLICY", "scotland"}}),
        false);
    EXPECT_EQ(config.policy.name, "scotland");
    EXPECT_EQ(config.policy.interview_held_due, std::chrono::hours{168});
}

TEST(settings, an_unknown_policy_name_is_refused) {
    EXPECT_THAT(message_of(from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"},
                                 {"HOMEWARD_POLICY", "wales"}}),
                           false),
                HasSubstr("HOMEWARD_POLICY: must be england, scotland or the path"));
}

TEST(settings, a_policy_file_with_a_bad_key_is_refused_naming_the_key) {
    const auto path = temp_file("hw_policy.json", R"({"interview_held_hours": -1})");
    const auto message = message_of(
        from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"}, {"HOMEWARD_POLICY", path}}), false);
    EXPECT_THAT(message, HasSubstr("HOMEWARD_POLICY"));
    EXPECT_THAT(message, HasSubstr("interview_held_hours"));
}

TEST(settings, a_policy_file_of_a_deployment_is_loaded) {
    const auto path = temp_file("hw_policy_ok.json", R"({"name": "ours", "repeat_threshold": 4})");
    const auto config = load_settings(
        from({{"HOMEWARD_DATABASE_URL", "postgresql:///x"}, {"HOMEWARD_POLICY", path}}), false);
    EXPECT_EQ(config.policy.name, "ours");
    EXPECT_EQ(config.policy.repeat_threshold, 4);
}

TEST(settings, a_config_file_adds_to_the_environment_which_wins) {
    const auto path = temp_file("hw_config.env", "# comment\nHOMEWARD_DATABASE_URL=postgresql:///"
                                                 "file\nHOMEWARD_DB_POOL_SIZE=3\n");
    const auto config = load_settings(
        from({{"HOMEWARD_CONFIG_FILE", path}, {"HOMEWARD_DB_POOL_SIZE", "5"}}), false);
    EXPECT_EQ(config.database_url, "postgresql:///file");
    EXPECT_EQ(config.pool_size, 5U);
}

TEST(settings, a_malformed_config_file_line_is_named) {
    const auto path = temp_file("hw_config_bad.env", "HOMEWARD_DATABASE_URL=x\nnonsense\n");
    EXPECT_THAT(message_of(from({{"HOMEWARD_CONFIG_FILE", path}}), false),
                HasSubstr("HOMEWARD_CONFIG_FILE: line 2"));
}

TEST(settings, the_shipped_indicator_catalogue_loads) {
    EXPECT_GE(load_catalogue(HOMEWARD_SOURCE_DATA_DIR).indicators().size(), 25U);
}

TEST(settings, a_missing_catalogue_names_the_data_dir_setting) {
    EXPECT_THROW(load_catalogue("/nonexistent"), setting_error);
}

std::map<std::string, std::string> serving_with(std::map<std::string, std::string> extra) {
    static const auto cert = temp_file("hw_cert_serving.pem", "x");
    std::map<std::string, std::string> values{{"HOMEWARD_DATABASE_URL", "postgresql:///x"},
                                              {"HOMEWARD_TLS_CERT", cert},
                                              {"HOMEWARD_TLS_KEY", cert}};
    for (auto& [name, value] : extra) {
        values[name] = value;
    }
    return values;
}

TEST(settings, threads_caps_and_metrics_default_to_2_io_workers_per_connection_10000_2000_off) {
    const auto config = load_settings(from(serving_with({{"HOMEWARD_DB_POOL_SIZE", "12"}})), true);
    EXPECT_EQ(config.io_threads, 2);
    EXPECT_EQ(config.worker_threads, 12); // one per pooled connection unless set
    EXPECT_EQ(config.max_connections, 10000U);
    EXPECT_EQ(config.max_connections_per_address, 2000U);
    EXPECT_EQ(config.metrics_token, "");
}

TEST(settings, threads_caps_and_the_metrics_token_are_read) {
    const std::string token(40, 'k');
    const auto config =
        load_settings(from(serving_with({{"HOMEWARD_IO_THREADS", "4"},
                                         {"HOMEWARD_WORKER_THREADS", "16"},
                                         {"HOMEWARD_MAX_CONNECTIONS", "500"},
                                         {"HOMEWARD_MAX_CONNECTIONS_PER_ADDRESS", "50"},
                                         {"HOMEWARD_METRICS_TOKEN", token}})),
                      true);
    EXPECT_EQ(config.io_threads, 4);
    EXPECT_EQ(config.worker_threads, 16);
    EXPECT_EQ(config.max_connections, 500U);
    EXPECT_EQ(config.max_connections_per_address, 50U);
    EXPECT_EQ(config.metrics_token, token);
}

TEST(settings, bad_thread_counts_and_caps_are_named) {
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"HOMEWARD_IO_THREADS", "0"},
             {"HOMEWARD_IO_THREADS", "65"},
             {"HOMEWARD_WORKER_THREADS", "many"},
             {"HOMEWARD_MAX_CONNECTIONS", "0"},
             {"HOMEWARD_MAX_CONNECTIONS_PER_ADDRESS", "-1"}}) {
        EXPECT_THAT(message_of(from(serving_with({{name, value}})), true),
                    ::testing::StartsWith(name + ": must be a whole number"))
            << name << "=" << value;
    }
}

TEST(settings, a_per_address_cap_above_the_global_cap_is_refused) {
    EXPECT_THAT(message_of(from(serving_with({{"HOMEWARD_MAX_CONNECTIONS", "100"},
                                              {"HOMEWARD_MAX_CONNECTIONS_PER_ADDRESS", "200"}})),
                           true),
                ::testing::StartsWith("HOMEWARD_MAX_CONNECTIONS_PER_ADDRESS: must not exceed"));
}

TEST(settings, a_short_or_malformed_metrics_token_is_refused_without_repeating_it) {
    for (const std::string& token : {std::string{"short-token"}, std::string(31, 'a'),
                                     std::string(32, 'a') + " spaced", std::string(257, 'a')}) {
        const auto message =
            message_of(from(serving_with({{"HOMEWARD_METRICS_TOKEN", token}})), true);
        EXPECT_THAT(message, ::testing::StartsWith("HOMEWARD_METRICS_TOKEN: must be 32 to 256"));
        EXPECT_THAT(message, ::testing::Not(HasSubstr(token)));
    }
}

// Issue 12: the statement timeout (default 30 s), private webhook receivers (refused by default)
// and the audit trail's sequencer and checkpoint intervals are settings, each named when invalid.
TEST(settings, statement_timeout_private_webhooks_and_audit_intervals_default_and_are_read) {
    const auto defaults = load_settings(from(serving_with({})), true);
    EXPECT_EQ(defaults.statement_timeout, std::chrono::seconds{30});
    EXPECT_FALSE(defaults.webhook_allow_private);
    EXPECT_EQ(defaults.sequence_interval, std::chrono::milliseconds{100});
    EXPECT_EQ(defaults.checkpoint_interval, std::chrono::seconds{300});
    EXPECT_TRUE(defaults.audit_signing_key.empty());
    const auto set =
        load_settings(from(serving_with({{"HOMEWARD_STATEMENT_TIMEOUT_SECONDS", "5"},
                                         {"HOMEWARD_WEBHOOK_ALLOW_PRIVATE", "true"},
                                         {"HOMEWARD_AUDIT_SEQUENCE_MS", "10"},
                                         {"HOMEWARD_AUDIT_CHECKPOINT_SECONDS", "60"}})),
                      true);
    EXPECT_EQ(set.statement_timeout, std::chrono::seconds{5});
    EXPECT_TRUE(set.webhook_allow_private);
    EXPECT_EQ(set.sequence_interval, std::chrono::milliseconds{10});
    EXPECT_EQ(set.checkpoint_interval, std::chrono::seconds{60});
    for (const auto& [name, value] :
         std::map<std::string, std::string>{{"HOMEWARD_STATEMENT_TIMEOUT_SECONDS", "0"},
                                            {"HOMEWARD_WEBHOOK_ALLOW_PRIVATE", "yes"},
                                            {"HOMEWARD_AUDIT_SEQUENCE_MS", "1"},
                                            {"HOMEWARD_AUDIT_CHECKPOINT_SECONDS", "0"}}) {
        EXPECT_THAT(message_of(from(serving_with({{name, value}})), true),
                    ::testing::StartsWith(name + ":"));
    }
    const auto not_a_key = temp_file("hw_not_a_key.pem", "-----BEGIN PUBLIC KEY-----\n");
    EXPECT_THAT(message_of(from(serving_with({{"HOMEWARD_AUDIT_SIGNING_KEY", not_a_key}})), true),
                HasSubstr("HOMEWARD_AUDIT_SIGNING_KEY: " + not_a_key + " holds no private key"));
}

// The key that seals two-step secrets: unset by default; a file of exactly 32 bytes.
TEST(settings, the_two_factor_key_is_a_file_of_32_bytes) {
    EXPECT_TRUE(load_settings(from(serving_with({})), true).two_factor_key.empty());
    const std::string key(32, '\x07');
    const auto good = temp_file("hw_two_factor.key", key);
    EXPECT_EQ(
        load_settings(from(serving_with({{"HOMEWARD_TWO_FACTOR_KEY", good}})), true).two_factor_key,
        key);
    const auto short_key = temp_file("hw_short_two_factor.key", std::string(31, 'k'));
    EXPECT_THAT(message_of(from(serving_with({{"HOMEWARD_TWO_FACTOR_KEY", short_key}})), true),
                HasSubstr("HOMEWARD_TWO_FACTOR_KEY: " + short_key + " holds 31 bytes, not 32"));
    EXPECT_THAT(
        message_of(from(serving_with({{"HOMEWARD_TWO_FACTOR_KEY", "/nonexistent/key"}})), true),
        HasSubstr("HOMEWARD_TWO_FACTOR_KEY: cannot read /nonexistent/key"));
}

// Issue 15: the read replica for the figures is off unless named; its lag limit defaults to 30 s.
TEST(settings, the_replica_is_off_by_default_and_its_url_and_lag_limit_are_read) {
    const auto defaults = load_settings(from(serving_with({})), true);
    EXPECT_TRUE(defaults.replica_url.empty());
    EXPECT_EQ(defaults.replica_max_lag, std::chrono::seconds{30});
    const auto set = load_settings(
        from(serving_with({{"HOMEWARD_REPLICA_URL", "postgresql://homeward_app@replica/homeward"},
                           {"HOMEWARD_REPLICA_MAX_LAG_SECONDS", "5"}})),
        true);
    EXPECT_EQ(set.replica_url, "postgresql://homeward_app@replica/homeward");
    EXPECT_EQ(set.replica_max_lag, std::chrono::seconds{5});
    for (const auto* bad : {"-1", "soon", "86401"}) {
        EXPECT_THAT(
            message_of(from(serving_with({{"HOMEWARD_REPLICA_MAX_LAG_SECONDS", bad}})), true),
            ::testing::StartsWith("HOMEWARD_REPLICA_MAX_LAG_SECONDS:"));
    }
}

TEST(settings, two_factor_is_optional_by_default_and_required_or_off_are_read) {
    EXPECT_EQ(load_settings(from(serving_with({})), true).two_factor,
              services::two_factor_mode::optional);
    EXPECT_EQ(
        load_settings(from(serving_with({{"HOMEWARD_TWO_FACTOR", "required"}})), true).two_factor,
        services::two_factor_mode::required);
    EXPECT_EQ(load_settings(from(serving_with({{"HOMEWARD_TWO_FACTOR", "off"}})), true).two_factor,
              services::two_factor_mode::off);
}

TEST(settings, an_unknown_two_factor_mode_is_named) {
    EXPECT_EQ(message_of(from(serving_with({{"HOMEWARD_TWO_FACTOR", "sometimes"}})), true),
              "HOMEWARD_TWO_FACTOR: must be optional, required or off (got 'sometimes')");
}

} // namespace
} // namespace homeward::api
