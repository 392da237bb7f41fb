// The signed-in user's own account and their organisation's teams.

#include "account_rules.hpp"
#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/organisations.hpp"
#include "homeward/services/accounts.hpp"
#include "homeward/services/passwords.hpp"

namespace homeward::services {
namespace {

// The new password's hash when the body changes it: `password` with `current_password`, which
// must be the one the user signed in with; a temporary password must be replaced by another.
std::optional<std::string> new_password_hash(db::unit_of_work& uow, const actor& who,
                                             const boost::json::object& body,
                                             workflow::input_reader& input) {
    if (!body.contains("password") && !body.contains("current_password")) {
        return std::nullopt;
    }
    const auto* given = body.if_contains("password");
    const auto* current = body.if_contains("current_password");
    if (given == nullptr || !given->is_string()) {
        input.add("password", "must be the new password");
    }
    if (current == nullptr || !current->is_string()) {
        input.add("current_password", "must be the password you signed in with");
    }
    if (!input.ok()) {
        return std::nullopt;
    }
    const std::string password{given->get_string()};
    if (const auto problem = password_problem(password)) {
        input.add("password", *problem);
        return std::nullopt;
    }
    const auto stored = db::users::password_hash(uow, who.user_id);
    const std::string current_text{current->get_string()};
    if (!stored || current_text.size() > 1024 || !verify_password(current_text, *stored)) {
        input.add("current_password", "is not the password you signed in with");
        return std::nullopt;
    }
    if (password == current_text) {
        input.add("password", "must differ from the current password");
        return std::nullopt;
    }
    return hash_password(password);
}

} // namespace

my_account_view my_account(const environment& env, const actor& who) {
    return run_audited(env, who, {"account.read", "user", who.user_id}, [&](db::unit_of_work& uow) {
        auto user = db::users::by_id(uow, who.user_id);
        if (!user) {
            throw failure(failure_kind::not_found, "no such user");
        }
        return my_account_view{std::move(*user),
                               db::organisations::works_with(uow, who.organisation_id),
                               who.enrolment_required};
    });
}

user_row update_my_account(const environment& env, const actor& who,
                           const boost::json::object& body) {
    return run_audited(
        env, who, {"account.update", "user", who.user_id}, [&](db::unit_of_work& uow) {
            auto user = db::users::by_id(uow, who.user_id);
            if (!user) {
                throw failure(failure_kind::not_found, "no such user");
            }
            workflow::input_reader input{body,
                                         {"email", "email_alerts", "password", "current_password"}};
            auto email = user->email;
            if (const auto* given = body.if_contains("email")) {
                email = given->is_null() ? std::nullopt : input.optional_text("email", 254);
                if (email) {
                    if (const auto problem = email_problem(*email)) {
                        input.add("email", *problem);
                    }
                }
            }
            const auto alerts = input.optional_boolean("email_alerts").value_or(user->email_alerts);
            const auto password_hash = new_password_hash(uow, who, body, input);
            finish(input);
            db::users::set_email_alerts(uow, who.user_id, email, alerts);
            if (password_hash) {
                db::users::set_password(uow, who.user_id, *password_hash, false);
            }
            audit_success(uow, who, {"account.update", "user", who.user_id},
                          {{"email_alerts", alerts},
                           {"email_given", email.has_value()},
                           {"password_changed", password_hash.has_value()}});
            return *db::users::by_id(uow, who.user_id);
        });
}

std::vector<db::team_row> teams_of_my_organisation(const environment& env, const actor& who) {
    return run_audited(env, who, {"team.list", "team", ""}, [&](db::unit_of_work& uow) {
        return db::teams::of_organisation(uow, who.organisation_id);
    });
}

std::vector<user_row> workers_of_my_organisation(const environment& env, const actor& who,
                                                 const std::optional<std::string>& team) {
    return run_audited(env, who, {"worker.list", "user", ""}, [&](db::unit_of_work& uow) {
        require_role(who, {workflow::role::manager, workflow::role::cse_champion},
                     "list the workers who can hold an episode");
        return db::users::workers_of(uow, who.organisation_id, id_in_query("team", team));
    });
}

} // namespace homeward::services
