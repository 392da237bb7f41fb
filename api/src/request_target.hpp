#pragma once
// The request target as the router reads it: its path segments and query parameters, decoded.
// Apart from the router so that the fuzz target (tests/fuzz/query_string.cpp) runs exactly this.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::api {

struct request_target {
    std::vector<std::string> segments;        // at least one ("" for "/")
    std::map<std::string, std::string> query; // a repeated name keeps its last value
};

// nullopt when the text is not a target in origin form (RFC 9112 3.2.1: "/path?query").
std::optional<request_target> parse_request_target(std::string_view target);

} // namespace homeward::api
