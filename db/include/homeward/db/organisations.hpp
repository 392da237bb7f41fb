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
// Is this an active user with one of these roles in one of these organisations?
bool is_worker_of(unit_of_work& uow, std::string_view user_id,
                  const std::vector<std::string>& organisation_ids, const std::vector<role>& roles);

} // namespace homeward::db::users

namespace homeward::db::teams {

// The team of this name in the organisation, made when there is none yet; its id.
std::string ensure(unit_of_work& uow, std::string_view organisation_id, std::string_view name);
// The organisation's teams, by name.
std::vector<team_row> of_organisation(unit_of_work& uow, std::string_view organisation_id);

} // namespace homeward::db::teams
