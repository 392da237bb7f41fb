#pragma once
// Vocabulary of the episode workflow: states, roles and graded levels, and the other enumerations
// that records carry. Every enumeration has a stable text form; that text (never the numeric
// value) is what is stored in PostgreSQL and sent over the API. The events are in events.hpp.

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

// data_protection_officer: sees who read or changed a child's record, answers subject-access
// requests and holds a child's records against the retention schedule; no other case work.
enum class role { police, social_worker, manager, cse_champion, admin, data_protection_officer };

// Police risk grade of a missing episode.
enum class risk_level { low, medium, high };

// CSE risk outcome of a return interview (and the suggested level from indicators).
enum class cse_risk { none, low, medium, high };

enum class absence_kind { missing, away };

// How the return interview ended: held, or declined by the child.
enum class interview_outcome { held, declined };

enum class action_type {
    child_protection_referral,
    cse_referral,
    health,
    education,
    police_intelligence,
    safety_plan,
    multi_agency_meeting
};

enum class action_status { open, done, cancelled };

enum class organisation_kind { police, local_authority };

enum class sex { female, male, other, unknown };

std::string_view to_string(episode_state value);
std::string_view to_string(role value);
std::string_view to_string(risk_level value);
std::string_view to_string(cse_risk value);
std::string_view to_string(absence_kind value);
std::string_view to_string(interview_outcome value);
std::string_view to_string(action_type value);
std::string_view to_string(action_status value);
std::string_view to_string(organisation_kind value);
std::string_view to_string(sex value);

// Parsers accept exactly the text produced by to_string; anything else is nullopt.
std::optional<episode_state> parse_episode_state(std::string_view text);
std::optional<role> parse_role(std::string_view text);
std::optional<risk_level> parse_risk_level(std::string_view text);
std::optional<cse_risk> parse_cse_risk(std::string_view text);
std::optional<absence_kind> parse_absence_kind(std::string_view text);
std::optional<interview_outcome> parse_interview_outcome(std::string_view text);
std::optional<action_type> parse_action_type(std::string_view text);
std::optional<action_status> parse_action_status(std::string_view text);
std::optional<organisation_kind> parse_organisation_kind(std::string_view text);
std::optional<sex> parse_sex(std::string_view text);

// The accepted texts, comma-separated, for messages ("low, medium, high").
std::string_view choices_of(risk_level);
std::string_view choices_of(cse_risk);
std::string_view choices_of(absence_kind);
std::string_view choices_of(action_type);
std::string_view choices_of(sex);

std::span<const episode_state> all_states();
std::span<const role> all_roles();
std::span<const action_type> all_action_types();

// The rule of domain.md, in one place: closing an episode whose interview found CSE risk medium or
// high needs the CSE champion's sign-off first (and the champion is told of such an interview).
bool needs_champion(cse_risk level);
// An open episode: neither closed nor cancelled.
bool is_open(episode_state state);

} // namespace homeward::workflow
