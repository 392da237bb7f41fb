#pragma once
// What an account's fields must be, wherever they are given: `homeward user add`, an admin's
// POST/PATCH /users, and the user's own PATCH /me. Each answers the problem to name the field
// with, or nothing when the value is good.

#include "homeward/workflow/types.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace homeward::services {

std::optional<std::string> username_problem(std::string_view username);
std::optional<std::string> team_problem(std::string_view team);
// Something@somewhere, at most 254 characters, as the database will check it.
std::optional<std::string> email_problem(std::string_view address);
// 12 to 1,024 characters.
std::optional<std::string> password_problem(std::string_view password);
// Police belong to police forces, every other role but admin to a local authority.
std::optional<std::string> role_problem(workflow::role role, workflow::organisation_kind kind);
// "police, social_worker, ...": every role the workflow knows.
std::string_view role_choices();
// A password for an admin's reset or a new account: 16 random characters (96 bits) of A-Z a-z
// 0-9 - _, to be changed at first sign-in.
std::string temporary_password();

} // namespace homeward::services
