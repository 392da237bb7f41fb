#pragma once
// The one CSV writer of every export (RFC 4180): UTF-8, a header row, CRLF line ends, fields
// quoted when they hold a comma, a quote, CR or LF (quotes doubled). A text cell that a
// spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) is neutralised with
// a leading single quote. Numbers are written as numbers (a number is never a formula).

#include "homeward/workflow/types.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace homeward::api {

class csv_writer {
public:
    // Appends to `out`, which the caller may drain between rows (a streamed export).
    explicit csv_writer(std::string& out) : out_(out) {}

    void row(std::initializer_list<std::string_view> names); // e.g. the header
    csv_writer& text(std::string_view value);
    csv_writer& optional_text(const std::optional<std::string>& value); // empty when unset
    csv_writer& number(std::int64_t value);
    csv_writer& number(std::optional<double> value);                    // empty when unset
    csv_writer& number_text(const std::optional<std::string>& decimal); // from the database
    csv_writer& boolean(std::optional<bool> value);                     // true, false or empty
    csv_writer& time(std::optional<workflow::time_point> at);           // ISO 8601, UTC
    void end_row();

private:
    void separator();
    void raw(std::string_view value);
    std::string& out_;
    bool row_started_{false};
};

// A text cell as the writer writes it (neutralised, then quoted when needed), for tests.
std::string csv_cell(std::string_view value);

} // namespace homeward::api
