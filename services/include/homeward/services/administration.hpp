#pragma once
// Organisations and users: what `homeward org add` and `homeward user add` do.

#include "homeward/services/environment.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace homeward::services {

// Returns the new organisation's id. Throws failure(invalid_input) naming the field at fault:
// a code that is not 2-32 of A-Z 0-9 _ -, an empty name, an unknown kind, a code already used.
std::string add_organisation(const environment& env, std::string_view code, std::string_view name,
                             std::string_view kind, std::string_view request_id);

// Returns the new user's id. The password is hashed with Argon2id; at least 12 characters.
// Police belong to police forces, every other role but admin to a local authority.
// With a team, the user joins their organisation's team of that name (made when new); with an
// email address, their notifications are also sent there.
std::string add_user(const environment& env, std::string_view username, std::string_view role,
                     std::string_view organisation_code, std::string_view password,
                     std::string_view request_id, const std::optional<std::string>& team = {},
                     const std::optional<std::string>& email = {});

} // namespace homeward::services
