#include "homeward/db/organisations.hpp"

#include "sql.hpp"

namespace homeward::db {
namespace {

const statement insert_organisation_sql{
    "organisations_insert",
    "insert into organisations (code, name, kind) values ($1, $2, $3) returning id::text"};
const statement organisation_by_code_sql{
    "organisations_by_code",
    "select id::text, code, name, kind from organisations where code = $1"};

const statement insert_user_sql{
    "users_insert", "insert into users (username, password_hash, role, "
                    "organisation_id) values ($1, $2, $3, $4::uuid) returning id::text"};
const statement user_by_id_sql{
    "users_by_id", "select u.id::text, u.username, u.role, u.organisation_id::text, o.code, "
                   "u.active from users u join organisations o on o.id = u.organisation_id "
                   "where u.id = $1::uuid"};
const statement is_worker_of_sql{
    "users_is_worker_of", "select exists (select 1 from users where id = $1::uuid and active and "
                          "role = any($3::text[]) and organisation_id = any($2::uuid[]))"};

} // namespace

user_row read_user(fields& f) {
    user_row user;
    user.id = f.text();
    user.username = f.text();
    user.user_role = f.value<role>(workflow::parse_role);
    user.organisation_id = f.text();
    user.organisation_code = f.text();
    user.active = f.boolean();
    return user;
}

namespace organisations {

std::string insert(unit_of_work& uow, std::string_view code, std::string_view name,
                   organisation_kind kind) {
    return run(uow, insert_organisation_sql, std::string{code}, std::string{name},
               text_of(kind))[0][0]
        .as<std::string>();
}

std::optional<organisation_row> by_code(unit_of_work& uow, std::string_view code) {
    if (!workflow::is_clean_text(code)) {
        return std::nullopt;
    }
    const auto result = run(uow, organisation_by_code_sql, std::string{code});
    if (result.empty()) {
        return std::nullopt;
    }
    fields f{result[0]};
    organisation_row row;
    row.id = f.text();
    row.code = f.text();
    row.name = f.text();
    row.kind = f.value<organisation_kind>(workflow::parse_organisation_kind);
    return row;
}

} // namespace organisations

namespace users {

std::string insert(unit_of_work& uow, std::string_view username, std::string_view password_hash,
                   role user_role, std::string_view organisation_id) {
    return run(uow, insert_user_sql, std::string{username}, std::string{password_hash},
               text_of(user_role), std::string{organisation_id})[0][0]
        .as<std::string>();
}

std::optional<user_row> by_id(unit_of_work& uow, std::string_view id) {
    const auto row = row_by_id(uow, user_by_id_sql, id);
    if (!row) {
        return std::nullopt;
    }
    fields f{*row};
    return read_user(f);
}

bool is_worker_of(unit_of_work& uow, std::string_view user_id,
                  const std::vector<std::string>& organisation_ids,
                  const std::vector<role>& roles) {
    if (!workflow::is_uuid(user_id)) {
        return false;
    }
    std::vector<std::string> role_names;
    for (const auto r : roles) {
        role_names.push_back(text_of(r));
    }
    return run(uow, is_worker_of_sql, std::string{user_id}, text_array(organisation_ids),
               text_array(role_names))[0][0]
        .as<bool>();
}

} // namespace users
} // namespace homeward::db
