#pragma once
// Organisations (police forces and local authorities) and their users.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::organisations {

// Raises db::duplicate when the code is taken.
std::string insert(unit_of_work& uow, std::string_view code, std::string_view name,
                   organisation_kind kind);
std::optional<organisation_row> by_code(unit_of_work& uow, std::string_view code);
// Every organisation, by code.
std::vector<organisation_row> all(unit_of_work& uow);
void rename(unit_of_work& uow, std::string_view id, std::string_view name);
// The organisations this one works with, by code: a police force's local authorities (those it
// reports to), or the police forces that report to a local authority.
std::vector<organisation_row> works_with(unit_of_work& uow, std::string_view id);
// The local authorities a police force works with, from now on exactly these.
void set_works_with(unit_of_work& uow, std::string_view police_force_id,
                    const std::vector<std::string>& authority_ids);

} // namespace homeward::db::organisations

namespace homeward::db::users {

// Raises db::duplicate when the username is taken (case apart).
std::string insert(unit_of_work& uow, std::string_view username, std::string_view password_hash,
                   role user_role, std::string_view organisation_id,
                   const std::optional<std::string>& team_id = {},
                   const std::optional<std::string>& email = {});
// The user's own choice: where email alerts go, and whether they are sent.
void set_email_alerts(unit_of_work& uow, std::string_view user_id,
                      const std::optional<std::string>& email, bool alerts);
std::optional<user_row> by_id(unit_of_work& uow, std::string_view id);

// ---- an admin's accounts: each statement within the admin's organisation ----
// The user of this id when they belong to the organisation.
std::optional<user_row> in_organisation(unit_of_work& uow, std::string_view id,
                                        std::string_view organisation_id);
// A page of the organisation's users (every organisation's, without one) by username (case
// apart), after the user `after_id`.
std::vector<user_row> of_organisation(unit_of_work& uow,
                                      const std::optional<std::string>& organisation_id,
                                      const std::optional<std::string>& after_id, int limit);
// Makes the admin of this id an admin of every organisation (the command line's
// `user add --deployment-wide`); std::invalid_argument unless the user is an admin.
void make_deployment_admin(unit_of_work& uow, std::string_view id);
struct account_change {
    role user_role{role::admin};
    std::optional<std::string> team_id;
    bool active{true};
};
// False when no user of the organisation has this id.
bool change(unit_of_work& uow, std::string_view id, std::string_view organisation_id,
            const account_change& change);
// A new password hash; `must_change`: the user's sessions may only change it.
void set_password(unit_of_work& uow, std::string_view id, std::string_view password_hash,
                  bool must_change);
std::optional<std::string> password_hash(unit_of_work& uow, std::string_view id);
// Ends the lockout; the failed log-ins before `at` no longer count towards the next.
void unlock(unit_of_work& uow, std::string_view id, time_point at);
// Is this an active user with one of these roles in one of these organisations?
bool is_worker_of(unit_of_work& uow, std::string_view user_id,
                  const std::vector<std::string>& organisation_ids, const std::vector<role>& roles);
// Whom an episode of the organisation can be given to: its active social workers and managers
// (of the team, when given), by team name (those of no team last) then username.
std::vector<user_row> workers_of(unit_of_work& uow, std::string_view organisation_id,
                                 const std::optional<std::string>& team_id);

} // namespace homeward::db::users

namespace homeward::db::teams {

// The team of this name in the organisation, made when there is none yet; its id.
std::string ensure(unit_of_work& uow, std::string_view organisation_id, std::string_view name);
// The organisation's teams, by name.
std::vector<team_row> of_organisation(unit_of_work& uow, std::string_view organisation_id);

} // namespace homeward::db::teams
