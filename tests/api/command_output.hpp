#pragma once
// What the API tests read back with other programs: a command's output, a file's bytes, and a PDF's
// text and pages as poppler-utils (pdftotext, pdfinfo) read them.

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

namespace homeward::testing {

// What a command prints on its standard output; a failure when it exits other than 0.
inline std::string output_of(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        ADD_FAILURE() << "cannot run " << command;
        return out;
    }
    std::array<char, 4096> buffer{};
    std::size_t read = 0;
    while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        out.append(buffer.data(), read);
    }
    EXPECT_EQ(::pclose(pipe), 0) << command;
    return out;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// A PDF's text and page count, as poppler-utils read them.
struct pdf_reading {
    std::string text; // whitespace runs made one space, so wrapped phrases read whole
    int pages{0};
};

inline pdf_reading read_pdf(const std::string& pdf) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("homeward-report-" + std::to_string(::getpid()) + ".pdf");
    {
        std::ofstream out{file, std::ios::binary};
        out << pdf;
    }
    pdf_reading reading;
    // -layout keeps each line as it is on the page: a field's label beside its value.
    for (const char c : output_of("pdftotext -layout -enc UTF-8 '" + file.string() + "' -")) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (!space) {
            reading.text += c;
        } else if (!reading.text.empty() && reading.text.back() != ' ') {
            reading.text += ' ';
        }
    }
    const auto info = output_of("pdfinfo '" + file.string() + "'");
    if (const auto at = info.find("Pages:"); at != std::string::npos) {
        reading.pages = std::stoi(info.substr(at + 6));
    }
    std::filesystem::remove(file);
    return reading;
}

} // namespace homeward::testing
