#include "homeward/services/administration.hpp"

#include "use_case.hpp"

#include "homeward/db/organisations.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/passwords.hpp"

#include <algorithm>

namespace homeward::services {
namespace {

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

void invalid(std::string field, std::string message) {
    const std::string detail = field + " " + message;
    throw failure(failure_kind::invalid_input, detail, {{std::move(field), std::move(message)}});
}

} // namespace

std::string add_organisation(const environment& env, std::string_view code, std::string_view name,
                             std::string_view kind, std::string_view request_id) {
    if (!valid_code(code)) {
        invalid("code", "must be 2 to 32 of A-Z, 0-9, _ and -, starting with a letter or digit");
    }
    if (name.find_first_not_of(" \t") == std::string_view::npos || name.size() > 200) {
        invalid("name", "must be given, at most 200 characters");
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
                     const std::optional<std::string>& email) {
    const auto parsed_role = workflow::parse_role(role);
    if (team && (team->find_first_not_of(" \t") == std::string::npos || team->size() > 100 ||
                 !workflow::is_clean_text(*team))) {
        invalid("team", "must be a name of 1 to 100 characters");
    }
    if (email && (email->size() > 254 || email->find('@') == std::string::npos ||
                  email->find_first_of(" \t\r\n<>,;") != std::string::npos)) {
        invalid("email", "must be an email address, e.g. jo.bloggs@council.example");
    }
    if (username.empty() || username.size() > 128 ||
        username.find_first_of(" \t\r\n") != std::string_view::npos) {
        invalid("username", "must be 1 to 128 characters without spaces");
    }
    if (!parsed_role) {
        invalid("role", "must be one of police, social_worker, manager, cse_champion, admin, "
                        "data_protection_officer");
    }
    if (password.size() < 12) {
        invalid("password", "must be at least 12 characters");
    }
    if (password.size() > 1024) {
        invalid("password", "must be at most 1024 characters");
    }
    const std::string hash = hash_password(password);
    std::string id;
    const audit_target target{"user.add", "user", std::string{username}};
    run_audited(env, system_actor(request_id), target, [&](db::unit_of_work& uow) {
        const auto organisation = db::organisations::by_code(uow, organisation_code);
        if (!organisation) {
            invalid("org", "no organisation has the code " + std::string{organisation_code});
        }
        const bool police_role = *parsed_role == workflow::role::police;
        const bool police_org = organisation->kind == workflow::organisation_kind::police;
        if (*parsed_role != workflow::role::admin && police_role != police_org) {
            invalid("role", police_role ? "police users belong to a police force"
                                        : "this role belongs to a local authority");
        }
        try {
            const auto team_id =
                team ? std::optional{db::teams::ensure(uow, organisation->id, *team)}
                     : std::nullopt;
            id = db::users::insert(uow, username, hash, *parsed_role, organisation->id, team_id,
                                   email);
        } catch (const db::duplicate&) {
            invalid("username", "is already taken");
        }
        audit_success(uow, system_actor(request_id), {target.action, target.entity_type, id},
                      {{"username", username}, {"role", role}, {"org", organisation_code}});
    });
    return id;
}

} // namespace homeward::services
