#include "homeward/api/log.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <thread>

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

// The lines gathered for the logger's own writer thread. Callers append under `mutex` only (no
// system call); the thread takes what has gathered and writes it under the logger's mutex, which
// the lines written at once also take, so that lines keep the order they were gathered in.
struct logger::gathering {
    std::mutex mutex;
    std::condition_variable wake;
    std::string lines;
    bool waiting = false; // the thread waits for a first line
    bool stopping = false;
    std::chrono::microseconds interval{};
    std::size_t limit = 0;
    std::thread thread;
};

logger::logger(std::ostream& out, clock_function clock) : out_(&out), clock_(std::move(clock)) {
    if (!clock_) {
        clock_ = [] { return std::chrono::system_clock::now(); };
    }
}

logger::~logger() {
    if (gathering_) {
        {
            const std::lock_guard lock{gathering_->mutex};
            gathering_->stopping = true;
        }
        gathering_->wake.notify_one();
        gathering_->thread.join();
        write_gathered({});
    }
}

void logger::write_in_batches(std::chrono::microseconds interval, std::size_t limit) {
    if (gathering_) {
        return;
    }
    gathering_ = std::make_unique<gathering>();
    gathering_->interval = interval;
    gathering_->limit = limit;
    try {
        gathering_->thread = std::thread{[this] { gather(); }};
    } catch (...) {
        gathering_.reset(); // no thread: every line is written at once, as before
        throw;
    }
}

// The logger's own thread: waits for a first line, lets the interval's others join it, writes.
void logger::gather() {
    auto& g = *gathering_;
    std::unique_lock lock{g.mutex};
    while (!g.stopping) {
        if (g.lines.empty()) {
            g.waiting = true;
            g.wake.wait(lock, [&] { return g.stopping || !g.lines.empty(); });
            g.waiting = false;
            continue;
        }
        g.wake.wait_for(lock, g.interval, [&] { return g.stopping; });
        lock.unlock();
        write_gathered({});
        lock.lock();
    }
}

void logger::write_gathered(std::string_view after) {
    const std::lock_guard lock{mutex_};
    write_locked(after);
}

void logger::write_locked(std::string_view after) {
    std::string lines;
    if (gathering_) {
        const std::lock_guard taking{gathering_->mutex};
        lines.swap(gathering_->lines);
    }
    if (lines.empty() && after.empty()) {
        return;
    }
    out_->write(lines.data(), static_cast<std::streamsize>(lines.size()));
    out_->write(after.data(), static_cast<std::streamsize>(after.size()));
    out_->flush(); // visible (to a collector, to a test) as soon as it is written
}

void logger::write(log_level level, std::string_view event, log_fields fields) {
    // Formatted outside any lock.
    auto line = format_log_line(clock_(), level, event, fields);
    line += '\n';
    if (gathering_ && level < log_level::warn) {
        auto& g = *gathering_;
        std::unique_lock lock{g.mutex};
        g.lines += line;
        const bool full = g.lines.size() >= g.limit;
        const bool first = g.waiting;
        g.waiting = false;
        lock.unlock();
        if (full) {
            write_gathered({});
        } else if (first) {
            g.wake.notify_one();
        }
        return;
    }
    write_gathered(line);
}

void logger::flush() { write_gathered({}); }

std::ostream& logger::redirect(std::ostream& out) {
    const std::lock_guard lock{mutex_};
    write_locked({}); // what was gathered goes where it was written to
    auto* previous = out_;
    out_ = &out;
    return *previous;
}

logger& process_log() {
    static logger log{std::cout};
    return log;
}

} // namespace homeward::api
