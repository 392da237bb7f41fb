// The structured log: every line one JSON object (ts, level, event, fields) in valid UTF-8,
// whatever the fields hold, and lines written from many threads never interleave.

#include "homeward/api/log.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <latch>
#include <limits>
#include <mutex>
#include <sstream>
#include <streambuf>
#include <thread>
#include <vector>

namespace homeward::api {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// 2026-11-30T09:15:02.123Z
const auto fixed_time = std::chrono::system_clock::time_point{
    std::chrono::sys_days{std::chrono::year{2026} / std::chrono::November / 30} + 9h + 15min + 2s +
    123ms};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

// Fails the test unless the line is one JSON object.
json::object parsed(const std::string& line) {
    json::error_code error;
    auto value = json::parse(line, error);
    EXPECT_FALSE(error) << line;
    EXPECT_TRUE(value.is_object()) << line;
    return value.is_object() ? value.as_object() : json::object{};
}

// Strict UTF-8: what a JSON reader in another language would accept.
bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        if ((c >= 0x80 && c < 0xC2) || c > 0xF4 || i + length > text.size()) {
            return false;
        }
        std::uint32_t point = std::uint32_t{c} & (length == 1 ? 0x7Fu : 0x7Fu >> length);
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            point = (point << 6) | (next & 0x3F);
        }
        const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (point < least[length] || point > 0x10FFFF || (point >= 0xD800 && point <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

TEST(structured_log, a_line_is_one_json_object_with_utc_time_level_event_and_fields_in_order) {
    std::ostringstream out;
    logger log{out, [] { return fixed_time; }};
    log.info("request", {{"status", 200},
                         {"route", "/api/v1/episodes/{id}"},
                         {"duration_ms", 1.5},
                         {"user_id", nullptr},
                         {"cached", false}});
    EXPECT_EQ(out.str(), "{\"ts\":\"2026-11-30T09:15:02.123Z\",\"level\":\"info\","
                         "\"event\":\"request\",\"status\":200,\"route\":\"/api/v1/episodes/{id}\","
                         "\"duration_ms\":1.5,\"user_id\":null,\"cached\":false}\n");
}

TEST(structured_log, each_level_is_named) {
    std::ostringstream out;
    logger log{out, [] { return fixed_time; }};
    log.debug("a");
    log.info("b");
    log.warn("c");
    log.error("d");
    std::vector<std::string> levels;
    for (const auto& line : lines_of(out.str())) {
        levels.emplace_back(parsed(line).at("level").as_string());
    }
    EXPECT_EQ(levels, (std::vector<std::string>{"debug", "info", "warn", "error"}));
}

TEST(structured_log, quotes_backslashes_and_control_characters_are_escaped_on_one_line) {
    std::ostringstream out;
    logger log{out};
    const std::string hostile = "say \"hi\"\\ then\nnew line\r\t\x01\x1f\x7f end";
    log.error("request_failed", {{"error", hostile}, {"we\"ird\nname", "x"}});
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 1U) << out.str();
    const auto line = parsed(lines[0]);
    EXPECT_EQ(line.at("error").as_string(), hostile);
    EXPECT_EQ(line.at("we\"ird\nname").as_string(), "x");
}

TEST(structured_log, bytes_that_are_not_utf8_become_replacement_characters_and_utf8_is_kept) {
    std::ostringstream out;
    logger log{out};
    // A stray continuation byte, a truncated sequence, an overlong '/', a UTF-16 surrogate and a
    // byte above U+10FFFF's range, between well-formed two-, three- and four-byte characters.
    const std::string text = "é\x80|\xE2\x82|\xC0\xAF|\xED\xA0\x80|\xF5|€😀";
    log.warn("odd_bytes", {{"text", text}});
    EXPECT_TRUE(valid_utf8(out.str())) << out.str();
    const auto value = std::string{parsed(lines_of(out.str())[0]).at("text").as_string()};
    EXPECT_THAT(value, ::testing::StartsWith("é\xEF\xBF\xBD|"));
    EXPECT_THAT(value, ::testing::EndsWith("|€😀"));
    EXPECT_THAT(value, ::testing::Not(::testing::HasSubstr("\xED\xA0\x80")));
}

TEST(structured_log, numbers_keep_their_value_and_non_finite_reals_are_null) {
    std::ostringstream out;
    logger log{out};
    log.info("numbers", {{"small", std::numeric_limits<std::int64_t>::min()},
                         {"big", std::numeric_limits<std::uint64_t>::max()},
                         {"real", 0.1},
                         {"nan", std::numeric_limits<double>::quiet_NaN()},
                         {"infinite", std::numeric_limits<double>::infinity()}});
    const auto line = parsed(lines_of(out.str())[0]);
    EXPECT_EQ(line.at("small").as_int64(), std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(line.at("big").as_uint64(), std::numeric_limits<std::uint64_t>::max());
    EXPECT_EQ(line.at("real").as_double(), 0.1);
    EXPECT_TRUE(line.at("nan").is_null());
    EXPECT_TRUE(line.at("infinite").is_null());
}

TEST(structured_log, the_time_is_utc_to_the_millisecond) {
    std::ostringstream out;
    logger log{out};
    log.info("now");
    const std::string ts{parsed(lines_of(out.str())[0]).at("ts").as_string()};
    EXPECT_THAT(ts, ::testing::MatchesRegex(
                        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
}

// `threads` threads started at once, each calling write(t, i) for i from 0 to per_thread - 1.
template <typename Write>
void write_from_threads(int threads, int per_thread, Write write) {
    std::latch start{threads};
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t) {
        writers.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = 0; i < per_thread; ++i) {
                write(t, i);
            }
        });
    }
    for (auto& writer : writers) {
        writer.join();
    }
}

// Every line of `text`, parsed, having checked that each thread's lines ("thread", "i") are all
// there, whole and in the order it wrote them.
std::vector<json::object> lines_whole_and_in_order(const std::string& text, int threads,
                                                   int per_thread) {
    const auto lines = lines_of(text);
    EXPECT_EQ(lines.size(), static_cast<std::size_t>(threads * per_thread));
    std::vector<json::object> objects;
    std::vector<int> next(static_cast<std::size_t>(threads), 0);
    for (const auto& line : lines) {
        objects.push_back(parsed(line));
        const auto t = static_cast<std::size_t>(objects.back().at("thread").as_int64());
        EXPECT_EQ(objects.back().at("i").as_int64(), next.at(t)++);
    }
    return objects;
}

TEST(structured_log, lines_written_from_many_threads_never_interleave) {
    std::ostringstream out;
    logger log{out};
    constexpr int threads = 8;
    constexpr int per_thread = 200;
    const std::string long_text(2000, 'x'); // long lines make a torn write likely, if possible
    write_from_threads(threads, per_thread, [&](int t, int i) {
        log.info("line", {{"thread", t}, {"i", i}, {"text", long_text}});
    });
    for (const auto& object : lines_whole_and_in_order(out.str(), threads, per_thread)) {
        EXPECT_EQ(object.at("text").as_string().size(), long_text.size());
    }
}

// A stream for a logger whose own thread writes: what reached it, read safely while that thread
// may write, and how many times it was flushed (each flush is one write to the file or pipe
// behind a real stream).
class watched_stream : public std::streambuf {
public:
    std::string text() const {
        const std::lock_guard lock{mutex_};
        return text_;
    }
    int flushes() const {
        const std::lock_guard lock{mutex_};
        return flushes_;
    }
    // Waits (up to 10 s, a bound no healthy run comes near) until `part` has reached the stream.
    bool shows(const std::string& part) const {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (text().find(part) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(1ms);
        }
        return true;
    }

protected:
    std::streamsize xsputn(const char* data, std::streamsize size) override {
        const std::lock_guard lock{mutex_};
        text_.append(data, static_cast<std::size_t>(size));
        return size;
    }
    int_type overflow(int_type c) override {
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            const std::lock_guard lock{mutex_};
            text_ += traits_type::to_char_type(c);
        }
        return traits_type::not_eof(c);
    }
    int sync() override {
        const std::lock_guard lock{mutex_};
        ++flushes_;
        return 0;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
    int flushes_ = 0;
};

// A logger that gathers its lines, writing to a watched stream.
struct gathering_log {
    explicit gathering_log(std::chrono::microseconds interval, std::size_t limit = 1U << 20U) {
        log.write_in_batches(interval, limit);
    }
    watched_stream stream;
    std::ostream out{&stream};
    logger log{out};
};

std::vector<std::string> events_of(const std::string& text) {
    std::vector<std::string> events;
    for (const auto& line : lines_of(text)) {
        events.emplace_back(parsed(line).at("event").as_string());
    }
    return events;
}

TEST(structured_log, gathered_lines_wait_for_their_interval_and_leave_in_one_write_in_order) {
    gathering_log g{1h}; // nothing but the test ends a gathering
    auto& [stream, out, log] = g;
    for (int i = 0; i < 100; ++i) {
        log.info("gathered", {{"i", i}});
    }
    EXPECT_EQ(stream.text(), "");
    log.flush();
    const auto lines = lines_of(stream.text());
    ASSERT_EQ(lines.size(), 100U);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(parsed(lines[i]).at("i").as_int64(), static_cast<std::int64_t>(i));
    }
    EXPECT_EQ(stream.flushes(), 1);
}

TEST(structured_log, a_warning_or_an_error_leaves_at_once_after_the_lines_gathered_before_it) {
    gathering_log g{1h};
    auto& [stream, out, log] = g;
    log.info("first");
    log.debug("second");
    log.warn("third");
    EXPECT_EQ(events_of(stream.text()), (std::vector<std::string>{"first", "second", "third"}));
    log.info("fourth");
    log.error("fifth");
    EXPECT_EQ(events_of(stream.text()),
              (std::vector<std::string>{"first", "second", "third", "fourth", "fifth"}));
    EXPECT_EQ(stream.flushes(), 2);
}

TEST(structured_log, the_loggers_own_thread_writes_what_gathered_after_its_interval) {
    gathering_log g{2ms};
    auto& [stream, out, log] = g;
    log.info("one");
    EXPECT_TRUE(stream.shows("\"event\":\"one\""));
    // Once idle it waits for the next line, and writes that too.
    log.info("two");
    EXPECT_TRUE(stream.shows("\"event\":\"two\""));
    EXPECT_EQ(events_of(stream.text()), (std::vector<std::string>{"one", "two"}));
}

TEST(structured_log, lines_past_the_limit_are_written_by_their_caller_and_none_is_lost) {
    gathering_log g{1h, 1000};
    auto& [stream, out, log] = g;
    const std::string text(300, 'x');
    log.info("a", {{"text", text}});
    log.info("b", {{"text", text}});
    EXPECT_EQ(stream.text(), "");
    log.info("c", {{"text", text}}); // past 1,000 bytes: written now
    EXPECT_EQ(events_of(stream.text()), (std::vector<std::string>{"a", "b", "c"}));
    log.info("d");
    EXPECT_EQ(lines_of(stream.text()).size(), 3U);
    log.flush();
    EXPECT_EQ(events_of(stream.text()), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(structured_log, gathered_lines_go_where_the_log_pointed_and_are_written_when_it_ends) {
    watched_stream first_stream;
    std::ostream first{&first_stream};
    std::ostringstream second;
    {
        logger log{first};
        log.write_in_batches(1h);
        log.info("one");
        log.redirect(second);
        log.info("two");
        EXPECT_EQ(events_of(first_stream.text()), (std::vector<std::string>{"one"}));
        EXPECT_EQ(second.str(), "");
    } // the logger ends: what it gathered is written
    EXPECT_EQ(events_of(second.str()), (std::vector<std::string>{"two"}));
}

TEST(structured_log, gathered_lines_from_many_threads_never_interleave_and_keep_each_ones_order) {
    watched_stream stream;
    std::ostream out{&stream};
    constexpr int threads = 8;
    constexpr int per_thread = 500;
    {
        logger log{out};
        log.write_in_batches(2ms, 64 * 1024);
        write_from_threads(threads, per_thread, [&](int t, int i) {
            if (i % 100 == 99) {
                log.warn("line", {{"thread", t}, {"i", i}});
            } else {
                log.info("line", {{"thread", t}, {"i", i}, {"text", std::string(200, 'y')}});
            }
        });
    }
    lines_whole_and_in_order(stream.text(), threads, per_thread);
    // Gathered: far fewer writes than lines.
    EXPECT_LT(stream.flushes(), threads * per_thread / 4);
}

TEST(structured_log, the_process_log_can_be_redirected_and_is_restored) {
    std::ostringstream first;
    std::ostringstream second;
    {
        const log_redirect to_first{first};
        process_log().info("one");
        {
            const log_redirect to_second{second};
            process_log().info("two");
        }
        process_log().info("three");
    }
    EXPECT_EQ(lines_of(first.str()).size(), 2U);
    EXPECT_THAT(first.str(), ::testing::HasSubstr("\"event\":\"three\""));
    EXPECT_EQ(lines_of(second.str()).size(), 1U);
    EXPECT_THAT(second.str(), ::testing::HasSubstr("\"event\":\"two\""));
}

} // namespace
} // namespace homeward::api
