#pragma once
// Query parameters of the lists: limits, keyset cursors, ids and organisation codes, each refused
// with a 400 that names it.

#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/views.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::services {

// Throws failure(invalid_query), 400, naming each parameter at fault (at least one).
[[noreturn]] void refuse_query(std::vector<field_error> errors);

// Throws failure(invalid_query) naming `limit` unless it is from 1 to 500.
void check_limit(int limit);

// A uuid given as a query parameter, or failure(invalid_query) naming it.
std::optional<std::string> id_in_query(std::string_view parameter,
                                       const std::optional<std::string>& value);

// The id of the organisation a query parameter names by code; failure(invalid_query) naming the
// parameter when no organisation has that code.
std::string organisation_in_query(db::unit_of_work& uow, std::string_view parameter,
                                  const std::string& code);

// A name searched for (`q`: 2 to 100 characters of text) and a date of birth given
// (`date_of_birth`, YYYY-MM-DD), or failure(invalid_query) naming the parameter.
void check_name_query(std::string_view q);
std::optional<std::chrono::sys_days>
date_of_birth_in_query(const std::optional<std::string>& value);

// Children found by their exact name (the family name, or the given and family names; case and
// outer spaces apart) and date of birth, as police reporting a child and a data-protection
// officer answering a request find them: `q` 2 to 100 characters and `date_of_birth` required,
// each refused with a 400 naming it (`who_finds` says who needs the date). With an authority,
// only the children it is responsible for.
std::vector<db::child_record>
children_by_exact_name(db::unit_of_work& uow, std::string_view q,
                       const std::optional<std::string>& date_of_birth, int limit,
                       const std::optional<std::string>& authority_id, std::string_view who_finds);

// An audit-trail list's period and cursor: `from` and `to` RFC 3339 times (unset when absent), the
// cursor an entry's id; each parameter at fault is added to `errors`.
struct audit_window {
    std::optional<workflow::time_point> from;
    std::optional<workflow::time_point> to;
    std::optional<std::int64_t> before_id;
};
audit_window audit_window_in_query(const std::optional<std::string>& from,
                                   const std::optional<std::string>& to,
                                   const std::optional<std::string>& cursor,
                                   std::vector<field_error>& errors);

// Keyset pagination: a cursor is "<epoch seconds>.<key>" of the last item of the previous page,
// the key being a uuid or a number. Anything else is failure(invalid_query) naming `cursor`.
enum class cursor_key { uuid, number };
struct keyset_cursor {
    workflow::time_point at;
    std::string key;
};
keyset_cursor parse_cursor(const std::string& text, cursor_key kind);
std::string cursor_text(workflow::time_point at, std::string_view key);

// A page of items: when it is full, the next starts after its last item, whose cursor `key_of`
// gives.
template <typename Item, typename KeyOf>
page<Item> page_of(std::vector<Item> items, int limit, KeyOf key_of) {
    page<Item> result;
    if (!items.empty() && static_cast<int>(items.size()) == limit) {
        result.next_cursor = key_of(items.back());
    }
    result.items = std::move(items);
    return result;
}

} // namespace homeward::services
