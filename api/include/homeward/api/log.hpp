#pragma once
// The one structured log of the process: JSON lines with a UTC time (`ts`), a `level`, an `event`
// (a stable snake_case name that tools filter on) and the event's own fields, e.g.
//
//   {"ts":"2026-11-30T09:15:02.123Z","level":"info","event":"request","status":200,...}
//
// One writer with one mutex, so lines from the I/O threads, the workers, the sweeper and the
// webhook deliverer never interleave. Whatever a field holds (quotes, control characters, bytes
// that are not UTF-8), each line is one valid JSON object in valid UTF-8.
//
// Never pass credentials, tokens, passwords or request bodies as fields.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace homeward::api {

enum class log_level { debug, info, warn, error };

// A field's value: text, a whole or real number, true/false, or null. Text is referred to, not
// copied: it must live until the write returns (it does, inside one full expression).
class log_value {
public:
    log_value(std::nullptr_t) : value_(nullptr) {}
    log_value(bool flag) : value_(flag) {}
    template <std::integral Integer>
    requires(!std::same_as<Integer, bool>) log_value(Integer number) {
        if constexpr (std::is_signed_v<Integer>) {
            value_ = static_cast<std::int64_t>(number);
        } else {
            value_ = static_cast<std::uint64_t>(number);
        }
    }
    template <std::floating_point Real>
    log_value(Real number) : value_(static_cast<double>(number)) {}
    log_value(std::string_view text) : value_(text) {}
    log_value(const char* text) : value_(std::string_view{text}) {}
    log_value(const std::string& text) : value_(std::string_view{text}) {}
    log_value(const std::optional<std::string>& text) : value_(nullptr) {
        if (text) {
            value_ = std::string_view{*text};
        }
    }

    using variant =
        std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string_view>;
    const variant& get() const { return value_; }

private:
    variant value_;
};

struct log_field {
    std::string_view name;
    log_value value;
};

using log_fields = std::initializer_list<log_field>;

class logger {
public:
    using clock_function = std::function<std::chrono::system_clock::time_point()>;

    // Writes to `out`; the clock is injected so tests can check the time exactly. Until
    // write_in_batches is called, each line is written and flushed before `write` returns.
    explicit logger(std::ostream& out, clock_function clock = {});
    ~logger(); // writes whatever is still gathered
    logger(const logger&) = delete;
    logger& operator=(const logger&) = delete;

    // From now on info and debug lines are gathered and written together by a thread of the
    // logger's own, at most `interval` after the first of them: one write for many lines where a
    // busy server would make one a request. Warnings and errors are still written at once, after
    // everything gathered before them, and so is everything gathered once it reaches `limit`
    // bytes (a writer that cannot keep up slows its callers rather than lose lines). Call it once,
    // before other threads write.
    void write_in_batches(std::chrono::microseconds interval, std::size_t limit = 1U << 20U);

    // One line: ts, level, event, then the fields in the order given. A field named like one of
    // the first three is written as given, after them (callers should not do that).
    void write(log_level level, std::string_view event, log_fields fields = {});
    void debug(std::string_view event, log_fields fields = {}) {
        write(log_level::debug, event, fields);
    }
    void info(std::string_view event, log_fields fields = {}) {
        write(log_level::info, event, fields);
    }
    void warn(std::string_view event, log_fields fields = {}) {
        write(log_level::warn, event, fields);
    }
    void error(std::string_view event, log_fields fields = {}) {
        write(log_level::error, event, fields);
    }

    // Sends later lines to `out` instead; returns where they went before, having written there
    // every line gathered until now. The command line points the process log at its output
    // stream; tests capture it.
    std::ostream& redirect(std::ostream& out);

    // Writes every line gathered until now.
    void flush();

private:
    struct gathering;
    void gather();                               // the logger's own thread
    void write_gathered(std::string_view after); // what has gathered, then `after`
    void write_locked(std::string_view after);   // the same, with mutex_ held

    std::mutex mutex_; // held while writing to out_, and while out_ changes
    std::ostream* out_;
    clock_function clock_;
    std::unique_ptr<gathering> gathering_;
};

// The process's log, on standard output unless redirected. Everything logs through it: the
// command line, the server, the router, the sweeper and the webhook deliverer.
logger& process_log();

// Points the process log at `out` for the lifetime of this object.
class log_redirect {
public:
    explicit log_redirect(std::ostream& out) : previous_(&process_log().redirect(out)) {}
    ~log_redirect() { process_log().redirect(*previous_); }
    log_redirect(const log_redirect&) = delete;
    log_redirect& operator=(const log_redirect&) = delete;

private:
    std::ostream* previous_;
};

// The JSON text of one line, without the newline (exposed for the logger's tests).
std::string format_log_line(std::chrono::system_clock::time_point at, log_level level,
                            std::string_view event, log_fields fields);

} // namespace homeward::api
