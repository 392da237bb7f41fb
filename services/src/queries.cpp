#include "queries.hpp"

#include "homeward/db/children.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/workflow/input.hpp"
#include "homeward/workflow/time_text.hpp"

#include <tuple>

namespace homeward::services {

void refuse_query(std::vector<field_error> errors) {
    const std::string detail =
        "invalid query: " + errors.front().field + " " + errors.front().message;
    throw failure(failure_kind::invalid_query, detail, std::move(errors));
}

void check_limit(int limit) {
    if (limit < 1 || limit > 500) {
        refuse_query({{"limit", "must be from 1 to 500"}});
    }
}

void check_name_query(std::string_view q) {
    if (q.size() < 2 || q.size() > 100 || !workflow::is_clean_text(q)) {
        refuse_query({{"q", "must be 2 to 100 characters of text"}});
    }
}

std::optional<std::chrono::sys_days>
date_of_birth_in_query(const std::optional<std::string>& value) {
    if (!value) {
        return std::nullopt;
    }
    const auto born = workflow::parse_date(*value);
    if (!born) {
        refuse_query({{"date_of_birth", "must be a date, YYYY-MM-DD"}});
    }
    return born;
}

std::vector<db::child_record>
children_by_exact_name(db::unit_of_work& uow, std::string_view q,
                       const std::optional<std::string>& date_of_birth, int limit,
                       const std::optional<std::string>& authority_id, std::string_view who_finds) {
    check_limit(limit);
    check_name_query(q);
    const auto born = date_of_birth_in_query(date_of_birth);
    if (!born) {
        refuse_query({{"date_of_birth", "is required: " + std::string{who_finds} +
                                            " find a child by name and date of birth"}});
    }
    std::string name{q};
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    return db::children::lookup(uow, name, *born, limit, authority_id);
}

std::optional<std::string> id_in_query(std::string_view parameter,
                                       const std::optional<std::string>& value) {
    if (value && !workflow::is_uuid(*value)) {
        refuse_query({{std::string{parameter}, "is not an id"}});
    }
    return value;
}

std::string organisation_in_query(db::unit_of_work& uow, std::string_view parameter,
                                  const std::string& code) {
    const auto organisation = db::organisations::by_code(uow, code);
    if (!organisation) {
        refuse_query({{std::string{parameter}, "no organisation has this code"}});
    }
    return organisation->id;
}

audit_window audit_window_in_query(const std::optional<std::string>& from,
                                   const std::optional<std::string>& to,
                                   const std::optional<std::string>& cursor,
                                   std::vector<field_error>& errors) {
    audit_window window;
    for (const auto& [name, text, target] :
         {std::tuple{"from", &from, &window.from}, std::tuple{"to", &to, &window.to}}) {
        if (*text) {
            *target = workflow::parse_rfc3339(**text);
            if (!*target) {
                errors.push_back({name, "must be an RFC 3339 time with offset"});
            }
        }
    }
    if (cursor) {
        if (cursor->empty() || cursor->size() > 18 ||
            cursor->find_first_not_of("0123456789") != std::string::npos) {
            errors.push_back({"cursor", "is not a cursor this server gave"});
        } else {
            window.before_id = std::stoll(*cursor);
        }
    }
    return window;
}

keyset_cursor parse_cursor(const std::string& text, cursor_key kind) {
    const auto refuse = [] { refuse_query({{"cursor", "is not a cursor this server gave"}}); };
    const auto dot = text.find('.');
    if (dot == 0 || dot == std::string::npos || dot + 1 == text.size() ||
        text.find_first_not_of("0123456789") != dot) {
        refuse();
    }
    std::string key = text.substr(dot + 1);
    const bool key_ok =
        kind == cursor_key::number
            ? key.size() <= 18 && key.find_first_not_of("0123456789") == std::string::npos
            : workflow::is_uuid(key);
    if (dot > 12 || !key_ok) {
        refuse();
    }
    return {workflow::time_point{std::chrono::seconds{std::stoll(text.substr(0, dot))}},
            std::move(key)};
}

std::string cursor_text(workflow::time_point at, std::string_view key) {
    return std::to_string(at.time_since_epoch().count()) + "." + std::string{key};
}

} // namespace homeward::services
