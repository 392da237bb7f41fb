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

} // namespace
} // namespace homeward::api
