#include "homeward/workflow/types.hpp"

#include <array>
#include <utility>

namespace homeward::workflow {
namespace {

template <typename Enum, std::size_t N>
using name_table = std::array<std::pair<Enum, std::string_view>, N>;

constexpr name_table<episode_state, 7> state_names{{
    {episode_state::missing, "missing"},
    {episode_state::returned, "returned"},
    {episode_state::interview_offered, "interview_offered"},
    {episode_state::interviewed, "interviewed"},
    {episode_state::follow_up, "follow_up"},
    {episode_state::closed, "closed"},
    {episode_state::cancelled, "cancelled"},
}};

constexpr name_table<episode_event, 14> event_names{{
    {episode_event::report, "report"},
    {episode_event::regrade_risk, "risk"},
    {episode_event::record_return, "return"},
    {episode_event::safe_and_well, "safe-and-well"},
    {episode_event::assign, "assign"},
    {episode_event::offer_interview, "interview-offer"},
    {episode_event::record_interview, "interview"},
    {episode_event::record_decline, "interview-declined"},
    {episode_event::raise_action, "actions"},
    {episode_event::complete_action, "action-complete"},
    {episode_event::sign_off, "sign-off"},
    {episode_event::close, "close"},
    {episode_event::cancel, "cancel"},
    {episode_event::reopen, "reopen"},
}};

constexpr name_table<role, 5> role_names{{
    {role::police, "police"},
    {role::social_worker, "social_worker"},
    {role::manager, "manager"},
    {role::cse_champion, "cse_champion"},
    {role::admin, "admin"},
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

template <typename Enum, std::size_t N>
std::string_view name_of(const name_table<Enum, N>& table, Enum value) {
    for (const auto& [candidate, name] : table) {
        if (candidate == value) {
            return name;
        }
    }
    return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const name_table<Enum, N>& table, std::string_view text) {
    for (const auto& [candidate, name] : table) {
        if (name == text) {
            return candidate;
        }
    }
    return std::nullopt;
}

template <typename Enum, std::size_t N>
constexpr std::array<Enum, N> values_of(const name_table<Enum, N>& table) {
    std::array<Enum, N> values{};
    for (std::size_t i = 0; i < N; ++i) {
        values[i] = table[i].first;
    }
    return values;
}

constexpr auto state_values = values_of(state_names);
constexpr auto event_values = values_of(event_names);
constexpr auto role_values = values_of(role_names);

} // namespace

std::string_view to_string(episode_state value) { return name_of(state_names, value); }
std::string_view to_string(episode_event value) { return name_of(event_names, value); }
std::string_view to_string(role value) { return name_of(role_names, value); }
std::string_view to_string(risk_level value) { return name_of(risk_names, value); }
std::string_view to_string(cse_risk value) { return name_of(cse_names, value); }
std::string_view to_string(absence_kind value) { return name_of(absence_names, value); }

std::optional<episode_state> parse_episode_state(std::string_view text) {
    return value_of(state_names, text);
}
std::optional<episode_event> parse_episode_event(std::string_view text) {
    return value_of(event_names, text);
}
std::optional<role> parse_role(std::string_view text) { return value_of(role_names, text); }
std::optional<risk_level> parse_risk_level(std::string_view text) {
    return value_of(risk_names, text);
}
std::optional<cse_risk> parse_cse_risk(std::string_view text) { return value_of(cse_names, text); }
std::optional<absence_kind> parse_absence_kind(std::string_view text) {
    return value_of(absence_names, text);
}

std::span<const episode_state> all_states() { return state_values; }
std::span<const episode_event> all_events() { return event_values; }
std::span<const role> all_roles() { return role_values; }

} // namespace homeward::workflow
