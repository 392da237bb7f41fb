// Fuzz target: the request target as the router reads it (api/src/request_target.hpp: path
// segments and query parameters, decoded by Boost.URL), then every query value through the
// services' own parsers of query parameters (keyset cursors, ids) and the time and date texts that
// queries carry. Refusals are failure(invalid_query); anything else is a finding.

#include "queries.hpp"
#include "request_target.hpp"

#include "homeward/services/errors.hpp"
#include "homeward/workflow/time_text.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace homeward;

void parse_value(const std::string& name, const std::string& value) {
    for (const auto kind : {services::cursor_key::uuid, services::cursor_key::number}) {
        try {
            const auto cursor = services::parse_cursor(value, kind);
            static_cast<void>(services::cursor_text(cursor.at, cursor.key));
        } catch (const services::failure&) {
            // refused as a bad query: the contract
        }
    }
    try {
        static_cast<void>(services::id_in_query(name, value));
    } catch (const services::failure&) {
    }
    static_cast<void>(workflow::parse_rfc3339(value));
    static_cast<void>(workflow::parse_date(value));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text{reinterpret_cast<const char*>(data), size};
    const auto target = api::parse_request_target(text);
    if (!target) {
        return 0;
    }
    if (target->segments.empty()) {
        std::abort(); // the router indexes the first segment
    }
    for (const auto& [name, value] : target->query) {
        parse_value(name, value);
    }
    return 0;
}
