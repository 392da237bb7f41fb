#include "homeward/db/organisations.hpp"

#include "columns.hpp"
#include "sql.hpp"

namespace homeward::db {
namespace {

const statement insert_organisation_sql{
    "organisations_insert",
    "insert into organisations (code, name, kind) values ($1, $2, $3) returning id::text"};
const statement organisation_by_code_sql{
    "organisations_by_code",
    "select id::text, code, name, kind from organisations where code = $1"};

const statement all_organisations_sql{
    "organisations_all", "select id::text, code, name, kind from organisations order by code"};
const statement insert_user_sql{
    "users_insert", "insert into users (username, password_hash, role, organisation_id, team_id, "
                    "email) values ($1, $2, $3, $4::uuid, $5::uuid, $6) returning id::text"};
const statement user_by_id_sql{"users_by_id",
                               "select " USER_COLUMNS " from " USER_FROM "where u.id = $1::uuid"};
const statement set_alerts_sql{
    "users_set_alerts", "update users set email = $2, email_alerts = $3 where id = $1::uuid"};
const statement ensure_team_sql{
    "teams_ensure",
    "with added as (insert into teams (organisation_id, name) values ($1::uuid, $2) on conflict "
    "(organisation_id, name) do nothing returning id) select id::text from added union all "
    "select id::text from teams where organisation_id = $1::uuid and name = $2"};
const statement teams_of_sql{"teams_of_organisation",
                             "select id::text, organisation_id::text, name from teams where "
                             "organisation_id = $1::uuid order by name"};
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
    user.team_id = f.optional_text();
    user.team = f.optional_text();
    user.email = f.optional_text();
    user.email_alerts = f.boolean();
    return user;
}

namespace organisations {
namespace {

organisation_row read_organisation(fields f) {
    organisation_row row;
    row.id = f.text();
    row.code = f.text();
    row.name = f.text();
    row.kind = f.value<organisation_kind>(workflow::parse_organisation_kind);
    return row;
}

} // namespace

std::vector<organisation_row> all(unit_of_work& uow) {
    std::vector<organisation_row> list;
    for (const auto& row : run(uow, all_organisations_sql)) {
        list.push_back(read_organisation(fields{row}));
    }
    return list;
}

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
    return read_organisation(fields{result[0]});
}

} // namespace organisations

namespace users {

std::string insert(unit_of_work& uow, std::string_view username, std::string_view password_hash,
                   role user_role, std::string_view organisation_id,
                   const std::optional<std::string>& team_id,
                   const std::optional<std::string>& email) {
    return run(uow, insert_user_sql, std::string{username}, std::string{password_hash},
               text_of(user_role), std::string{organisation_id}, team_id, email)[0][0]
        .as<std::string>();
}

void set_email_alerts(unit_of_work& uow, std::string_view user_id,
                      const std::optional<std::string>& email, bool alerts) {
    run(uow, set_alerts_sql, std::string{user_id}, email, alerts);
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

namespace teams {

std::string ensure(unit_of_work& uow, std::string_view organisation_id, std::string_view name) {
    return run(uow, ensure_team_sql, std::string{organisation_id}, std::string{name})[0][0]
        .as<std::string>();
}

std::vector<team_row> of_organisation(unit_of_work& uow, std::string_view organisation_id) {
    std::vector<team_row> list;
    for (const auto& row : run(uow, teams_of_sql, std::string{organisation_id})) {
        fields f{row};
        team_row team;
        team.id = f.text();
        team.organisation_id = f.text();
        team.name = f.text();
        list.push_back(std::move(team));
    }
    return list;
}

} // namespace teams
} // namespace homeward::db
