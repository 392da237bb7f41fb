#pragma once
// The signed-in user's own account: who they are, their team, and their email alerts; and the
// teams of their organisation (the filters of a manager's pages).

#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>

#include <vector>

namespace homeward::services {

user_row my_account(const environment& env, const actor& who);
// body {email?, email_alerts?}: an address (null removes it) and whether alerts are sent.
user_row update_my_account(const environment& env, const actor& who,
                           const boost::json::object& body);

std::vector<db::team_row> teams_of_my_organisation(const environment& env, const actor& who);

} // namespace homeward::services
