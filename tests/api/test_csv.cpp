// The one CSV writer: RFC 4180 quoting and the neutralising of cells a spreadsheet would run as a
// formula (OWASP's list: =, +, -, @, tab, carriage return).

#include "csv.hpp"

#include <gtest/gtest.h>

namespace homeward::api {
namespace {

TEST(csv_writer, cells_that_would_start_a_formula_get_a_leading_quote) {
    EXPECT_EQ(csv_cell("=1+2"), "'=1+2");
    EXPECT_EQ(csv_cell("+44 7700"), "'+44 7700");
    EXPECT_EQ(csv_cell("-2"), "'-2");
    EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csv_cell("\tcmd"), "'\tcmd");
    EXPECT_EQ(csv_cell("\rcmd"), "\"'\rcmd\"");
    EXPECT_EQ(csv_cell("Bus station"), "Bus station");
    EXPECT_EQ(csv_cell("a=b"), "a=b");
    EXPECT_EQ(csv_cell(""), "");
}

TEST(csv_writer, fields_with_commas_quotes_or_line_breaks_are_quoted_with_quotes_doubled) {
    EXPECT_EQ(csv_cell("Kirk St, north"), "\"Kirk St, north\"");
    EXPECT_EQ(csv_cell("the \"flat\""), "\"the \"\"flat\"\"\"");
    EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_cell("=a,b"), "\"'=a,b\"");
}

TEST(csv_writer, rows_end_crlf_and_numbers_times_and_empty_values_are_plain) {
    std::string out;
    csv_writer csv{out};
    csv.row({"a", "b"});
    csv.number(std::int64_t{-3})
        .number(std::optional<double>{91.2})
        .number(std::optional<double>{})
        .boolean(true)
        .time(workflow::time_point{std::chrono::seconds{86400}})
        .optional_text(std::nullopt);
    csv.end_row();
    EXPECT_EQ(out, "a,b\r\n-3,91.2,,true,1970-01-02T00:00:00Z,\r\n");
}

} // namespace
} // namespace homeward::api
