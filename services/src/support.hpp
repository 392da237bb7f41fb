#pragma once
// Shared by the use cases: scope from the caller, audit entries, failures from the database.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/errors.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::services {

db::scope scope_of(const actor& who);

struct audit_target {
    std::string action;      // e.g. "episode.return", "child.read"
    std::string entity_type; // "episode", "child", ...
    std::string entity_id;
};

// Appends a success entry to the audit chain inside the use case's own transaction.
void audit_success(db::unit_of_work& uow, const actor& who, const audit_target& target,
                   const boost::json::object& detail = {});

// Runs a use case's body in one transaction. A services::failure is audited (in a transaction of
// its own, since the use case's was rolled back) and rethrown; the database being unreachable
// becomes failure(unavailable).
boost::json::object run_audited(const environment& env, const actor& who,
                                const audit_target& target,
                                const std::function<boost::json::object(db::unit_of_work&)>& body);

// Throws failure(forbidden) unless the caller's role is one of these.
void require_role(const actor& who, std::initializer_list<workflow::role> roles,
                  std::string_view what);

boost::json::object parse_object(const std::string& json_text);

// A time as the API shows it: RFC 3339, or null when unset.
boost::json::value time_json(std::optional<workflow::time_point> at);

// The id of the organisation a query parameter names by code; refuse_query naming the parameter
// when no organisation has that code.
std::string organisation_in_query(db::unit_of_work& uow, std::string_view parameter,
                                  const std::string& code);

// Clocks as the API shows them: {kind, subject, starts_at, due_at, met_at, status, overdue,
// holder_user_id}, the status classified by the policy at `now`.
boost::json::array clocks_json(const environment& env, const std::vector<db::clock_row>& clocks,
                               workflow::time_point now);

// Throws failure(invalid_query), 400, naming each parameter at fault (at least one).
[[noreturn]] void refuse_query(std::vector<field_error> errors);

// Throws failure(invalid_query) naming `limit` unless it is from 1 to 500.
void check_limit(int limit);

// Keyset pagination: a cursor is "<epoch seconds>.<key>" of the last item of the previous page,
// the key being a uuid or a number. Anything else is failure(invalid_input) naming `cursor`.
enum class cursor_key { uuid, number };
struct keyset_cursor {
    workflow::time_point at;
    std::string key;
};
keyset_cursor parse_cursor(const std::string& text, cursor_key kind);
// {items, next_cursor}: when the page is full, next_cursor points after its last item, read from
// that item's RFC 3339 `time_field` and its `key_field`.
boost::json::object page_of(boost::json::array items, int limit, std::string_view time_field,
                            std::string_view key_field);

} // namespace homeward::services
