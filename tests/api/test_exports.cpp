// CSV of every list over real HTTPS: RFC 4180 read back by Python's csv module, formula cells
// neutralised, each list in the caller's scope and audited, and a 100,000-row export streamed a
// page a chunk.

#include "csv_parse.hpp"
#include "https_fixture.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#if defined(__SANITIZE_ADDRESS__) && __has_include(<sanitizer/allocator_interface.h>)
#include <sanitizer/allocator_interface.h>
#define HOMEWARD_LIVE_HEAP 1
#endif

namespace homeward::testing {
namespace {

namespace json = boost::json;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

// This process's resident memory now and at its peak, in KiB (/proc/self/status).
std::pair<long, long> resident_kib() {
    std::ifstream status{"/proc/self/status"};
    std::string line;
    long now = 0;
    long peak = 0;
    while (std::getline(status, line)) {
        if (line.starts_with("VmRSS:")) {
            now = std::stol(line.substr(6));
        } else if (line.starts_with("VmHWM:")) {
            peak = std::stol(line.substr(6));
        }
    }
    return {now, peak};
}

// Resets the peak resident size to the current one (Linux: "5" to clear_refs).
void reset_peak() { std::ofstream{"/proc/self/clear_refs"} << "5"; }

// The bytes the process's heap holds live now (server and client together). Under ASan, whose
// quarantine keeps freed memory resident for a while, this is the allocator's own count; without
// it, the resident size.
long live_heap_kib() {
#ifdef HOMEWARD_LIVE_HEAP
    return static_cast<long>(__sanitizer_get_current_allocated_bytes() / 1024);
#else
    return resident_kib().first;
#endif
}

struct streamed_reply {
    unsigned status{0};
    std::string transfer_encoding;
    std::size_t bytes{0};
    std::size_t chunks_read{0};
    long peak_live_kib{0};          // the most the heap held live while the body arrived
    std::size_t chunks{0};          // HTTP chunks of the body, as sent
    std::uint64_t largest_chunk{0}; // bytes
};

// A GET whose body is written to `path` as it arrives, never held whole.
streamed_reply stream_to_file(std::uint16_t port, const std::string& target,
                              const std::string& token, const std::filesystem::path& path) {
    asio::io_context io;
    asio::ssl::context tls{asio::ssl::context::tls_client};
    tls.set_verify_mode(asio::ssl::verify_none);
    beast::ssl_stream<beast::tcp_stream> stream{io, tls};
    beast::get_lowest_layer(stream).connect(
        asio::ip::tcp::endpoint{asio::ip::address_v4::loopback(), port});
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{600});
    stream.handshake(asio::ssl::stream_base::client);
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::authorization, "Bearer " + token);
    request.set(http::field::accept, "text/csv");
    http::write(stream, request);

    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    streamed_reply reply;
    auto on_chunk = [&reply](std::uint64_t size, beast::string_view, beast::error_code&) {
        if (size > 0) {
            ++reply.chunks;
            reply.largest_chunk = std::max(reply.largest_chunk, size);
        }
    };
    parser.on_chunk_header(on_chunk);
    http::read_header(stream, buffer, parser);
    reply.status = parser.get().result_int();
    reply.transfer_encoding = std::string{parser.get()[http::field::transfer_encoding]};
    std::ofstream out{path, std::ios::binary};
    std::array<char, 64 * 1024> chunk{};
    while (!parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        beast::error_code error;
        http::read(stream, buffer, parser, error);
        if (error && error != http::error::need_buffer) {
            ADD_FAILURE() << "reading the export: " << error.message();
            break;
        }
        const auto got = chunk.size() - parser.get().body().size;
        out.write(chunk.data(), static_cast<std::streamsize>(got));
        reply.bytes += got;
        ++reply.chunks_read;
        reply.peak_live_kib = std::max(reply.peak_live_kib, live_heap_kib());
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds{2});
    stream.shutdown(ignored);
    return reply;
}

class exports_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        force = make_org(workflow::organisation_kind::police);
        authority = make_org(workflow::organisation_kind::local_authority);
        other = make_org(workflow::organisation_kind::local_authority);
        police = make_user(workflow::role::police, force);
        worker = make_user(workflow::role::social_worker, authority);
        manager = make_user(workflow::role::manager, authority);
        champion = make_user(workflow::role::cse_champion, authority);
        outsider = make_user(workflow::role::manager, other);
    }

    https_reply csv(const test_user& who, const std::string& target) {
        request_options options;
        options.token = who.token;
        options.headers["Accept"] = "text/csv";
        return https_call(port_, "GET", target, "", options);
    }

    // A column of the parsed rows by its header name.
    static std::vector<std::string> column(const std::vector<std::vector<std::string>>& rows,
                                           const std::string& name) {
        std::vector<std::string> values;
        if (rows.empty()) {
            return values;
        }
        const auto at = std::find(rows[0].begin(), rows[0].end(), name);
        EXPECT_NE(at, rows[0].end()) << name << " is not a column";
        if (at == rows[0].end()) {
            return values;
        }
        const auto index = static_cast<std::size_t>(at - rows[0].begin());
        for (std::size_t i = 1; i < rows.size(); ++i) {
            values.push_back(rows[i].at(index));
        }
        return values;
    }

    test_org force, authority, other;
    test_user police, worker, manager, champion, outsider;
};

TEST_F(exports_over_https, formula_cells_are_neutralised_and_quoting_round_trips) {
    const auto child = post_child(worker, json::object{{"given_name", "@Sam"},
                                                       {"family_name", "=HYPERLINK(\"x\")"},
                                                       {"date_of_birth", "2011-05-04"},
                                                       {"sex", "unknown"},
                                                       {"looked_after", true},
                                                       {"responsible_authority", authority.code}});
    const std::string place = "-Kirk St, \"the flat\"\r\nabove +the shop";
    const auto reply =
        post(police, "/api/v1/episodes",
             json::serialize(json::object{{"child_id", child},
                                          {"last_seen_at", at(-1h)},
                                          {"last_seen_location", place},
                                          {"circumstances", "+44 7700 900000 called"},
                                          {"risk_level", "medium"},
                                          {"police_reference", "@REF"},
                                          {"missing_or_away", "missing"}}));
    ASSERT_EQ(reply.status, 201U) << reply.body;

    const auto episodes = csv(manager, "/api/v1/episodes");
    ASSERT_EQ(episodes.status, 200U) << episodes.body;
    EXPECT_EQ(episodes.header("content-type"), "text/csv; charset=utf-8; header=present");
    EXPECT_EQ(episodes.header("transfer-encoding"), "chunked");
    const auto rows = parse_csv(episodes.body);
    ASSERT_EQ(rows.size(), 2U) << episodes.body;
    EXPECT_EQ(column(rows, "child.given_name"), std::vector<std::string>{"'@Sam"});
    EXPECT_EQ(column(rows, "child.family_name"), std::vector<std::string>{"'=HYPERLINK(\"x\")"});
    EXPECT_EQ(column(rows, "last_seen_location"), std::vector<std::string>{"'" + place});
    EXPECT_EQ(column(rows, "police_reference"), std::vector<std::string>{"'@REF"});
    EXPECT_EQ(column(rows, "state"), std::vector<std::string>{"missing"});
    EXPECT_EQ(column(rows, "version"), std::vector<std::string>{"1"});
    EXPECT_EQ(column(rows, "returned_at"), std::vector<std::string>{""});
    EXPECT_THAT(column(rows, "reported_at").at(0),
                ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"));
    // Every line ends CRLF; the one line break inside a field is quoted, not a row's end.
    EXPECT_EQ(episodes.body.substr(episodes.body.size() - 2), "\r\n");
}

TEST_F(exports_over_https, every_list_answers_csv_in_the_callers_scope) {
    const auto child = make_child(worker, authority);
    const auto episode = std::string{report(police, child).at("id").as_string()};
    EXPECT_EQ(
        post(police, "/api/v1/episodes/" + episode + "/return",
             json::serialize(json::object{
                 {"returned_at", at(-1h)}, {"found_location", "Park"}, {"returned_to", "Home"}}))
            .status,
        200U);
    advance(30h);
    for (auto* who : {&police, &worker, &manager, &champion, &outsider}) {
        who->token = log_in(who->username);
    }

    struct expectation {
        const test_user* who;
        std::string target;
        std::string id_column;
        std::string id;
    };
    const std::vector<expectation> lists{
        {&manager, "/api/v1/episodes", "id", episode},
        {&manager, "/api/v1/children", "id", child},
        {&manager, "/api/v1/children?q=Tay", "id", child},
        {&manager, "/api/v1/overdue", "episode_id", episode},
        {&manager, "/api/v1/episodes/" + episode + "/history", "to_state", "returned"},
        {&champion, "/api/v1/audit?entity_id=" + child, "entity_id", child},
        {&manager, "/api/v1/notifications", "episode_id", episode},
    };
    for (const auto& list : lists) {
        for (const bool by_format : {false, true}) {
            const auto reply =
                by_format
                    ? get(*list.who, list.target +
                                         (list.target.find('?') == std::string::npos ? "?" : "&") +
                                         "format=csv")
                    : csv(*list.who, list.target);
            ASSERT_EQ(reply.status, 200U) << list.target << " " << reply.body;
            EXPECT_THAT(reply.header("content-type"), ::testing::StartsWith("text/csv"))
                << list.target;
            const auto rows = parse_csv(reply.body);
            ASSERT_FALSE(rows.empty()) << list.target;
            EXPECT_THAT(column(rows, list.id_column), ::testing::Contains(list.id)) << list.target;
        }
    }
    // Another authority's manager: our episode and child are not in their exports.
    for (const auto* target : {"/api/v1/episodes", "/api/v1/children", "/api/v1/overdue"}) {
        const auto reply = csv(outsider, target);
        ASSERT_EQ(reply.status, 200U) << target;
        const auto rows = parse_csv(reply.body);
        ASSERT_EQ(rows.size(), 1U) << target << ": only the header";
    }
    EXPECT_EQ(csv(outsider, "/api/v1/episodes/" + episode + "/history").status, 404U);
    EXPECT_EQ(csv(worker, "/api/v1/audit").status, 403U);
    EXPECT_EQ(get(manager, "/api/v1/episodes?format=xml").status, 400U);

    // Reading the export is audited like the list: the ids it showed.
    EXPECT_GE(count_where("audit_events", "actor_id = " + literal(manager.id) +
                                              "::uuid and action = 'episode.list' and detail::text "
                                              "like " +
                                              literal("%" + episode + "%")),
              2);
    EXPECT_GE(count_where("audit_events", "actor_id = " + literal(manager.id) +
                                              "::uuid and action = 'child.list' and detail::text "
                                              "like " +
                                              literal("%" + child + "%")),
              2);
}

TEST_F(exports_over_https, a_hundred_thousand_rows_stream_a_page_a_chunk) {
    constexpr long rows = 100000;
    const auto child = make_child(worker, authority);
    // Reported through the API they would take hours: written straight into the table, as
    // episodes police reported over the last 100,000 minutes.
    execute("insert into episodes (child_id, state, police_force_id, responsible_authority_id, "
            "reported_at, reported_by, last_seen_at, last_seen_location, circumstances, "
            "risk_level, police_reference, absence_kind) select " +
            literal(child) + "::uuid, 'missing', " + literal(force.id) + "::uuid, " +
            literal(authority.id) + "::uuid, now() - make_interval(mins => n), " +
            literal(police.id) +
            "::uuid, now() - make_interval(mins => n + 60), 'Bus station, \"north\" side', "
            "'Did not come home', 'medium', 'REF-' || n, 'missing' from generate_series(1, " +
            std::to_string(rows) + ") n");

    const auto path = std::filesystem::temp_directory_path() /
                      ("homeward-export-" + std::to_string(::getpid()) + ".csv");
    const auto [before, ignored] = resident_kib();
    const long live_before = live_heap_kib();
    reset_peak();
    const auto started = std::chrono::steady_clock::now();
    const auto reply = stream_to_file(port_, "/api/v1/episodes", manager.token, path);
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto [after, peak] = resident_kib();
    ASSERT_EQ(reply.status, 200U);
    EXPECT_EQ(reply.transfer_encoding, "chunked");

    // Read back by Python's csv module: every row, each well formed.
    const std::string command =
        "python3 -c 'import csv, sys; r = list(csv.reader(open(sys.argv[1], newline=\"\", "
        "encoding=\"utf-8\"), strict=True)); h = r[0]; i = h.index(\"last_seen_location\"); "
        "assert all(len(x) == len(h) for x in r); assert all(x[i] == \"Bus station, \\\"north\\\" "
        "side\" for x in r[1:]); print(len(r) - 1)' " +
        path.string();
    std::string output;
    if (FILE* pipe = ::popen(command.c_str(), "r"); pipe != nullptr) {
        char buffer[256];
        while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
            output += buffer;
        }
        EXPECT_EQ(::pclose(pipe), 0);
    }
    std::filesystem::remove(path);
    EXPECT_EQ(output, std::to_string(rows) + "\n");

    // The export is over 20 MB. It arrives as one chunk a page (500 rows, about 120 KB), each sent
    // once the server has read that page: never the whole body at once. The process's memory is
    // printed for the record; under ASan its quarantine (256 MB of freed memory kept resident)
    // makes it no measure of what the server holds, so the chunks are what is asserted.
    const long growth_kib = reply.peak_live_kib - live_before;
    std::cout << "[ measure  ] " << rows << " rows, " << reply.bytes << " bytes in " << seconds
              << " s, " << reply.chunks << " chunks (largest " << reply.largest_chunk
              << " bytes); live heap before " << live_before << " KiB, peak while streaming "
              << reply.peak_live_kib << " KiB (+" << growth_kib << " KiB); RSS before " << before
              << " KiB, after " << after << " KiB, peak " << peak << " KiB\n";
    EXPECT_GT(reply.bytes, 20U * 1024 * 1024);
    EXPECT_GE(reply.chunks, static_cast<std::size_t>(rows / 500));
    EXPECT_LT(reply.largest_chunk, 512U * 1024) << "a chunk held far more than a page";
}

} // namespace
} // namespace homeward::testing
