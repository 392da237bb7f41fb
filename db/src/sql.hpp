#pragma once
// What every repository file shares: its statements (declared on a connection the first time it
// runs them), running one (a unique violation becomes db::duplicate, a malformed value
// db::bad_value), and converting times, enumerations and nullable fields.

#include "homeward/db/identity.hpp"
#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/workflow/input.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace homeward::db {

// What a statement changes beyond its rows that others must learn of: identity, a session or an
// account as authentication reads it (identity.hpp: cached sessions are dropped once it commits).
enum class effect { none, identity };

// A named SQL statement, defined beside the functions that run it.
struct statement {
    const char* name;
    std::string sql;
    effect changes{effect::none};
};

template <typename... Args>
pqxx::result run(unit_of_work& uow, const statement& s, Args&&... args) {
    if (uow.lease().first_use(&s)) {
        uow.lease().connection().prepare(s.name, s.sql);
    }
    try {
        auto result = uow.tx().exec_prepared(s.name, std::forward<Args>(args)...);
        if (s.changes == effect::identity) {
            identity::changed(uow);
        }
        return result;
    } catch (const pqxx::unique_violation& error) {
        throw duplicate(error.what());
    } catch (const pqxx::data_exception& error) {
        throw bad_value(error.what());
    }
}

// The first row of a statement whose first parameter is a record's id, or nullopt when there is
// none. An id that is not a uuid can name no row: PostgreSQL is not asked.
template <typename... Args>
std::optional<pqxx::row> row_by_id(unit_of_work& uow, const statement& s, std::string_view id,
                                   Args&&... args) {
    if (!workflow::is_uuid(id)) {
        return std::nullopt;
    }
    const auto result = run(uow, s, std::string{id}, std::forward<Args>(args)...);
    if (result.empty()) {
        return std::nullopt;
    }
    return result[0];
}

inline std::optional<time_point> optional_time(const pqxx::field& field) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return time_point{std::chrono::seconds{field.as<std::int64_t>()}};
}

inline time_point required_time(const pqxx::field& field) {
    return time_point{std::chrono::seconds{field.as<std::int64_t>()}};
}

inline std::optional<std::string> optional_text(const pqxx::field& field) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return field.as<std::string>();
}

inline std::optional<bool> optional_bool(const pqxx::field& field) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return field.as<bool>();
}

inline std::int64_t epoch(time_point at) { return at.time_since_epoch().count(); }
inline std::optional<std::int64_t> epoch(std::optional<time_point> at) {
    return at ? std::optional<std::int64_t>{epoch(*at)} : std::nullopt;
}

// A stored enumeration's text as its value. Text that names no value is a broken invariant (the
// schema's checks allow only known texts): it throws, never defaults.
template <typename Enum, typename Parse>
Enum stored(const pqxx::field& field, Parse parse) {
    const auto text = field.as<std::string>();
    if (const auto value = parse(text)) {
        return *value;
    }
    throw std::logic_error("the database holds \"" + text + "\" in " + field.name() +
                           ", which this version does not know");
}
template <typename Enum, typename Parse>
Enum stored_text(const std::string& text, Parse parse) {
    if (const auto value = parse(text)) {
        return *value;
    }
    throw std::logic_error("the database holds \"" + text + "\", which this version does not know");
}
template <typename Enum, typename Parse>
std::optional<Enum> optional_stored(const pqxx::field& field, Parse parse) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return stored<Enum>(field, parse);
}

template <typename Enum>
std::string text_of(Enum value) {
    return std::string{workflow::to_string(value)};
}
template <typename Enum>
std::optional<std::string> text_of(const std::optional<Enum>& value) {
    return value ? std::optional<std::string>{text_of(*value)} : std::nullopt;
}

// A PostgreSQL array literal of text values, quoted and escaped.
std::string text_array(const std::vector<std::string>& values);
// The same with NULL for each unset value.
std::string nullable_array(const std::vector<std::optional<std::string>>& values);
// A text[] column's values.
std::vector<std::string> text_list(const pqxx::field& field);

// "2026-11-28" as days since the epoch, and back.
std::string date_text(std::chrono::sys_days day);
std::chrono::sys_days date_of(const pqxx::field& field);

// Who sees which rows, written once. Each returns a SQL condition on the table `alias`, with the
// caller's role (text) and organisation id (uuid) in the parameters numbered `role_param` and
// `organisation_param`.
//   episodes: police their force's; social workers, managers and the champion episodes of
//             children their authority is responsible for or hosts; admins none.
//   children: police the children with an episode reported by their force (a child not yet
//             known to them is found only by an exact lookup, children::lookup); the authority
//             roles the children their authority is responsible for or hosts; admins none.
std::string episode_scope(std::string_view alias, int role_param, int organisation_param);
std::string child_scope(std::string_view alias, int role_param, int organisation_param);

} // namespace homeward::db

namespace homeward::db {

// Reads a row's fields in the order of the statement's select list.
class fields {
public:
    explicit fields(pqxx::row row) : row_(std::move(row)) {}
    pqxx::field next() { return row_[index_++]; }
    std::string text() { return next().as<std::string>(); }
    std::optional<std::string> optional_text() { return db::optional_text(next()); }
    time_point time() { return required_time(next()); }
    std::optional<time_point> optional_time() { return db::optional_time(next()); }
    bool boolean() { return next().as<bool>(); }
    std::optional<bool> optional_boolean() { return optional_bool(next()); }
    int integer() { return next().as<int>(); }
    std::int64_t big() { return next().as<std::int64_t>(); }
    std::optional<int> optional_integer() {
        const auto field = next();
        return field.is_null() ? std::nullopt : std::optional<int>{field.as<int>()};
    }
    std::vector<std::string> list() { return text_list(next()); }
    std::chrono::sys_days date() { return date_of(next()); }
    template <typename Enum, typename Parse>
    Enum value(Parse parse) {
        return stored<Enum>(next(), parse);
    }
    template <typename Enum, typename Parse>
    std::optional<Enum> optional_value(Parse parse) {
        return optional_stored<Enum>(next(), parse);
    }

private:
    pqxx::row row_;
    pqxx::row::size_type index_{0};
};

} // namespace homeward::db

namespace homeward::db {
// A user's columns: id, username, role, organisation id, organisation code, active.
user_row read_user(fields& f);
} // namespace homeward::db

namespace homeward::db {
// A child's columns (children.cpp's CHILD_COLUMNS) and an episode's list line (SUMMARY_COLUMNS).
child_record read_child(fields& f);
episode_summary read_summary(fields& f);
// A notification as selected: id, kind, title, episode_id, child_id, body, created_at (epoch)
// and whether the reader has read it.
notification_item read_notification(fields& f);
} // namespace homeward::db
