#include "csv.hpp"

#include "homeward/workflow/time_text.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace homeward::api {
namespace {

// OWASP's list of characters that start a formula in Excel, LibreOffice or Google Sheets.
bool starts_formula(std::string_view value) {
    return !value.empty() &&
           (value.front() == '=' || value.front() == '+' || value.front() == '-' ||
            value.front() == '@' || value.front() == '\t' || value.front() == '\r');
}

void append_field(std::string& out, std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += value;
        return;
    }
    out += '"';
    for (const char c : value) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

} // namespace

std::string csv_cell(std::string_view value) {
    std::string out;
    if (starts_formula(value)) {
        append_field(out, "'" + std::string{value});
    } else {
        append_field(out, value);
    }
    return out;
}

void csv_writer::separator() {
    if (row_started_) {
        out_ += ',';
    }
    row_started_ = true;
}

void csv_writer::raw(std::string_view value) {
    separator();
    out_ += value;
}

void csv_writer::row(std::initializer_list<std::string_view> names) {
    for (const auto name : names) {
        text(name);
    }
    end_row();
}

csv_writer& csv_writer::text(std::string_view value) {
    separator();
    out_ += csv_cell(value);
    return *this;
}

csv_writer& csv_writer::optional_text(const std::optional<std::string>& value) {
    return value ? text(*value) : text(std::string_view{});
}

csv_writer& csv_writer::number(std::int64_t value) {
    raw(std::to_string(value));
    return *this;
}

csv_writer& csv_writer::number(std::optional<double> value) {
    if (!value || !std::isfinite(*value)) {
        raw("");
        return *this;
    }
    std::array<char, 32> buffer{};
    const auto [end, error] = std::to_chars(buffer.begin(), buffer.end(), *value);
    raw(error == std::errc{} ? std::string_view{buffer.data(), end} : std::string_view{});
    return *this;
}

csv_writer& csv_writer::number_text(const std::optional<std::string>& decimal) {
    // PostgreSQL's own text of a number: digits, a sign, a point, an exponent; nothing to quote.
    raw(decimal.value_or(""));
    return *this;
}

csv_writer& csv_writer::boolean(std::optional<bool> value) {
    raw(value ? (*value ? "true" : "false") : "");
    return *this;
}

csv_writer& csv_writer::time(std::optional<workflow::time_point> at) {
    raw(at ? workflow::format_rfc3339(*at) : "");
    return *this;
}

void csv_writer::end_row() {
    out_ += "\r\n";
    row_started_ = false;
}

} // namespace homeward::api
