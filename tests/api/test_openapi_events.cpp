// The OpenAPI document agrees with the events as the workflow declares them: every event is
// documented at its path, with a request schema whose fields and roles are the declaration's.
// Adding an event to workflow/events.hpp without documenting it fails here.

#include "homeward/workflow/events.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace homeward::workflow {
namespace {

namespace json = boost::json;

const json::object& document() {
    static const json::value loaded = [] {
        std::ifstream file{HOMEWARD_OPENAPI_FILE};
        std::stringstream text;
        text << file.rdbuf();
        return json::parse(text.str());
    }();
    return loaded.as_object();
}

// The request schema that names this event in its x-event.
const json::object* schema_of(std::string_view name) {
    for (const auto& [key, schema] : document().at("components").at("schemas").as_object()) {
        const auto* event = schema.as_object().if_contains("x-event");
        if (event != nullptr && event->as_string() == name) {
            return &schema.as_object();
        }
    }
    return nullptr;
}

std::set<std::string> strings(const json::value& list) {
    std::set<std::string> items;
    for (const auto& item : list.as_array()) {
        items.emplace(item.as_string());
    }
    return items;
}

TEST(openapi_events, every_declared_event_has_a_request_schema_with_its_fields_and_roles) {
    for (const auto id : all_events()) {
        const auto& traits = traits_of(id);
        SCOPED_TRACE(std::string{traits.name});
        const auto* schema = schema_of(traits.name);
        ASSERT_NE(schema, nullptr) << "no schema has x-event " << traits.name;
        std::set<std::string> documented;
        for (const auto& [field, spec] : schema->at("properties").as_object()) {
            documented.emplace(field);
        }
        EXPECT_EQ(documented, std::set<std::string>(traits.fields.begin(), traits.fields.end()));
        std::set<std::string> roles;
        for (const auto r : traits.roles) {
            roles.emplace(to_string(r));
        }
        EXPECT_EQ(strings(schema->at("x-roles")), roles);
        EXPECT_EQ(schema->at("additionalProperties"), false)
            << "unknown fields are refused, and the document says so";
    }
}

TEST(openapi_events, the_event_path_lists_exactly_the_events_sent_to_an_episode) {
    std::set<std::string> declared;
    for (const auto id : all_events()) {
        if (traits_of(id).target == event_target::episode) {
            declared.emplace(traits_of(id).path);
        }
    }
    const auto& operation =
        document().at("paths").at("/api/v1/episodes/{id}/{event}").at("post").as_object();
    std::set<std::string> documented;
    for (const auto& parameter : operation.at("parameters").as_array()) {
        if (parameter.at("name") == "event") {
            documented = strings(parameter.at("schema").at("enum"));
        }
    }
    EXPECT_EQ(documented, declared);
}

TEST(openapi_events, every_event_on_an_action_has_a_path_of_its_own) {
    const auto& paths = document().at("paths").as_object();
    for (const auto id : all_events()) {
        if (traits_of(id).target == event_target::action) {
            const std::string path =
                "/api/v1/episodes/{id}/actions/{action_id}/" + std::string{traits_of(id).path};
            EXPECT_TRUE(paths.contains(path)) << path;
        }
    }
}

TEST(openapi_events, the_event_names_of_the_history_are_the_declared_names) {
    std::set<std::string> declared;
    for (const auto id : all_events()) {
        if (traits_of(id).target != event_target::new_episode) {
            declared.emplace(to_string(id));
        }
    }
    EXPECT_EQ(strings(document().at("components").at("schemas").at("EventName").at("enum")),
              declared);
}

} // namespace
} // namespace homeward::workflow
