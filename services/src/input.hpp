#pragma once
// Reads a request body field by field, collecting every problem so that one 422 names them all.

#include "homeward/services/errors.hpp"
#include "homeward/workflow/types.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::services {

class input_reader {
public:
    // Fields not in `known` are reported as unknown: a typo must not pass silently.
    input_reader(const boost::json::object& body, std::span<const std::string_view> known);
    input_reader(const boost::json::object& body, std::initializer_list<std::string_view> known)
        : input_reader(body, std::span<const std::string_view>{known.begin(), known.size()}) {}

    std::string text(std::string_view field, std::size_t max_length = 2000);
    std::optional<std::string> optional_text(std::string_view field, std::size_t max_length = 2000);
    workflow::time_point time(std::string_view field);
    std::optional<workflow::time_point> optional_time(std::string_view field);
    // A required time, unset when it is missing or malformed (and then reported as such).
    std::optional<workflow::time_point> required_time(std::string_view field);
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
            if (required) {
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
    // Throws failure(invalid_input) naming every field at fault, if any.
    void finish() const;
    bool ok() const { return errors_.empty(); }

private:
    const boost::json::value* find(std::string_view field) const;
    void missing(std::string_view field);

    const boost::json::object& body_;
    std::vector<field_error> errors_;
};

} // namespace homeward::services
