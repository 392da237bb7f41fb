#pragma once
// One request as the handlers see it, and the responses they answer with.

#include "homeward/api/router.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/sessions.hpp"

#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::api {

class metrics;

// A request the router refuses before or outside any use case: status, detail and fields.
struct refusal {
    unsigned status;
    std::string detail;
    std::vector<services::field_error> fields{};
};

struct request_context {
    const http_request& request;
    const std::string& client_address;
    std::string request_id;
    std::vector<std::string> segments;        // decoded path segments
    std::map<std::string, std::string> query; // decoded query parameters
    std::optional<services::actor> who;       // set for authenticated routes
    std::string route;                        // the matched template, for logs and metrics
    const services::environment& env;
    const services::session_rules& rules;
    metrics& counters;
    // Set by a handler whose body streams (an export): the rest of the body, chunk by chunk.
    std::function<std::optional<std::string>()> stream{};

    // The authenticated caller (routes marked authenticated only).
    const services::actor& caller() const { return *who; }
    // The path segment at this position (0-based, after the leading slash).
    const std::string& segment(std::size_t index) const { return segments.at(index); }
    // The body as a JSON object: 415 unless application/json, 400 unless a JSON object.
    boost::json::object body() const;
    // A query parameter, unset when absent or empty.
    std::optional<std::string> query_text(const std::string& name) const;
    // `limit`: 50 unless given; 400 unless a whole number from 1 to 500.
    int limit() const;
    // If-Match as a version; 400 when it names none.
    std::optional<int> if_match() const;
};

using handler = http_response (*)(request_context&);

struct route {
    boost::beast::http::verb method;
    std::vector<std::string_view> pattern; // "{name}" matches one segment, named for errors
    std::string_view openapi_path;
    bool authenticated;
    handler handle;
};

// The routes of each resource, from its handler file.
std::vector<route> account_routes();
std::vector<route> administration_routes();
std::vector<route> health_routes();
std::vector<route> session_routes();
std::vector<route> child_routes();
std::vector<route> profile_routes();
std::vector<route> entity_routes();
std::vector<route> episode_routes();
std::vector<route> oversight_routes();
std::vector<route> privacy_routes();
std::vector<route> retention_routes();
std::vector<route> stats_routes();
std::vector<route> webhook_routes();

// ---- responses ----------------------------------------------------------------------------

http_response json_response(const request_context& c, unsigned status,
                            const boost::json::value& body);
template <typename Value>
http_response json_response(const request_context& c, unsigned status, const Value& value) {
    return json_response(c, status, boost::json::value_from(value));
}
http_response no_content(const request_context& c);
// A versioned record's answer carries its version as the ETag, for If-Match.
http_response with_etag(http_response response, int version);

// Whether the caller asks for CSV: ?format=csv, or an Accept that names text/csv (and ?format is
// not json). 400 naming `format` for any other format.
bool wants_csv(const request_context& c);
// A whole CSV document (RFC 4180, UTF-8, with its header row), offered as a download.
http_response csv_response(const request_context& c, std::string body, std::string_view filename);

// The reads that may be a little behind (the figures and the exports) run with `env`, which lets
// them be served by the streaming replica while it is usable; `used` says which database served
// the last of them. Shared by an export's pages, so it outlives the request.
struct replica_read {
    explicit replica_read(const services::environment& primary) : env(primary) {
        env.may_read_replica = &used;
    }
    replica_read(const replica_read&) = delete;
    replica_read& operator=(const replica_read&) = delete;
    services::environment env;
    services::read_source used{services::read_source::primary};
};
std::shared_ptr<replica_read> replica_reads(const request_context& c);
// Homeward-Read-From: replica or primary, the database that served the response's (first) read.
http_response with_read_source(http_response response, const replica_read& read);

// RFC 9457 problem+json.
http_response problem(unsigned version, unsigned status, const std::string& detail,
                      const std::vector<services::field_error>& fields = {},
                      const std::vector<std::string>& allowed_events = {});

} // namespace homeward::api
