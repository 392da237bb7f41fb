#pragma once
// Organisations and users: what `homeward org add` and `homeward user add` do, and an admin's
// accounts and organisations through the API. An admin acts within their own organisation: a user
// of another answers exactly as one that does not exist. Every change is audited.

#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"
#include "homeward/services/webhooks.hpp"

#include <boost/json/object.hpp>

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
                     const std::optional<std::string>& email = {}, bool deployment_wide = false);

// ---- accounts (admin, within their organisation; a deployment-wide admin, any) ------------

// The organisation's users by username; the cursor is the last user's id. `organisation` (a
// code) another organisation's, for a deployment-wide admin only (403 for anyone else); a
// deployment-wide admin naming none sees every organisation's.
page<user_row> list_users(const environment& env, const actor& who, int limit,
                          const std::optional<std::string>& cursor,
                          const std::optional<std::string>& organisation = {});
user_row get_user(const environment& env, const actor& who, const std::string& id);

// An account and the temporary password it was just given (shown once: it is kept only as its
// hash). The user must change it at their first sign-in.
struct account_with_password {
    user_row user;
    std::string temporary_password;
};
// body {username, role, team?, email?, organisation?}: a user of the admin's organisation (or, for
// a deployment-wide admin, of the organisation whose code is given), as `user add` makes one, with
// a temporary password.
account_with_password create_user(const environment& env, const actor& who,
                                  const boost::json::object& body);
// body {role?, team? (a name, or null for none), active?}. No one changes their own role (403)
// or deactivates themselves; deactivation ends the user's sessions at once.
user_row update_user(const environment& env, const actor& who, const std::string& id,
                     const boost::json::object& body);
// Ends a lockout now: the user may sign in at once, and earlier failures no longer count.
user_row unlock_user(const environment& env, const actor& who, const std::string& id);
// A new temporary password; the old one and every session of the user end.
account_with_password reset_password(const environment& env, const actor& who,
                                     const std::string& id);

// ---- organisations (admin) ---------------------------------------------------------------

// body {code, name, kind, works_with?} (a deployment-wide admin only); `works_with` (a police
// force's) the codes of the local authorities it reports to.
organisation_view create_organisation(const environment& env, const actor& who,
                                      const boost::json::object& body);
// body {name?, works_with?}: renames, and (a police force) sets the authorities it works with.
// An organisation's own admin changes only their organisation (403 for another).
organisation_view update_organisation(const environment& env, const actor& who,
                                      const std::string& code, const boost::json::object& body);

} // namespace homeward::services
