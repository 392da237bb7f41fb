#include "input.hpp"

#include "homeward/services/time_text.hpp"

#include <algorithm>

namespace homeward::services {

input_reader::input_reader(const boost::json::object& body, std::span<const std::string_view> known)
    : body_(body) {
    for (const auto& entry : body_) {
        const std::string_view key = entry.key();
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            add(key, "is not a field of this request");
        }
    }
}

void input_reader::add(std::string_view field, std::string message) {
    errors_.push_back({std::string{field}, std::move(message)});
}

void input_reader::missing(std::string_view field) { add(field, "is required"); }

const boost::json::value* input_reader::find(std::string_view field) const {
    const auto* value = body_.if_contains(field);
    return value == nullptr || value->is_null() ? nullptr : value;
}

std::optional<std::string> input_reader::optional_text(std::string_view field,
                                                       std::size_t max_length) {
    const auto* value = find(field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        add(field, "must be a string");
        return std::nullopt;
    }
    std::string text{value->get_string()};
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return std::nullopt;
    }
    text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    if (text.size() > max_length) {
        add(field, "must be at most " + std::to_string(max_length) + " characters");
        return std::nullopt;
    }
    return text;
}

std::string input_reader::text(std::string_view field, std::size_t max_length) {
    const bool present = find(field) != nullptr;
    auto value = optional_text(field, max_length);
    if (!value) {
        if (!present) {
            missing(field);
        } else if (ok() || errors_.back().field != field) {
            add(field, "must not be empty");
        }
        return {};
    }
    return *value;
}

std::optional<workflow::time_point> input_reader::optional_time(std::string_view field) {
    const auto* value = find(field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        add(field, "must be an RFC 3339 time with offset, e.g. 2026-11-28T14:05:00Z");
        return std::nullopt;
    }
    auto parsed = parse_rfc3339(value->get_string());
    if (!parsed) {
        add(field, "must be an RFC 3339 time with offset, e.g. 2026-11-28T14:05:00Z");
    }
    return parsed;
}

std::optional<workflow::time_point> input_reader::required_time(std::string_view field) {
    if (find(field) == nullptr) {
        missing(field);
        return std::nullopt;
    }
    return optional_time(field);
}

workflow::time_point input_reader::time(std::string_view field) {
    return required_time(field).value_or(workflow::time_point{});
}

std::chrono::sys_days input_reader::date(std::string_view field) {
    const auto* value = find(field);
    if (value == nullptr) {
        missing(field);
        return {};
    }
    std::optional<std::chrono::sys_days> parsed;
    if (value->is_string()) {
        parsed = parse_date(value->get_string());
    }
    if (!parsed) {
        add(field, "must be a date, YYYY-MM-DD");
        return {};
    }
    return *parsed;
}

std::optional<bool> input_reader::optional_boolean(std::string_view field) {
    const auto* value = find(field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_bool()) {
        add(field, "must be true or false");
        return std::nullopt;
    }
    return value->get_bool();
}

bool input_reader::boolean(std::string_view field) {
    const bool present = find(field) != nullptr;
    const auto value = optional_boolean(field);
    if (!value) {
        if (!present) {
            missing(field);
        }
        return false;
    }
    return *value;
}

std::vector<std::string> input_reader::text_list(std::string_view field, std::size_t max_items) {
    const auto* value = find(field);
    std::vector<std::string> items;
    if (value == nullptr) {
        return items;
    }
    if (!value->is_array()) {
        add(field, "must be a list of strings");
        return items;
    }
    const auto& list = value->get_array();
    if (list.size() > max_items) {
        add(field, "must have at most " + std::to_string(max_items) + " entries");
        return items;
    }
    for (const auto& item : list) {
        if (!item.is_string() || item.get_string().empty() || item.get_string().size() > 200) {
            add(field, "must be a list of non-empty strings of at most 200 characters");
            return {};
        }
        items.emplace_back(item.get_string());
    }
    return items;
}

void input_reader::finish() const {
    if (errors_.empty()) {
        return;
    }
    std::string detail = "invalid fields: ";
    for (std::size_t i = 0; i < errors_.size(); ++i) {
        detail += (i == 0 ? "" : ", ") + errors_[i].field + " " + errors_[i].message;
    }
    throw failure(failure_kind::invalid_input, detail, errors_);
}

} // namespace homeward::services
