#pragma once
// Prometheus counters, gauges and histograms, kept in memory and rendered as the text format.
// Every label takes its value from a fixed set (routes from the route table, methods from
// method_label), so that no client can make the set of series grow.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace homeward::api {

// The methods Homeward implements keep their name as a label; any other token a client sends
// becomes "other" (and is answered 501 by the server).
std::string_view method_label(std::string_view method);

class metrics {
public:
    void record_request(std::string_view method, const std::string& route, unsigned status,
                        double seconds);
    void record_transition(const std::string& event);
    void connection_opened();
    void connection_closed();
    // A connection closed at once because of a cap: "global_cap" or "address_cap".
    void connection_refused(std::string_view reason);
    void accept_failed();
    // The readiness probe's last answer; nullopt until it has run.
    void set_database_ready(bool ready);
    std::optional<bool> database_ready() const;
    // The text format; `extra` is appended (gauges read at scrape time, e.g. the pool).
    std::string render(const std::string& extra) const;

private:
    static constexpr std::array<double, 11> buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,   1.0,  2.5,   5.0,  10.0};
    struct histogram {
        std::array<std::uint64_t, buckets.size()> counts{};
        std::uint64_t count{0};
        double sum{0};
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
    std::map<std::string, histogram> latency_;
    std::map<std::string, std::uint64_t> transitions_;
    std::map<std::string, std::uint64_t, std::less<>> refused_;
    std::uint64_t accept_failures_{0};
    std::int64_t open_connections_{0};
    std::uint64_t connections_total_{0};
    // -1 not yet probed, 0 down, 1 ready. Atomic: /readyz reads it on an I/O thread.
    std::atomic<int> database_ready_{-1};
};

} // namespace homeward::api
