#pragma once
// Vocabulary of the episode workflow: states, events, roles and graded levels.
// Every enumeration has a stable text form; that text (never the numeric value)
// is what is stored in PostgreSQL and sent over the API.

#include <chrono>
#include <optional>
#include <span>
#include <string_view>

namespace homeward::workflow {

// UTC instants with one-second resolution.
using time_point = std::chrono::sys_seconds;

enum class episode_state {
    missing,
    returned,
    interview_offered,
    interviewed,
    follow_up,
    closed,
    cancelled
};

enum class episode_event {
    report,
    regrade_risk,
    record_return,
    safe_and_well,
    assign,
    offer_interview,
    record_interview,
    record_decline,
    raise_action,
    complete_action,
    sign_off,
    close,
    cancel,
    reopen,
};

enum class role { police, social_worker, manager, cse_champion, admin };

// Police risk grade of a missing episode.
enum class risk_level { low, medium, high };

// CSE risk outcome of a return interview (and the suggested level from indicators).
enum class cse_risk { none, low, medium, high };

enum class absence_kind { missing, away };

std::string_view to_string(episode_state value);
std::string_view to_string(episode_event value);
std::string_view to_string(role value);
std::string_view to_string(risk_level value);
std::string_view to_string(cse_risk value);
std::string_view to_string(absence_kind value);

// Parsers accept exactly the text produced by to_string; anything else is nullopt.
std::optional<episode_state> parse_episode_state(std::string_view text);
std::optional<episode_event> parse_episode_event(std::string_view text);
std::optional<role> parse_role(std::string_view text);
std::optional<risk_level> parse_risk_level(std::string_view text);
std::optional<cse_risk> parse_cse_risk(std::string_view text);
std::optional<absence_kind> parse_absence_kind(std::string_view text);

std::span<const episode_state> all_states();
std::span<const episode_event> all_events();
std::span<const role> all_roles();

} // namespace homeward::workflow
