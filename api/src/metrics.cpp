#include "metrics.hpp"

#include <sstream>

namespace homeward::api {

void metrics::record_request(const std::string& method, const std::string& route, unsigned status,
                             double seconds) {
    std::lock_guard lock{mutex_};
    ++requests_[{method, route, status}];
    auto& h = latency_[route];
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        if (seconds <= buckets[i]) {
            ++h.counts[i];
        }
    }
    ++h.count;
    h.sum += seconds;
}

void metrics::record_transition(const std::string& event) {
    std::lock_guard lock{mutex_};
    ++transitions_[event];
}

void metrics::connection_opened() {
    std::lock_guard lock{mutex_};
    ++open_connections_;
    ++connections_total_;
}

void metrics::connection_closed() {
    std::lock_guard lock{mutex_};
    --open_connections_;
}

std::string metrics::render(const std::string& extra) const {
    std::lock_guard lock{mutex_};
    std::ostringstream out;
    out << "# HELP homeward_http_requests_total HTTP requests by route and status.\n"
        << "# TYPE homeward_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        const auto& [method, route, status] = key;
        out << "homeward_http_requests_total{method=\"" << method << "\",route=\"" << route
            << "\",status=\"" << status << "\"} " << count << '\n';
    }
    out << "# HELP homeward_http_request_duration_seconds Time to answer a request.\n"
        << "# TYPE homeward_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
        for (std::size_t i = 0; i < buckets.size(); ++i) {
            out << "homeward_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\""
                << buckets[i] << "\"} " << h.counts[i] << '\n';
        }
        out << "homeward_http_request_duration_seconds_bucket{route=\"" << route
            << "\",le=\"+Inf\"} " << h.count << '\n'
            << "homeward_http_request_duration_seconds_sum{route=\"" << route << "\"} " << h.sum
            << '\n'
            << "homeward_http_request_duration_seconds_count{route=\"" << route << "\"} " << h.count
            << '\n';
    }
    out << "# HELP homeward_transitions_total Episode transitions committed, by event.\n"
        << "# TYPE homeward_transitions_total counter\n";
    for (const auto& [event, count] : transitions_) {
        out << "homeward_transitions_total{event=\"" << event << "\"} " << count << '\n';
    }
    out << "# HELP homeward_http_connections_open Open client connections.\n"
        << "# TYPE homeward_http_connections_open gauge\n"
        << "homeward_http_connections_open " << open_connections_ << '\n'
        << "# HELP homeward_http_connections_total Client connections accepted.\n"
        << "# TYPE homeward_http_connections_total counter\n"
        << "homeward_http_connections_total " << connections_total_ << '\n';
    out << extra;
    return out.str();
}

} // namespace homeward::api
