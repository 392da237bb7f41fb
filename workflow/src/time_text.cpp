#include "homeward/workflow/time_text.hpp"

#include <array>
#include <cstdio>

namespace homeward::workflow {
namespace {

// Reads exactly `width` digits at `pos`.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
    if (pos + width > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<std::chrono::sys_days> date_at(std::string_view text) {
    const auto year = digits(text, 0, 4);
    const auto month = digits(text, 5, 2);
    const auto day = digits(text, 8, 2);
    if (!year || !month || !day || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{*year},
                                          std::chrono::month{static_cast<unsigned>(*month)},
                                          std::chrono::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return std::chrono::sys_days{ymd};
}

} // namespace

std::optional<std::chrono::sys_days> parse_date(std::string_view text) {
    if (text.size() != 10) {
        return std::nullopt;
    }
    return date_at(text);
}

std::string format_date(std::chrono::sys_days day) {
    return format_rfc3339(std::chrono::time_point_cast<std::chrono::seconds>(day)).substr(0, 10);
}

std::optional<time_point> parse_rfc3339(std::string_view text) {
    using namespace std::chrono;
    if (text.size() < 20) {
        return std::nullopt;
    }
    const auto day = date_at(text);
    const auto hour = digits(text, 11, 2);
    const auto minute = digits(text, 14, 2);
    const auto second = digits(text, 17, 2);
    if (!day || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' ||
        !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    if (text[pos] == '.') {
        ++pos;
        const std::size_t fraction_start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            ++pos;
        }
        if (pos == fraction_start) {
            return std::nullopt;
        }
    }
    if (pos >= text.size()) {
        return std::nullopt;
    }
    seconds offset{0};
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
        const auto offset_hours = digits(text, pos + 1, 2);
        const auto offset_minutes = digits(text, pos + 4, 2);
        if (!offset_hours || !offset_minutes || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            *offset_hours > 23 || *offset_minutes > 59) {
            return std::nullopt;
        }
        offset = hours{*offset_hours} + minutes{*offset_minutes};
        if (text[pos] == '-') {
            offset = -offset;
        }
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    return time_point_cast<seconds>(*day) + hours{*hour} + minutes{*minute} + seconds{*second} -
           offset;
}

std::string format_rfc3339(time_point at) {
    using namespace std::chrono;
    const auto day = floor<days>(at);
    const year_month_day ymd{day};
    const hh_mm_ss clock{at - day};
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02ld:%02ld:%02lldZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long>(clock.hours().count()),
                  static_cast<long>(clock.minutes().count()),
                  static_cast<long long>(clock.seconds().count()));
    return buffer.data();
}

} // namespace homeward::workflow
