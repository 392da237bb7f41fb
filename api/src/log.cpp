#include "homeward/api/log.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>

namespace homeward::api {
namespace {

std::string_view level_name(log_level level) {
    switch (level) {
    case log_level::debug:
        return "debug";
    case log_level::info:
        return "info";
    case log_level::warn:
        return "warn";
    case log_level::error:
        return "error";
    }
    return "error";
}

// The length of the well-formed UTF-8 sequence at the start of `text`, or 0 when it is not one
// (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, > U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
        high = lead == 0xED ? 0x9F : 0xBF; // no UTF-16 surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;  // no overlong forms
        high = lead == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (text.size() < length || byte(1) < low || byte(1) > high) {
        return 0;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) {
            return 0;
        }
    }
    return length;
}

// A JSON string: quotes, backslashes and control characters escaped; bytes that are not UTF-8
// become U+FFFD, so that the line stays valid for any JSON reader.
void append_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c == '\n') {
            out += "\\n";
            ++i;
        } else if (c == '\r') {
            out += "\\r";
            ++i;
        } else if (c == '\t') {
            out += "\\t";
            ++i;
        } else if (c < 0x20 || c == 0x7F) {
            std::array<char, 7> escaped{};
            std::snprintf(escaped.data(), escaped.size(), "\\u%04x", c);
            out += escaped.data();
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else if (const auto length = utf8_sequence_length(text.substr(i)); length > 0) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            out += "\xEF\xBF\xBD"; // U+FFFD, the replacement character
            ++i;
        }
    }
    out += '"';
}

template <typename Number>
void append_number(std::string& out, Number number) {
    std::array<char, 32> digits{};
    const auto [end, error] = std::to_chars(digits.data(), digits.data() + digits.size(), number);
    (void)error; // 32 characters hold any 64-bit integer and any double's shortest form
    out.append(digits.data(), end);
}

void append_value(std::string& out, const log_value& value) {
    std::visit(
        [&out](const auto& held) {
            using held_type = std::decay_t<decltype(held)>;
            if constexpr (std::is_same_v<held_type, std::nullptr_t>) {
                out += "null";
            } else if constexpr (std::is_same_v<held_type, bool>) {
                out += held ? "true" : "false";
            } else if constexpr (std::is_same_v<held_type, double>) {
                if (std::isfinite(held)) {
                    append_number(out, held);
                } else {
                    out += "null"; // JSON has no NaN or infinity
                }
            } else if constexpr (std::is_same_v<held_type, std::string_view>) {
                append_string(out, held);
            } else {
                append_number(out, held);
            }
        },
        value.get());
}

// "2026-11-30T09:15:02.123Z": UTC, to the millisecond.
std::string utc_text(std::chrono::system_clock::time_point at) {
    const auto milliseconds =
        std::chrono::time_point_cast<std::chrono::milliseconds>(at).time_since_epoch().count();
    auto seconds = static_cast<std::time_t>(milliseconds / 1000);
    auto fraction = milliseconds % 1000;
    if (fraction < 0) {
        fraction += 1000;
        --seconds;
    }
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    std::array<char, 32> text{};
    std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                  parts.tm_min, parts.tm_sec, static_cast<int>(fraction));
    return text.data();
}

} // namespace

std::string format_log_line(std::chrono::system_clock::time_point at, log_level level,
                            std::string_view event, log_fields fields) {
    std::string line;
    line.reserve(128);
    line += "{\"ts\":\"";
    line += utc_text(at);
    line += "\",\"level\":\"";
    line += level_name(level);
    line += "\",\"event\":";
    append_string(line, event);
    for (const auto& field : fields) {
        line += ',';
        append_string(line, field.name);
        line += ':';
        append_value(line, field.value);
    }
    line += '}';
    return line;
}

logger::logger(std::ostream& out, clock_function clock) : out_(&out), clock_(std::move(clock)) {
    if (!clock_) {
        clock_ = [] { return std::chrono::system_clock::now(); };
    }
}

void logger::write(log_level level, std::string_view event, log_fields fields) {
    // Formatted outside the lock: only the write itself is serialised.
    auto line = format_log_line(clock_(), level, event, fields);
    line += '\n';
    const std::lock_guard lock{mutex_};
    out_->write(line.data(), static_cast<std::streamsize>(line.size()));
    out_->flush(); // a line is visible (to a collector, to a test) as soon as it is written
}

std::ostream& logger::redirect(std::ostream& out) {
    const std::lock_guard lock{mutex_};
    auto* previous = out_;
    out_ = &out;
    return *previous;
}

logger& process_log() {
    static logger log{std::cout};
    return log;
}

} // namespace homeward::api
