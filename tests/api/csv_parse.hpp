#pragma once
// CSV read back by a real CSV parser, Python's csv module (RFC 4180 quoting, CRLF), run as a
// process: the tests never trust a parser of their own to judge the server's writer.

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace homeward::testing {

// The rows of a CSV document, each a list of its fields (the header is the first row).
inline std::vector<std::vector<std::string>> parse_csv(const std::string& document) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("homeward-csv-" + std::to_string(::getpid()) + ".csv");
    {
        std::ofstream out{path, std::ios::binary};
        out << document;
    }
    const std::string command =
        "python3 -c 'import csv, json, sys; "
        "print(json.dumps(list(csv.reader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\"), "
        "strict=True))))' " +
        path.string();
    std::string output;
    if (FILE* pipe = ::popen(command.c_str(), "r"); pipe != nullptr) {
        char buffer[65536];
        std::size_t read = 0;
        while ((read = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
            output.append(buffer, read);
        }
        EXPECT_EQ(::pclose(pipe), 0) << "python3's csv module refused the document";
    }
    std::filesystem::remove(path);
    std::vector<std::vector<std::string>> rows;
    boost::json::error_code error;
    const auto parsed = boost::json::parse(output, error);
    if (error || !parsed.is_array()) {
        ADD_FAILURE() << "no rows from python3: " << output.substr(0, 200);
        return rows;
    }
    for (const auto& row : parsed.as_array()) {
        std::vector<std::string> fields;
        for (const auto& field : row.as_array()) {
            fields.emplace_back(field.as_string());
        }
        rows.push_back(std::move(fields));
    }
    return rows;
}

} // namespace homeward::testing
