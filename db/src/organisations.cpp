#include "homeward/db/organisations.hpp"

#include "columns.hpp"
#include "sql.hpp"

#include <stdexcept>

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
const statement rename_organisation_sql{"organisations_rename",
                                        "update organisations set name = $2 where id = $1::uuid"};
const statement works_with_sql{
    "organisations_works_with",
    "select o.id::text, o.code, o.name, o.kind from police_force_authorities p join "
    "organisations o on o.id = case when p.police_force_id = $1::uuid then p.authority_id else "
    "p.police_force_id end where p.police_force_id = $1::uuid or p.authority_id = $1::uuid "
    "order by o.code"};
const statement drop_works_with_sql{
    "organisations_drop_works_with",
    "delete from police_force_authorities where police_force_id = $1::uuid and authority_id <> "
    "all($2::uuid[])"};
const statement add_works_with_sql{
    "organisations_add_works_with",
    "insert into police_force_authorities (police_force_id, authority_id) select $1::uuid, a "
    "from unnest($2::uuid[]) a on conflict do nothing"};
const statement user_in_organisation_sql{"users_in_organisation",
                                         "select " USER_COLUMNS " from " USER_FROM
                                         "where u.id = $1::uuid and u.organisation_id = "
                                         "$2::uuid"};
const statement users_of_organisation_sql{
    "users_of_organisation",
    "select " USER_COLUMNS " from " USER_FROM "where ($1::uuid is null or u.organisation_id = "
    "$1::uuid) and ($2::uuid "
    "is null or (lower(u.username), u.id) > (select lower(x.username), x.id from users x where "
    "x.id = $2::uuid)) order by lower(u.username), u.id limit $3"};
const statement change_user_sql{
    "users_change",
    "update users set role = $3, team_id = $4::uuid, active = $5 where id = "
    "$1::uuid and organisation_id = $2::uuid",
    effect::identity};
const statement make_deployment_admin_sql{
    "users_make_deployment_admin",
    "update users set deployment_admin = true where id = $1::uuid and role = 'admin'",
    effect::identity};
const statement set_password_sql{
    "users_set_password",
    "update users set password_hash = $2, must_change_password = $3 where id = $1::uuid",
    effect::identity};
const statement password_hash_sql{"users_password_hash",
                                  "select password_hash from users where id = $1::uuid"};
const statement unlock_sql{
    "users_unlock",
    "update users set locked_until = null, unlocked_at = to_timestamp($2) where id = $1::uuid",
    effect::identity};
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
const statement workers_of_sql{
    "users_workers_of",
    "select " USER_COLUMNS " from " USER_FROM "where u.organisation_id = $1::uuid and u.active "
    "and u.role in ('social_worker', 'manager') and ($2::uuid is null or u.team_id = $2::uuid) "
    "order by t.name nulls last, u.username"};

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
    user.must_change_password = f.boolean();
    user.locked_until = f.optional_time();
    user.deployment_admin = f.boolean();
    user.two_factor_enrolled = f.boolean();
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

void rename(unit_of_work& uow, std::string_view id, std::string_view name) {
    run(uow, rename_organisation_sql, std::string{id}, std::string{name});
}

std::vector<organisation_row> works_with(unit_of_work& uow, std::string_view id) {
    std::vector<organisation_row> list;
    for (const auto& row : run(uow, works_with_sql, std::string{id})) {
        list.push_back(read_organisation(fields{row}));
    }
    return list;
}

void set_works_with(unit_of_work& uow, std::string_view police_force_id,
                    const std::vector<std::string>& authority_ids) {
    const auto ids = text_array(authority_ids);
    run(uow, drop_works_with_sql, std::string{police_force_id}, ids);
    run(uow, add_works_with_sql, std::string{police_force_id}, ids);
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

std::optional<user_row> in_organisation(unit_of_work& uow, std::string_view id,
                                        std::string_view organisation_id) {
    const auto row = row_by_id(uow, user_in_organisation_sql, id, std::string{organisation_id});
    if (!row) {
        return std::nullopt;
    }
    fields f{*row};
    return read_user(f);
}

std::vector<user_row> of_organisation(unit_of_work& uow,
                                      const std::optional<std::string>& organisation_id,
                                      const std::optional<std::string>& after_id, int limit) {
    std::vector<user_row> list;
    for (const auto& row : run(uow, users_of_organisation_sql, organisation_id, after_id, limit)) {
        fields f{row};
        list.push_back(read_user(f));
    }
    return list;
}

void make_deployment_admin(unit_of_work& uow, std::string_view id) {
    if (run(uow, make_deployment_admin_sql, std::string{id}).affected_rows() != 1) {
        throw std::invalid_argument("only an admin can be a deployment-wide admin");
    }
}

bool change(unit_of_work& uow, std::string_view id, std::string_view organisation_id,
            const account_change& change) {
    if (!workflow::is_uuid(id)) {
        return false;
    }
    return run(uow, change_user_sql, std::string{id}, std::string{organisation_id},
               text_of(change.user_role), change.team_id, change.active)
               .affected_rows() == 1;
}

void set_password(unit_of_work& uow, std::string_view id, std::string_view password_hash,
                  bool must_change) {
    run(uow, set_password_sql, std::string{id}, std::string{password_hash}, must_change);
}

std::optional<std::string> password_hash(unit_of_work& uow, std::string_view id) {
    const auto row = row_by_id(uow, password_hash_sql, id);
    if (!row) {
        return std::nullopt;
    }
    return (*row)[0].as<std::string>();
}

void unlock(unit_of_work& uow, std::string_view id, time_point at) {
    run(uow, unlock_sql, std::string{id}, epoch(at));
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

std::vector<user_row> workers_of(unit_of_work& uow, std::string_view organisation_id,
                                 const std::optional<std::string>& team_id) {
    std::vector<user_row> list;
    for (const auto& row : run(uow, workers_of_sql, std::string{organisation_id}, team_id)) {
        fields f{row};
        list.push_back(read_user(f));
    }
    return list;
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
