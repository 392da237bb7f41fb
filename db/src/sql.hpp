#pragma once
// What every file of SQL in db/ shares: running a named statement (a unique violation becomes
// db::duplicate), finding a row by id, and converting times and nullable fields.

#include "homeward/db/repository.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace homeward::db {

struct statement {
    const char* name;
    const char* sql;
};

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

inline std::int64_t epoch(time_point at) { return at.time_since_epoch().count(); }
inline std::optional<std::int64_t> epoch(std::optional<time_point> at) {
    return at ? std::optional<std::int64_t>{epoch(*at)} : std::nullopt;
}

// An id that is not a uuid can name no row: answer "not found" without asking PostgreSQL.
inline bool looks_like_uuid(std::string_view id) {
    if (id.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex) {
            return false;
        }
    }
    return true;
}

template <typename... Args>
pqxx::result run(unit_of_work& uow, const char* name, Args&&... args) {
    try {
        return uow.tx().exec_prepared(name, std::forward<Args>(args)...);
    } catch (const pqxx::unique_violation& error) {
        throw duplicate(error.what());
    }
}

// The first row of a statement whose first parameter is a record's id, or nullopt when there is
// none. An id that is not a uuid can name no row: PostgreSQL is not asked.
template <typename... Args>
std::optional<pqxx::row> row_by_id(unit_of_work& uow, const char* name, std::string_view id,
                                   Args&&... args) {
    if (!looks_like_uuid(id)) {
        return std::nullopt;
    }
    const auto result = run(uow, name, std::string{id}, std::forward<Args>(args)...);
    if (result.empty()) {
        return std::nullopt;
    }
    return result[0];
}

} // namespace homeward::db
