// The only translation unit that reads JSON: the policy file and the CSE indicator catalogue.
// Both are loaded at start-up; anything malformed throws, naming the key or entry at fault.

#include "homeward/workflow/indicators.hpp"
#include "homeward/workflow/policy.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

namespace homeward::workflow {
namespace {

namespace json = boost::json;

// A key or value as JSON text (quoted and escaped), so that whatever the input held is safe to
// show in a message.
std::string quoted(std::string_view text) { return json::serialize(json::string{text}); }

template <typename Error>
[[noreturn]] void fail(std::string_view prefix, const std::string& message) {
    throw Error{std::string{prefix} + ": " + message};
}

// Parses a whole document; a syntax error throws Error saying where the JSON is malformed.
template <typename Error>
json::value parse_document(std::string_view text, std::string_view prefix) {
    json::stream_parser parser;
    json::error_code error;
    const std::size_t consumed = parser.write(text.data(), text.size(), error);
    if (!error) {
        parser.finish(error);
    }
    if (error) {
        const std::string_view before = text.substr(0, std::min(consumed, text.size()));
        std::size_t line = 1;
        std::size_t column = 1;
        for (const char c : before) {
            if (c == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        fail<Error>(prefix, "the JSON is malformed at line " + std::to_string(line) + ", column " +
                                std::to_string(column) + " (" + error.message() + ")");
    }
    return parser.release();
}

// The value as an integer if it is one (a JSON number without fraction or exponent).
std::optional<std::int64_t> integer_of(const json::value& value) {
    if (value.is_int64()) {
        return value.get_int64();
    }
    if (value.is_uint64() && value.get_uint64() <= static_cast<std::uint64_t>(
                                                       std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(value.get_uint64());
    }
    return std::nullopt;
}

std::optional<int> integer_in_range(const json::value& value, int low, int high) {
    const auto number = integer_of(value);
    if (!number || *number < low || *number > high) {
        return std::nullopt;
    }
    return static_cast<int>(*number);
}

// ---- policy ---------------------------------------------------------------------------------

constexpr std::string_view policy_prefix = "policy";
constexpr int max_hours = 8760; // a year
constexpr int max_days = 366;
constexpr int max_months = 24;
constexpr int min_threshold = 2;
constexpr int max_threshold = 100;

[[noreturn]] void policy_key_fail(std::string_view path, std::string_view requirement) {
    fail<policy_error>(policy_prefix, quoted(path) + " must be " + std::string{requirement});
}

std::string hours_requirement() {
    return "a positive integer number of hours (at most " + std::to_string(max_hours) + ")";
}

std::chrono::hours read_hours(const json::value& value, std::string_view path) {
    const auto hours = integer_in_range(value, 1, max_hours);
    if (!hours) {
        policy_key_fail(path, hours_requirement());
    }
    return std::chrono::hours{*hours};
}

std::chrono::days read_days(const json::value& value, std::string_view path) {
    const auto days = integer_in_range(value, 1, max_days);
    if (!days) {
        policy_key_fail(path, "a positive integer number of days (at most " +
                                  std::to_string(max_days) + ")");
    }
    return std::chrono::days{*days};
}

int read_months(const json::value& value, std::string_view path) {
    const auto months = integer_in_range(value, 1, max_months);
    if (!months) {
        policy_key_fail(path, "a positive integer number of months (at most " +
                                  std::to_string(max_months) + ")");
    }
    return *months;
}

void read_long_missing(const json::value& value, policy& rules) {
    const json::object* grades = value.if_object();
    if (grades == nullptr) {
        policy_key_fail("long_missing_hours",
                        "an object with the keys \"high\", \"medium\" and \"low\"");
    }
    for (const auto& [key, grade] : *grades) {
        const std::string path = "long_missing_hours." + std::string{key};
        if (key == "high") {
            rules.long_missing_high = read_hours(grade, path);
        } else if (key == "medium") {
            rules.long_missing_medium = read_hours(grade, path);
        } else if (key == "low") {
            rules.long_missing_low = read_hours(grade, path);
        } else {
            fail<policy_error>(policy_prefix, "unknown key " + quoted(path));
        }
    }
}

// "Europe/London", "UTC", "America/Argentina/Buenos_Aires": letters, digits, '_', '+', '-' in
// parts joined by '/'. A name PostgreSQL does not know makes the figures fail, loudly.
bool is_time_zone_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/' ||
        name.find("//") != std::string_view::npos) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '_' ||
               c == '+' || c == '-';
    });
}

void read_policy_key(std::string_view key, const json::value& value, policy& rules) {
    if (key == "name") {
        const json::string* name = value.if_string();
        if (name == nullptr || name->empty()) {
            policy_key_fail(key, "a non-empty string");
        }
        rules.name = std::string{name->data(), name->size()};
    } else if (key == "safe_and_well_hours") {
        rules.safe_and_well_due = read_hours(value, key);
    } else if (key == "interview_offer_hours") {
        rules.interview_offer_due = read_hours(value, key);
    } else if (key == "interview_held_hours") {
        rules.interview_held_due = read_hours(value, key);
    } else if (key == "further_offer_hours") {
        if (value.is_null()) {
            rules.further_offer_due.reset();
        } else {
            const auto hours = integer_in_range(value, 1, max_hours);
            if (!hours) {
                policy_key_fail(key, hours_requirement() + " or null");
            }
            rules.further_offer_due = std::chrono::hours{*hours};
        }
    } else if (key == "long_missing_hours") {
        read_long_missing(value, rules);
    } else if (key == "repeat_window_days") {
        rules.repeat_window = read_days(value, key);
    } else if (key == "repeat_threshold") {
        const auto threshold = integer_in_range(value, min_threshold, max_threshold);
        if (!threshold) {
            policy_key_fail(key, "an integer from " + std::to_string(min_threshold) + " to " +
                                     std::to_string(max_threshold));
        }
        rules.repeat_threshold = *threshold;
    } else if (key == "repeat_review_days") {
        rules.repeat_review_due = read_days(value, key);
    } else if (key == "cse_reassessment_months") {
        rules.cse_reassessment_months = read_months(value, key);
    } else if (key == "profile_review_months") {
        rules.profile_review_months = read_months(value, key);
    } else if (key == "due_soon_hours") {
        rules.due_soon_window = read_hours(value, key);
    } else if (key == "time_zone") {
        const json::string* zone = value.if_string();
        if (zone == nullptr || !is_time_zone_name({zone->data(), zone->size()})) {
            policy_key_fail(key, "an IANA time zone name such as \"Europe/London\"");
        }
        rules.time_zone = std::string{zone->data(), zone->size()};
    } else {
        fail<policy_error>(policy_prefix, "unknown key " + quoted(key));
    }
}

// ---- catalogue ------------------------------------------------------------------------------

constexpr std::string_view catalogue_prefix = "catalogue";
constexpr std::size_t max_code_length = 64;
constexpr std::size_t max_label_length = 200;
constexpr int max_weight = 100;
constexpr int max_min_score = 10000;

[[noreturn]] void catalogue_fail(const std::string& message) {
    fail<catalogue_error>(catalogue_prefix, message);
}

std::string entry_name(std::string_view array, std::size_t index) {
    return std::string{array} + "[" + std::to_string(index) + "]";
}

bool is_snake_case_code(std::string_view code) {
    if (code.empty() || code.size() > max_code_length) {
        return false;
    }
    return std::all_of(code.begin(), code.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// The object of one array entry; its keys must all be among the expected ones.
const json::object& entry_object(const json::value& value, const std::string& name,
                                 std::initializer_list<std::string_view> expected) {
    const json::object* object = value.if_object();
    if (object == nullptr) {
        catalogue_fail(name + " must be an object");
    }
    for (const auto& member : *object) {
        if (std::find(expected.begin(), expected.end(), member.key()) == expected.end()) {
            catalogue_fail(name + " has unknown key " + quoted(member.key()));
        }
    }
    return *object;
}

const json::value& entry_field(const json::object& object, const std::string& name,
                               std::string_view key) {
    const json::value* value = object.if_contains(key);
    if (value == nullptr) {
        catalogue_fail(name + "." + std::string{key} + " is missing");
    }
    return *value;
}

std::string entry_string(const json::value& value, const std::string& path,
                         std::string_view requirement) {
    const json::string* text = value.if_string();
    if (text == nullptr) {
        catalogue_fail(path + " must be " + std::string{requirement});
    }
    return std::string{text->data(), text->size()};
}

indicator read_indicator(const json::value& value, const std::string& name) {
    const json::object& object = entry_object(value, name, {"code", "category", "label", "weight"});

    const std::string code_requirement = "a lowercase snake_case code ([a-z0-9_]+, at most " +
                                         std::to_string(max_code_length) + " characters)";
    std::string code =
        entry_string(entry_field(object, name, "code"), name + ".code", code_requirement);
    if (!is_snake_case_code(code)) {
        catalogue_fail(name + ".code must be " + code_requirement);
    }

    const std::string category_requirement =
        R"(one of "warning_sign", "vulnerability", "behavioural")";
    const auto category = parse_indicator_category(entry_string(
        entry_field(object, name, "category"), name + ".category", category_requirement));
    if (!category) {
        catalogue_fail(name + ".category must be " + category_requirement);
    }

    const std::string label_requirement =
        "a non-empty string of at most " + std::to_string(max_label_length) + " characters";
    std::string label =
        entry_string(entry_field(object, name, "label"), name + ".label", label_requirement);
    if (label.empty() || label.size() > max_label_length) {
        catalogue_fail(name + ".label must be " + label_requirement);
    }

    const auto weight = integer_in_range(entry_field(object, name, "weight"), 0, max_weight);
    if (!weight) {
        catalogue_fail(name + ".weight must be an integer from 0 to " + std::to_string(max_weight));
    }
    return indicator{std::move(code), *category, std::move(label), *weight};
}

score_band read_band(const json::value& value, const std::string& name) {
    const json::object& object = entry_object(value, name, {"min_score", "level"});
    const auto min_score =
        integer_in_range(entry_field(object, name, "min_score"), 0, max_min_score);
    if (!min_score) {
        catalogue_fail(name + ".min_score must be an integer from 0 to " +
                       std::to_string(max_min_score));
    }
    const std::string level_requirement = R"(one of "none", "low", "medium", "high")";
    const auto level = parse_cse_risk(
        entry_string(entry_field(object, name, "level"), name + ".level", level_requirement));
    if (!level) {
        catalogue_fail(name + ".level must be " + level_requirement);
    }
    return score_band{*min_score, *level};
}

const json::array& top_level_array(const json::object& document, std::string_view key) {
    const json::value* value = document.if_contains(key);
    if (value == nullptr) {
        catalogue_fail(quoted(key) + " is missing");
    }
    const json::array* entries = value->if_array();
    if (entries == nullptr || entries->empty()) {
        catalogue_fail(quoted(key) + " must be a non-empty array");
    }
    return *entries;
}

} // namespace

policy parse_policy(std::string_view json_text) {
    const json::value document = parse_document<policy_error>(json_text, policy_prefix);
    const json::object* keys = document.if_object();
    if (keys == nullptr) {
        fail<policy_error>(policy_prefix, "the document must be a JSON object");
    }
    policy rules = england_policy();
    for (const auto& [key, value] : *keys) {
        read_policy_key(key, value, rules);
    }
    return rules;
}

indicator_catalogue indicator_catalogue::parse(std::string_view json_text) {
    const json::value document = parse_document<catalogue_error>(json_text, catalogue_prefix);
    const json::object* top = document.if_object();
    if (top == nullptr) {
        catalogue_fail("the document must be a JSON object");
    }
    for (const auto& member : *top) {
        if (member.key() != "indicators" && member.key() != "bands") {
            catalogue_fail("unknown key " + quoted(member.key()));
        }
    }

    indicator_catalogue catalogue;
    const json::array& indicator_entries = top_level_array(*top, "indicators");
    for (std::size_t index = 0; index < indicator_entries.size(); ++index) {
        const std::string name = entry_name("indicators", index);
        indicator entry = read_indicator(indicator_entries[index], name);
        const auto duplicate =
            std::find_if(catalogue.indicators_.begin(), catalogue.indicators_.end(),
                         [&entry](const indicator& other) { return other.code == entry.code; });
        if (duplicate != catalogue.indicators_.end()) {
            const auto first = static_cast<std::size_t>(duplicate - catalogue.indicators_.begin());
            catalogue_fail(name + ".code " + quoted(entry.code) + " duplicates " +
                           entry_name("indicators", first) + ".code");
        }
        catalogue.indicators_.push_back(std::move(entry));
    }

    const json::array& band_entries = top_level_array(*top, "bands");
    for (std::size_t index = 0; index < band_entries.size(); ++index) {
        const std::string name = entry_name("bands", index);
        const score_band band = read_band(band_entries[index], name);
        if (index == 0 && band.min_score != 0) {
            catalogue_fail(name + ".min_score must be 0 (the first band starts at 0)");
        }
        if (index > 0) {
            const score_band& previous = catalogue.bands_.back();
            const std::string previous_name = entry_name("bands", index - 1);
            if (band.min_score <= previous.min_score) {
                catalogue_fail(name + ".min_score must be greater than " + previous_name +
                               ".min_score");
            }
            if (band.level < previous.level) {
                catalogue_fail(name + ".level must not be lower than " + previous_name + ".level");
            }
        }
        catalogue.bands_.push_back(band);
    }
    return catalogue;
}

} // namespace homeward::workflow
