// Organisations and users: the command line's `org add` and `user add`, and an admin's accounts
// and organisations through the API. Both make accounts with the same rules and the same audit.

#include "homeward/services/administration.hpp"

#include "account_rules.hpp"
#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/organisations.hpp"
#include "homeward/db/outbox.hpp"
#include "homeward/db/sessions.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/two_factor.hpp"

#include <algorithm>

namespace homeward::services {
namespace {

namespace json = boost::json;
using workflow::role;

// The command line acts as the system: no user, audited with the request id it is given.
actor system_actor(std::string_view request_id) {
    actor who;
    who.username = "system";
    who.role = workflow::role::admin;
    who.request_id = std::string{request_id};
    return who;
}

bool valid_code(std::string_view code) {
    if (code.size() < 2 || code.size() > 32) {
        return false;
    }
    const auto allowed = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    };
    return std::all_of(code.begin(), code.end(), allowed) && code[0] != '_' && code[0] != '-';
}

constexpr std::string_view code_rule =
    "must be 2 to 32 of A-Z, 0-9, _ and -, starting with a letter or digit";

std::optional<std::string> name_problem(std::string_view name) {
    if (name.find_first_not_of(" \t") == std::string_view::npos || name.size() > 200 ||
        !workflow::is_clean_text(name)) {
        return "must be given, at most 200 characters";
    }
    return std::nullopt;
}

void invalid(std::string field, std::string message) {
    const std::string detail = field + " " + message;
    throw failure(failure_kind::invalid_input, detail, {{std::move(field), std::move(message)}});
}

// An account as both the command line and the API make it: in the organisation, its team made
// when new, audited as user.add by whoever made it.
struct new_account {
    std::string username;
    role user_role{role::admin};
    std::optional<std::string> team;
    std::optional<std::string> email;
};

std::string insert_account(db::unit_of_work& uow, const actor& who,
                           const db::organisation_row& organisation, const new_account& account,
                           const std::string& password_hash, bool must_change) {
    if (const auto problem = role_problem(account.user_role, organisation.kind)) {
        invalid("role", *problem);
    }
    std::string id;
    try {
        const auto team_id =
            account.team ? std::optional{db::teams::ensure(uow, organisation.id, *account.team)}
                         : std::nullopt;
        id = db::users::insert(uow, account.username, password_hash, account.user_role,
                               organisation.id, team_id, account.email);
    } catch (const db::duplicate&) {
        invalid("username", "is already taken");
    }
    if (must_change) {
        db::users::set_password(uow, id, password_hash, true);
    }
    audit_success(uow, who, {"user.add", "user", id},
                  {{"username", account.username},
                   {"role", workflow::to_string(account.user_role)},
                   {"org", organisation.code},
                   {"temporary_password", must_change}});
    return id;
}

db::organisation_row own_organisation(db::unit_of_work& uow, const actor& who) {
    auto organisation = db::organisations::by_code(uow, who.organisation_code);
    if (!organisation) {
        throw failure(failure_kind::not_found, "your organisation no longer exists");
    }
    return std::move(*organisation);
}

// The organisation whose accounts an admin manages: their own, or (a deployment-wide admin) the
// one named by `code`; an organisation's own admin naming another is refused (403).
db::organisation_row organisation_to_manage(db::unit_of_work& uow, const actor& who,
                                            const std::optional<std::string>& code,
                                            std::string_view field) {
    if (!code || *code == who.organisation_code) {
        return own_organisation(uow, who);
    }
    require_manages(who, *code, "manage the accounts");
    auto organisation = db::organisations::by_code(uow, *code);
    if (!organisation) {
        invalid(std::string{field}, "no organisation has the code " + *code);
    }
    return std::move(*organisation);
}

db::organisation_row organisation_of(db::unit_of_work& uow, const user_row& user) {
    return *db::organisations::by_code(uow, user.organisation_code);
}

// The user of this id in the admin's organisation (any organisation's, for a deployment-wide
// admin), or 404 (another organisation's user answers exactly as one that does not exist).
user_row account_or_404(db::unit_of_work& uow, const actor& who, const std::string& id) {
    auto user = who.deployment_admin ? db::users::by_id(uow, id)
                                     : db::users::in_organisation(uow, id, who.organisation_id);
    if (!user) {
        throw failure(failure_kind::not_found, "no such user");
    }
    return std::move(*user);
}

void require_admin(const actor& who, std::string_view what) {
    require_role(who, {role::admin}, what);
}

void require_deployment_admin(const actor& who, std::string_view what) {
    require_admin(who, what);
    if (!who.deployment_admin) {
        throw failure(failure_kind::forbidden,
                      "only a deployment-wide admin may " + std::string{what});
    }
}

// The local authorities named by code in `works_with`, as ids; each must be one.
std::vector<std::string> authorities_named(db::unit_of_work& uow, workflow::input_reader& input,
                                           const std::vector<std::string>& codes) {
    std::vector<std::string> ids;
    for (const auto& code : codes) {
        const auto organisation = db::organisations::by_code(uow, code);
        if (!organisation || organisation->kind != workflow::organisation_kind::local_authority) {
            input.add("works_with", code + " is not the code of a local authority");
            continue;
        }
        if (std::find(ids.begin(), ids.end(), organisation->id) == ids.end()) {
            ids.push_back(organisation->id);
        }
    }
    return ids;
}

organisation_view organisation_view_of(db::unit_of_work& uow, db::organisation_row organisation) {
    auto webhook = db::webhook(uow, organisation.id);
    auto partners = db::organisations::works_with(uow, organisation.id);
    return {std::move(organisation), std::move(webhook), std::move(partners)};
}

json::array codes_of(const std::vector<db::organisation_row>& organisations) {
    json::array codes;
    for (const auto& o : organisations) {
        codes.emplace_back(o.code);
    }
    return codes;
}

} // namespace

std::string add_organisation(const environment& env, std::string_view code, std::string_view name,
                             std::string_view kind, std::string_view request_id) {
    if (!valid_code(code)) {
        invalid("code", std::string{code_rule});
    }
    if (const auto problem = name_problem(name)) {
        invalid("name", *problem);
    }
    const auto parsed_kind = workflow::parse_organisation_kind(kind);
    if (!parsed_kind) {
        invalid("kind", "must be police or local_authority");
    }
    std::string id;
    const audit_target target{"organisation.add", "organisation", std::string{code}};
    run_audited(env, system_actor(request_id), target, [&](db::unit_of_work& uow) {
        try {
            id = db::organisations::insert(uow, code, name, *parsed_kind);
        } catch (const db::duplicate&) {
            invalid("code", "is already used by another organisation");
        }
        audit_success(uow, system_actor(request_id), {target.action, target.entity_type, id},
                      {{"code", code}, {"kind", kind}});
    });
    return id;
}

std::string add_user(const environment& env, std::string_view username, std::string_view role,
                     std::string_view organisation_code, std::string_view password,
                     std::string_view request_id, const std::optional<std::string>& team,
                     const std::optional<std::string>& email, bool deployment_wide) {
    const auto parsed_role = workflow::parse_role(role);
    if (deployment_wide && parsed_role != workflow::role::admin) {
        invalid("role", "only an admin can be deployment-wide");
    }
    if (team) {
        if (const auto problem = team_problem(*team)) {
            invalid("team", *problem);
        }
    }
    if (email) {
        if (const auto problem = email_problem(*email)) {
            invalid("email", *problem);
        }
    }
    if (const auto problem = username_problem(username)) {
        invalid("username", *problem);
    }
    if (!parsed_role) {
        invalid("role", "must be one of " + std::string{role_choices()});
    }
    if (const auto problem = password_problem(password)) {
        invalid("password", *problem);
    }
    const std::string hash = hash_password(password);
    std::string id;
    const auto who = system_actor(request_id);
    run_audited(env, who, {"user.add", "user", std::string{username}}, [&](db::unit_of_work& uow) {
        const auto organisation = db::organisations::by_code(uow, organisation_code);
        if (!organisation) {
            invalid("org", "no organisation has the code " + std::string{organisation_code});
        }
        id = insert_account(uow, who, *organisation,
                            {std::string{username}, *parsed_role, team, email}, hash, false);
        if (deployment_wide) {
            db::users::make_deployment_admin(uow, id);
            audit_success(uow, who, {"user.deployment_admin", "user", id},
                          {{"username", std::string{username}}});
        }
    });
    return id;
}

page<user_row> list_users(const environment& env, const actor& who, int limit,
                          const std::optional<std::string>& cursor,
                          const std::optional<std::string>& organisation) {
    return run_audited(env, who, {"user.list", "user", ""}, [&](db::unit_of_work& uow) {
        require_admin(who, "list accounts");
        if (cursor && !workflow::is_uuid(*cursor)) {
            refuse_query({{"cursor", "must be the next_cursor of the previous page"}});
        }
        check_limit(limit);
        // A deployment-wide admin sees every organisation's accounts unless they name one.
        std::optional<std::string> whose;
        if (organisation || !who.deployment_admin) {
            if (organisation && who.deployment_admin &&
                !db::organisations::by_code(uow, *organisation)) {
                refuse_query({{"organisation", "no organisation has the code " + *organisation}});
            }
            whose = organisation_to_manage(uow, who, organisation, "organisation").id;
        }
        return page_of(db::users::of_organisation(uow, whose, cursor, limit), limit,
                       [](const user_row& u) { return u.id; });
    });
}

user_row get_user(const environment& env, const actor& who, const std::string& id) {
    return run_audited(env, who, {"user.read", "user", id}, [&](db::unit_of_work& uow) {
        require_admin(who, "read accounts");
        return account_or_404(uow, who, id);
    });
}

account_with_password create_user(const environment& env, const actor& who,
                                  const json::object& body) {
    return run_audited(env, who, {"user.add", "user", ""}, [&](db::unit_of_work& uow) {
        require_admin(who, "add accounts");
        workflow::input_reader input{body, {"username", "role", "team", "email", "organisation"}};
        new_account account;
        account.username = input.text("username", 128);
        if (!input.has_error("username")) {
            if (const auto problem = username_problem(account.username)) {
                input.add("username", *problem);
            }
        }
        const auto parsed = input.choice<role>("role", workflow::parse_role, role_choices());
        account.team = input.optional_text("team", 100);
        account.email = input.optional_text("email", 254);
        if (account.email) {
            if (const auto problem = email_problem(*account.email)) {
                input.add("email", *problem);
            }
        }
        const auto code = input.optional_text("organisation", 32);
        finish(input);
        account.user_role = *parsed;
        const auto password = temporary_password();
        const auto organisation = organisation_to_manage(uow, who, code, "organisation");
        const auto id =
            insert_account(uow, who, organisation, account, hash_password(password), true);
        return account_with_password{*db::users::by_id(uow, id), password};
    });
}

user_row update_user(const environment& env, const actor& who, const std::string& id,
                     const json::object& body) {
    return run_audited(env, who, {"user.update", "user", id}, [&](db::unit_of_work& uow) {
        require_admin(who, "change accounts");
        const auto before = account_or_404(uow, who, id);
        workflow::input_reader input{body, {"role", "team", "active"}};
        db::users::account_change change{before.user_role, before.team_id, before.active};
        if (const auto parsed =
                input.choice<role>("role", workflow::parse_role, role_choices(), false)) {
            change.user_role = *parsed;
        }
        std::optional<std::string> team;
        if (const auto* given = body.if_contains("team"); given != nullptr && !given->is_null()) {
            team = input.optional_text("team", 100);
            if (!team && !input.has_error("team")) {
                input.add("team", "must be a name of 1 to 100 characters, or null for none");
            }
        }
        change.active = input.optional_boolean("active").value_or(before.active);
        finish(input);
        const bool self = before.id == who.user_id;
        if (self && change.user_role != before.user_role) {
            throw failure(failure_kind::forbidden, "no one may change their own role");
        }
        if (self && !change.active) {
            invalid("active", "you cannot deactivate your own account");
        }
        if (change.user_role != before.user_role) {
            if (before.deployment_admin) {
                invalid("role", "a deployment-wide admin stays an admin");
            }
            if (const auto problem =
                    role_problem(change.user_role, organisation_of(uow, before).kind)) {
                invalid("role", *problem);
            }
        }
        if (body.contains("team")) {
            change.team_id =
                team ? std::optional{db::teams::ensure(uow, before.organisation_id, *team)}
                     : std::nullopt;
        }
        db::users::change(uow, id, before.organisation_id, change);
        // Deactivation ends every session at once (a session's user must also be active).
        const int ended =
            before.active && !change.active ? db::sessions::revoke_all_of(uow, id, env.now()) : 0;
        audit_success(
            uow, who, {"user.update", "user", id},
            {{"role", workflow::to_string(change.user_role)},
             {"previous_role", workflow::to_string(before.user_role)},
             {"team_id", change.team_id ? json::value(*change.team_id) : nullptr},
             {"previous_team_id", before.team_id ? json::value(*before.team_id) : nullptr},
             {"active", change.active},
             {"previous_active", before.active},
             {"sessions_ended", ended}});
        return *db::users::by_id(uow, id);
    });
}

user_row unlock_user(const environment& env, const actor& who, const std::string& id) {
    return run_audited(env, who, {"user.unlock", "user", id}, [&](db::unit_of_work& uow) {
        require_admin(who, "unlock accounts");
        const auto before = account_or_404(uow, who, id);
        const auto now = env.now();
        db::users::unlock(uow, id, now);
        audit_success(uow, who, {"user.unlock", "user", id},
                      {{"was_locked", before.locked_until && *before.locked_until > now}});
        return *db::users::by_id(uow, id);
    });
}

account_with_password reset_password(const environment& env, const actor& who,
                                     const std::string& id) {
    return run_audited(env, who, {"user.password_reset", "user", id}, [&](db::unit_of_work& uow) {
        require_admin(who, "reset passwords");
        account_or_404(uow, who, id);
        const auto password = temporary_password();
        db::users::set_password(uow, id, hash_password(password), true);
        const int ended = db::sessions::revoke_all_of(uow, id, env.now());
        // Whoever lost their password may have lost the phone too: they enrol again after.
        const bool two_factor_cleared = clear_two_factor(uow, id);
        audit_success(uow, who, {"user.password_reset", "user", id},
                      {{"sessions_ended", ended}, {"two_factor_cleared", two_factor_cleared}});
        return account_with_password{*db::users::by_id(uow, id), password};
    });
}

organisation_view create_organisation(const environment& env, const actor& who,
                                      const json::object& body) {
    return run_audited(
        env, who, {"organisation.add", "organisation", ""}, [&](db::unit_of_work& uow) {
            require_deployment_admin(who, "add organisations");
            workflow::input_reader input{body, {"code", "name", "kind", "works_with"}};
            const auto code = input.text("code", 32);
            if (!input.has_error("code") && !valid_code(code)) {
                input.add("code", std::string{code_rule});
            }
            const auto name = input.text("name", 200);
            const auto kind = input.choice<workflow::organisation_kind>(
                "kind", workflow::parse_organisation_kind, "police, local_authority");
            const bool partners_given = body.contains("works_with");
            const auto partner_codes = input.text_list("works_with", 500);
            if (partners_given && kind && *kind != workflow::organisation_kind::police) {
                input.add("works_with", "only a police force works with local authorities");
            }
            const auto partners = authorities_named(uow, input, partner_codes);
            finish(input);
            std::string id;
            try {
                id = db::organisations::insert(uow, code, name, *kind);
            } catch (const db::duplicate&) {
                invalid("code", "is already used by another organisation");
            }
            if (!partners.empty()) {
                db::organisations::set_works_with(uow, id, partners);
            }
            auto view = organisation_view_of(uow, *db::organisations::by_code(uow, code));
            audit_success(uow, who, {"organisation.add", "organisation", id},
                          {{"code", code},
                           {"kind", workflow::to_string(*kind)},
                           {"works_with", codes_of(view.works_with)}});
            return view;
        });
}

organisation_view update_organisation(const environment& env, const actor& who,
                                      const std::string& code, const json::object& body) {
    return run_audited(
        env, who, {"organisation.update", "organisation", code}, [&](db::unit_of_work& uow) {
            require_admin(who, "change organisations");
            require_manages(who, code, "change the details");
            const auto before = db::organisations::by_code(uow, code);
            if (!before) {
                throw failure(failure_kind::not_found, "no organisation has the code " + code);
            }
            workflow::input_reader input{body, {"name", "works_with"}};
            const auto name = input.optional_text("name", 200);
            const bool partners_given = body.contains("works_with");
            const auto partner_codes = input.text_list("works_with", 500);
            if (partners_given && before->kind != workflow::organisation_kind::police) {
                input.add("works_with", "only a police force works with local authorities");
            }
            if (body.contains("name") && !name && !input.has_error("name")) {
                input.add("name", "must be given, at most 200 characters");
            }
            const auto partners = authorities_named(uow, input, partner_codes);
            finish(input);
            const auto previous = db::organisations::works_with(uow, before->id);
            if (name) {
                db::organisations::rename(uow, before->id, *name);
            }
            if (partners_given) {
                db::organisations::set_works_with(uow, before->id, partners);
            }
            auto view = organisation_view_of(uow, *db::organisations::by_code(uow, code));
            audit_success(uow, who, {"organisation.update", "organisation", before->id},
                          {{"code", code},
                           {"renamed", name.has_value() && *name != before->name},
                           {"works_with", codes_of(view.works_with)},
                           {"previous_works_with", codes_of(previous)}});
            return view;
        });
}

} // namespace homeward::services
