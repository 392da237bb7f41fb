// The signed-in user's own account and their organisation's teams.

#include "use_case.hpp"

#include "homeward/db/organisations.hpp"
#include "homeward/services/accounts.hpp"

namespace homeward::services {
namespace {

// The address as the database will check it: something@somewhere, at most 254 characters.
bool plausible_address(const std::string& address) {
    const auto at = address.find('@');
    return address.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < address.size() &&
           address.find('@', at + 1) == std::string::npos &&
           address.find_first_of(" \t\r\n<>,;") == std::string::npos;
}

} // namespace

user_row my_account(const environment& env, const actor& who) {
    return run_audited(env, who, {"account.read", "user", who.user_id}, [&](db::unit_of_work& uow) {
        auto user = db::users::by_id(uow, who.user_id);
        if (!user) {
            throw failure(failure_kind::not_found, "no such user");
        }
        return std::move(*user);
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
            workflow::input_reader input{body, {"email", "email_alerts"}};
            auto email = user->email;
            if (const auto* given = body.if_contains("email")) {
                email = given->is_null() ? std::nullopt : input.optional_text("email", 254);
                if (email && !plausible_address(*email)) {
                    input.add("email", "must be an email address, e.g. jo.bloggs@council.example");
                }
            }
            const auto alerts = input.optional_boolean("email_alerts").value_or(user->email_alerts);
            finish(input);
            db::users::set_email_alerts(uow, who.user_id, email, alerts);
            audit_success(uow, who, {"account.update", "user", who.user_id},
                          {{"email_alerts", alerts}, {"email_given", email.has_value()}});
            return *db::users::by_id(uow, who.user_id);
        });
}

std::vector<db::team_row> teams_of_my_organisation(const environment& env, const actor& who) {
    return run_audited(env, who, {"team.list", "team", ""}, [&](db::unit_of_work& uow) {
        return db::teams::of_organisation(uow, who.organisation_id);
    });
}

} // namespace homeward::services
