#include "homeward/workflow/input.hpp"

#include "homeward/workflow/time_text.hpp"

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <algorithm>

namespace homeward::workflow {
namespace {

constexpr std::string_view rfc3339_hint =
    "must be an RFC 3339 time with offset, e.g. 2026-11-28T14:05:00Z";

// A key as it may be shown: printable ASCII as it is, anything else as \u escapes, so that a key
// of control characters or NUL can be named without carrying them.
std::string printable_key(std::string_view key) {
    std::string shown;
    for (const char c : key.substr(0, 64)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f) {
            shown += c;
        } else {
            constexpr std::string_view hex = "0123456789abcdef";
            shown += "\\x";
            shown += hex[byte >> 4U];
            shown += hex[byte & 0xfU];
        }
    }
    return shown;
}

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 && c != '\t' && c != '\n' && c != '\r';
    });
}

} // namespace

std::string describe(const std::vector<field_error>& errors) {
    std::string detail = "invalid fields: ";
    for (std::size_t i = 0; i < errors.size(); ++i) {
        detail += (i == 0 ? "" : ", ") + errors[i].field + " " + errors[i].message;
    }
    return detail;
}

bool is_uuid(std::string_view id) {
    if (id.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex) {
            return false;
        }
    }
    return true;
}

bool is_clean_text(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte == 0) {
            return false;
        }
        std::size_t length = 1;
        std::uint32_t code = byte;
        if (byte >= 0x80) {
            if ((byte & 0xe0U) == 0xc0U) {
                length = 2;
                code = byte & 0x1fU;
            } else if ((byte & 0xf0U) == 0xe0U) {
                length = 3;
                code = byte & 0x0fU;
            } else if ((byte & 0xf8U) == 0xf0U) {
                length = 4;
                code = byte & 0x07U;
            } else {
                return false;
            }
            if (i + length > text.size()) {
                return false;
            }
            for (std::size_t k = 1; k < length; ++k) {
                const auto next = static_cast<unsigned char>(text[i + k]);
                if ((next & 0xc0U) != 0x80U) {
                    return false;
                }
                code = (code << 6U) | (next & 0x3fU);
            }
            // Overlong forms, UTF-16 surrogates and code points beyond Unicode are not UTF-8.
            const bool overlong = (length == 2 && code < 0x80) || (length == 3 && code < 0x800) ||
                                  (length == 4 && code < 0x10000);
            if (overlong || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

input_reader::input_reader(const boost::json::object& body, std::span<const std::string_view> known)
    : body_(body) {
    for (const auto& entry : body_) {
        const std::string_view key = entry.key();
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            add(printable_key(key), "is not a field of this request");
        }
    }
}

void input_reader::add(std::string_view field, std::string message) {
    errors_.push_back({std::string{field}, std::move(message)});
}

bool input_reader::has_error(std::string_view field) const {
    return std::any_of(errors_.begin(), errors_.end(),
                       [&](const field_error& error) { return error.field == field; });
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
    const std::string_view raw = value->get_string();
    if (!is_clean_text(raw) || has_control(raw)) {
        add(field, "must be text without control characters");
        return std::nullopt;
    }
    const auto first = raw.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    std::string text{raw.substr(first, raw.find_last_not_of(" \t\r\n") - first + 1)};
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
        } else if (!has_error(field)) {
            add(field, "must not be empty");
        }
        return {};
    }
    return *value;
}

std::optional<std::string> input_reader::optional_id(std::string_view field) {
    const auto* value = find(field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string() || !is_uuid(value->get_string())) {
        add(field, "must be an id (a uuid)");
        return std::nullopt;
    }
    std::string id{value->get_string()};
    std::transform(id.begin(), id.end(), id.begin(),
                   [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c; });
    return id;
}

std::string input_reader::id(std::string_view field) {
    const bool present = find(field) != nullptr;
    auto value = optional_id(field);
    if (!value) {
        if (!present) {
            missing(field);
        }
        return {};
    }
    return *value;
}

std::optional<time_point> input_reader::optional_time(std::string_view field) {
    const auto* value = find(field);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        add(field, std::string{rfc3339_hint});
        return std::nullopt;
    }
    auto parsed = parse_rfc3339(value->get_string());
    if (!parsed) {
        add(field, std::string{rfc3339_hint});
    }
    return parsed;
}

std::optional<time_point> input_reader::required_time(std::string_view field) {
    if (find(field) == nullptr) {
        missing(field);
        return std::nullopt;
    }
    return optional_time(field);
}

time_point input_reader::time(std::string_view field) {
    return required_time(field).value_or(time_point{});
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
        if (!item.is_string() || item.get_string().empty() || item.get_string().size() > 200 ||
            !is_clean_text(item.get_string()) || has_control(item.get_string())) {
            add(field, "must be a list of non-empty strings of at most 200 characters");
            return {};
        }
        items.emplace_back(item.get_string());
    }
    return items;
}

} // namespace homeward::workflow
