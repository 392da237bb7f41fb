#pragma once
// Reads a request body field by field, collecting every problem so that one answer names them all.
// Pure: it knows JSON values, not where they came from.

#include "homeward/workflow/types.hpp"

#include <boost/json/fwd.hpp>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::workflow {

// One field at fault and why, in words a user can act on.
struct field_error {
    std::string field;
    std::string message;
    bool operator==(const field_error&) const = default;
};

// "invalid fields: a is required, b must be a string": the errors in one line.
std::string describe(const std::vector<field_error>& errors);

class input_reader {
public:
    // Fields not in `known` are reported as unknown: a typo must not pass silently. Keys are
    // checked for what no field name holds (control characters, NUL), so that nothing a key
    // carries can reach a message or a log unescaped.
    input_reader(const boost::json::object& body, std::span<const std::string_view> known);
    input_reader(const boost::json::object& body, std::initializer_list<std::string_view> known)
        : input_reader(body, std::span<const std::string_view>{known.begin(), known.size()}) {}

    // Text is trimmed; blank text counts as absent. Text with a NUL or other control character
    // (tabs and line breaks apart) is refused.
    std::string text(std::string_view field, std::size_t max_length = 2000);
    std::optional<std::string> optional_text(std::string_view field, std::size_t max_length = 2000);
    // A uuid (the API's ids), in lower case; anything else is refused naming the field.
    std::string id(std::string_view field);
    std::optional<std::string> optional_id(std::string_view field);
    time_point time(std::string_view field);
    std::optional<time_point> optional_time(std::string_view field);
    // A required time, unset when it is missing or malformed (and then reported as such).
    std::optional<time_point> required_time(std::string_view field);
    std::chrono::sys_days date(std::string_view field);
    bool boolean(std::string_view field);
    std::optional<bool> optional_boolean(std::string_view field);
    std::vector<std::string> text_list(std::string_view field, std::size_t max_items = 50);

    // An enumerated value: `parse` maps text to the value; `choices` lists the accepted texts.
    template <typename Enum, typename Parse>
    std::optional<Enum> choice(std::string_view field, Parse parse, std::string_view choices,
                               bool required = true) {
        const auto value = optional_text(field, 100);
        if (!value) {
            if (required && !has_error(field)) {
                missing(field);
            }
            return std::nullopt;
        }
        auto parsed = parse(*value);
        if (!parsed) {
            add(field, "must be one of " + std::string{choices});
        }
        return parsed;
    }

    void add(std::string_view field, std::string message);
    bool ok() const { return errors_.empty(); }
    bool has_error(std::string_view field) const;
    const std::vector<field_error>& errors() const { return errors_; }

private:
    const boost::json::value* find(std::string_view field) const;
    void missing(std::string_view field);

    const boost::json::object& body_;
    std::vector<field_error> errors_;
};

// Is this text a uuid as the API writes ids (8-4-4-4-12 hexadecimal digits)?
bool is_uuid(std::string_view text);
// Is this text valid UTF-8 without NUL? Everything read from a request is checked with it before
// it can reach the database.
bool is_clean_text(std::string_view text);

} // namespace homeward::workflow
