#include "sql.hpp"

#include "homeward/workflow/time_text.hpp"

namespace homeward::db {
namespace {

std::string param(int number) { return "$" + std::to_string(number); }

} // namespace

std::string text_array(const std::vector<std::string>& values) {
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        literal += i == 0 ? "\"" : ",\"";
        for (const char c : values[i]) {
            if (c == '"' || c == '\\') {
                literal += '\\';
            }
            literal += c;
        }
        literal += '"';
    }
    return literal + "}";
}

std::string nullable_array(const std::vector<std::optional<std::string>>& values) {
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        literal += i == 0 ? "" : ",";
        if (!values[i]) {
            literal += "NULL";
            continue;
        }
        literal += '"';
        for (const char c : *values[i]) {
            if (c == '"' || c == '\\') {
                literal += '\\';
            }
            literal += c;
        }
        literal += '"';
    }
    return literal + "}";
}

std::vector<std::string> text_list(const pqxx::field& field) {
    std::vector<std::string> values;
    if (field.is_null()) {
        return values;
    }
    auto parser = field.as_array();
    for (auto item = parser.get_next(); item.first != pqxx::array_parser::done;
         item = parser.get_next()) {
        if (item.first == pqxx::array_parser::string_value) {
            values.push_back(item.second);
        }
    }
    return values;
}

std::string date_text(std::chrono::sys_days day) { return workflow::format_date(day); }

std::chrono::sys_days date_of(const pqxx::field& field) {
    // Selected as days since 1970-01-01 (date - '1970-01-01'), an integer.
    return std::chrono::sys_days{std::chrono::days{field.as<int>()}};
}

std::string episode_scope(std::string_view alias, int role_param, int organisation_param) {
    const std::string a{alias};
    const std::string role = param(role_param);
    const std::string org = param(organisation_param) + "::uuid";
    return "(((" + role + " = 'police') and " + a + ".police_force_id = " + org + ") or ((" + role +
           " in ('social_worker', 'manager', 'cse_champion')) and (" + a +
           ".responsible_authority_id = " + org + " or " + a + ".host_authority_id = " + org +
           ")))";
}

std::string child_scope(std::string_view alias, int role_param, int organisation_param) {
    const std::string a{alias};
    const std::string role = param(role_param);
    const std::string org = param(organisation_param) + "::uuid";
    return "(((" + role +
           " = 'police') and exists (select 1 from episodes s where s.child_id = " + a +
           ".id and s.police_force_id = " + org + ")) or ((" + role +
           " in ('social_worker', 'manager', 'cse_champion')) and (" + a +
           ".responsible_authority_id = " + org + " or " + a + ".host_authority_id = " + org +
           ")))";
}

} // namespace homeward::db
