#include "homeward/workflow/types.hpp"

#include "name_table.hpp"

namespace homeward::workflow {
namespace {

constexpr name_table<episode_state, 7> state_names{{
    {episode_state::missing, "missing"},
    {episode_state::returned, "returned"},
    {episode_state::interview_offered, "interview_offered"},
    {episode_state::interviewed, "interviewed"},
    {episode_state::follow_up, "follow_up"},
    {episode_state::closed, "closed"},
    {episode_state::cancelled, "cancelled"},
}};

constexpr name_table<role, 6> role_names{{
    {role::police, "police"},
    {role::social_worker, "social_worker"},
    {role::manager, "manager"},
    {role::cse_champion, "cse_champion"},
    {role::admin, "admin"},
    {role::data_protection_officer, "data_protection_officer"},
}};

constexpr name_table<risk_level, 3> risk_names{{
    {risk_level::low, "low"},
    {risk_level::medium, "medium"},
    {risk_level::high, "high"},
}};

constexpr name_table<cse_risk, 4> cse_names{{
    {cse_risk::none, "none"},
    {cse_risk::low, "low"},
    {cse_risk::medium, "medium"},
    {cse_risk::high, "high"},
}};

constexpr name_table<absence_kind, 2> absence_names{{
    {absence_kind::missing, "missing"},
    {absence_kind::away, "away"},
}};

constexpr name_table<interview_outcome, 2> outcome_names{{
    {interview_outcome::held, "held"},
    {interview_outcome::declined, "declined"},
}};

constexpr name_table<action_type, 7> action_type_names{{
    {action_type::child_protection_referral, "child_protection_referral"},
    {action_type::cse_referral, "cse_referral"},
    {action_type::health, "health"},
    {action_type::education, "education"},
    {action_type::police_intelligence, "police_intelligence"},
    {action_type::safety_plan, "safety_plan"},
    {action_type::multi_agency_meeting, "multi_agency_meeting"},
}};

constexpr name_table<action_status, 3> action_status_names{{
    {action_status::open, "open"},
    {action_status::done, "done"},
    {action_status::cancelled, "cancelled"},
}};

constexpr name_table<organisation_kind, 2> organisation_kind_names{{
    {organisation_kind::police, "police"},
    {organisation_kind::local_authority, "local_authority"},
}};

constexpr name_table<sex, 4> sex_names{{
    {sex::female, "female"},
    {sex::male, "male"},
    {sex::other, "other"},
    {sex::unknown, "unknown"},
}};

constexpr auto state_values = values_of(state_names);
constexpr auto role_values = values_of(role_names);
constexpr auto action_type_values = values_of(action_type_names);

} // namespace

std::string_view to_string(episode_state value) { return name_of(state_names, value); }
std::string_view to_string(role value) { return name_of(role_names, value); }
std::string_view to_string(risk_level value) { return name_of(risk_names, value); }
std::string_view to_string(cse_risk value) { return name_of(cse_names, value); }
std::string_view to_string(absence_kind value) { return name_of(absence_names, value); }
std::string_view to_string(interview_outcome value) { return name_of(outcome_names, value); }
std::string_view to_string(action_type value) { return name_of(action_type_names, value); }
std::string_view to_string(action_status value) { return name_of(action_status_names, value); }
std::string_view to_string(organisation_kind value) {
    return name_of(organisation_kind_names, value);
}
std::string_view to_string(sex value) { return name_of(sex_names, value); }

std::optional<episode_state> parse_episode_state(std::string_view text) {
    return value_of(state_names, text);
}
std::optional<role> parse_role(std::string_view text) { return value_of(role_names, text); }
std::optional<risk_level> parse_risk_level(std::string_view text) {
    return value_of(risk_names, text);
}
std::optional<cse_risk> parse_cse_risk(std::string_view text) { return value_of(cse_names, text); }
std::optional<absence_kind> parse_absence_kind(std::string_view text) {
    return value_of(absence_names, text);
}
std::optional<interview_outcome> parse_interview_outcome(std::string_view text) {
    return value_of(outcome_names, text);
}
std::optional<action_type> parse_action_type(std::string_view text) {
    return value_of(action_type_names, text);
}
std::optional<action_status> parse_action_status(std::string_view text) {
    return value_of(action_status_names, text);
}
std::optional<organisation_kind> parse_organisation_kind(std::string_view text) {
    return value_of(organisation_kind_names, text);
}
std::optional<sex> parse_sex(std::string_view text) { return value_of(sex_names, text); }

std::string_view choices_of(risk_level) {
    static const std::string text = choices_text(risk_names);
    return text;
}
std::string_view choices_of(cse_risk) {
    static const std::string text = choices_text(cse_names);
    return text;
}
std::string_view choices_of(absence_kind) {
    static const std::string text = choices_text(absence_names);
    return text;
}
std::string_view choices_of(action_type) {
    static const std::string text = choices_text(action_type_names);
    return text;
}
std::string_view choices_of(sex) {
    static const std::string text = choices_text(sex_names);
    return text;
}

std::span<const episode_state> all_states() { return state_values; }
std::span<const role> all_roles() { return role_values; }
std::span<const action_type> all_action_types() { return action_type_values; }

bool needs_champion(cse_risk level) { return level == cse_risk::medium || level == cse_risk::high; }

bool is_open(episode_state state) {
    return state != episode_state::closed && state != episode_state::cancelled;
}

} // namespace homeward::workflow
