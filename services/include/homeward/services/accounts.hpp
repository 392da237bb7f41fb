#pragma once
// The signed-in user's own account: who they are, their team, and their email alerts; and the
// teams of their organisation (the filters of a manager's pages).

#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace homeward::services {

// The account, and the organisations the user's own works with: a police force's local
// authorities (those it reports to), or the police forces that work with an authority.
struct my_account_view {
    user_row user;
    std::vector<db::organisation_row> works_with;
    // The session may only enrol in two-step sign-in until the user has (actor's).
    bool enrolment_required{false};
};
my_account_view my_account(const environment& env, const actor& who);
// body {email?, email_alerts?, password?, current_password?}: an address (null removes it),
// whether alerts are sent, and a new password (with the current one: a temporary password is
// changed this way, which lifts its session's restriction).
user_row update_my_account(const environment& env, const actor& who,
                           const boost::json::object& body);

std::vector<db::team_row> teams_of_my_organisation(const environment& env, const actor& who);

// Whom a manager or the CSE champion can give an episode to: the active social workers and
// managers of their organisation (of one team, by its id, when `team` is given). Others: forbidden.
std::vector<user_row> workers_of_my_organisation(const environment& env, const actor& who,
                                                 const std::optional<std::string>& team);

} // namespace homeward::services
