#pragma once
// The typed failures a use case reports. They are thrown inside the service layer and caught once
// at the top of a request (or a command) where each becomes a problem response or an exit code.

#include "homeward/workflow/input.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace homeward::services {

enum class failure_kind {
    invalid_input,        // 422: fields missing or wrong, times out of order
    invalid_query,        // 400: a query parameter is malformed or out of range
    unauthenticated,      // 401: no valid session or wrong credentials
    forbidden,            // 403: the role may not do this
    not_found,            // 404: no such record, or outside the caller's scope
    state_conflict,       // 409: the episode's state does not allow the event
    stale_version,        // 412: If-Match names a version that is no longer current
    idempotency_conflict, // 422: an idempotency key reused with a different request
    unsupported_media,    // 415: the body is not of a type the route accepts
    too_many_requests,    // 429: throttled
    unavailable,          // 503: the database cannot be reached
};

using field_error = workflow::field_error;

class failure : public std::runtime_error {
public:
    failure(failure_kind kind, std::string detail, std::vector<field_error> fields = {},
            std::vector<std::string> allowed_events = {})
        : std::runtime_error(detail), kind_(kind), detail_(std::move(detail)),
          fields_(std::move(fields)), allowed_events_(std::move(allowed_events)) {}

    failure_kind kind() const { return kind_; }
    const std::string& detail() const { return detail_; }
    const std::vector<field_error>& fields() const { return fields_; }
    const std::vector<std::string>& allowed_events() const { return allowed_events_; }
    // What went wrong inside (e.g. the database driver's words), for the log only: never shown to
    // a client, since it may name hosts, addresses and accounts.
    const std::string& cause() const { return cause_; }
    failure& with_cause(std::string cause) {
        cause_ = std::move(cause);
        return *this;
    }

private:
    std::string cause_;
    failure_kind kind_;
    std::string detail_;
    std::vector<field_error> fields_;
    std::vector<std::string> allowed_events_;
};

// Throws failure(invalid_input) naming every field the reader found at fault, if any.
void finish(const workflow::input_reader& input);

} // namespace homeward::services
