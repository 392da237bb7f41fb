#include "account_rules.hpp"

#include "homeward/services/passwords.hpp"
#include "homeward/workflow/input.hpp"

namespace homeward::services {

std::optional<std::string> username_problem(std::string_view username) {
    if (username.empty() || username.size() > 128 ||
        username.find_first_of(" \t\r\n") != std::string_view::npos ||
        !workflow::is_clean_text(username)) {
        return "must be 1 to 128 characters without spaces";
    }
    return std::nullopt;
}

std::optional<std::string> team_problem(std::string_view team) {
    if (team.find_first_not_of(" \t") == std::string_view::npos || team.size() > 100 ||
        !workflow::is_clean_text(team)) {
        return "must be a name of 1 to 100 characters";
    }
    return std::nullopt;
}

std::optional<std::string> email_problem(std::string_view address) {
    const auto at = address.find('@');
    const bool plausible = address.size() <= 254 && at != std::string_view::npos && at > 0 &&
                           at + 1 < address.size() &&
                           address.find('@', at + 1) == std::string_view::npos &&
                           address.find_first_of(" \t\r\n<>,;") == std::string_view::npos;
    if (!plausible) {
        return "must be an email address, e.g. jo.bloggs@council.example";
    }
    return std::nullopt;
}

std::optional<std::string> password_problem(std::string_view password) {
    if (password.size() < 12) {
        return "must be at least 12 characters";
    }
    if (password.size() > 1024) {
        return "must be at most 1024 characters";
    }
    if (!workflow::is_clean_text(password)) {
        return "must be text (UTF-8, without NUL)";
    }
    return std::nullopt;
}

std::optional<std::string> role_problem(workflow::role role, workflow::organisation_kind kind) {
    const bool police_role = role == workflow::role::police;
    const bool police_org = kind == workflow::organisation_kind::police;
    if (role != workflow::role::admin && police_role != police_org) {
        return police_role ? "police users belong to a police force"
                           : "this role belongs to a local authority";
    }
    return std::nullopt;
}

std::string_view role_choices() {
    static const std::string text = [] {
        std::string names;
        for (const auto role : workflow::all_roles()) {
            names += (names.empty() ? "" : ", ") + std::string{workflow::to_string(role)};
        }
        return names;
    }();
    return text;
}

std::string temporary_password() { return new_token().substr(0, 16); }

} // namespace homeward::services
