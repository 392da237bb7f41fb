#include "metrics.hpp"

#include <sstream>

namespace homeward::api {

std::string_view method_label(std::string_view method) {
    static constexpr std::array<std::string_view, 7> implemented{"GET",   "HEAD",   "POST",   "PUT",
                                                                 "PATCH", "DELETE", "OPTIONS"};
    for (const auto name : implemented) {
        if (name == method) {
            return name;
        }
    }
    return "other";
}

void metrics::record_request(std::string_view method, const std::string& route, unsigned status,
                             double seconds) {
    std::lock_guard lock{mutex_};
    ++requests_[{std::string{method_label(method)}, route, status}];
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

void metrics::connection_refused(std::string_view reason) {
    std::lock_guard lock{mutex_};
    const auto it = refused_.find(reason);
    if (it == refused_.end()) {
        refused_.emplace(std::string{reason}, 1);
    } else {
        ++it->second;
    }
}

void metrics::accept_failed() {
    std::lock_guard lock{mutex_};
    ++accept_failures_;
}

void metrics::set_database_ready(bool ready) { database_ready_ = ready ? 1 : 0; }

std::optional<bool> metrics::database_ready() const {
    const int state = database_ready_;
    return state < 0 ? std::nullopt : std::optional<bool>{state == 1};
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
        << "homeward_http_connections_total " << connections_total_ << '\n'
        << "# HELP homeward_http_connections_refused_total Connections closed at once because a "
           "cap was reached.\n"
        << "# TYPE homeward_http_connections_refused_total counter\n";
    for (const auto& [reason, count] : refused_) {
        out << "homeward_http_connections_refused_total{reason=\"" << reason << "\"} " << count
            << '\n';
    }
    out << "# HELP homeward_http_accept_errors_total Failures to accept a connection (e.g. out of "
           "file descriptors).\n"
        << "# TYPE homeward_http_accept_errors_total counter\n"
        << "homeward_http_accept_errors_total " << accept_failures_ << '\n';
    if (const auto ready = database_ready()) {
        out << "# HELP homeward_database_ready 1 when the readiness probe last reached the "
               "database.\n"
            << "# TYPE homeward_database_ready gauge\n"
            << "homeward_database_ready " << (*ready ? 1 : 0) << '\n';
    }
    out << extra;
    return out.str();
}

} // namespace homeward::api
