#pragma once
// Prometheus counters and histograms, kept in memory and rendered as the text format.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace homeward::api {

class metrics {
public:
    void record_request(const std::string& method, const std::string& route, unsigned status,
                        double seconds);
    void record_transition(const std::string& event);
    void connection_opened();
    void connection_closed();
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
    std::int64_t open_connections_{0};
    std::uint64_t connections_total_{0};
};

} // namespace homeward::api
