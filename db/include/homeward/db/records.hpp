#pragma once
// Typed rows the repositories read and write. Times are UTC seconds; ids are text (uuid); every
// enumeration is the workflow's own type (stored as its stable text, converted at the edge of db:
// a stored text that names no value is a broken invariant and throws, never a default).

#include "homeward/workflow/events.hpp"
#include "homeward/workflow/types.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace homeward::db {

using time_point = workflow::time_point;
using workflow::absence_kind;
using workflow::action_status;
using workflow::action_type;
using workflow::cse_risk;
using workflow::episode_event;
using workflow::episode_state;
using workflow::interview_outcome;
using workflow::organisation_kind;
using workflow::risk_level;
using workflow::role;

// Whose records a caller may see: the role and organisation, applied in every WHERE.
struct scope {
    role who{role::admin};
    std::string organisation_id;
    std::string user_id;
};

// ---- organisations and users --------------------------------------------------------------

struct organisation_row {
    std::string id;
    std::string code;
    std::string name;
    organisation_kind kind{organisation_kind::local_authority};
};

struct user_row {
    std::string id;
    std::string username;
    role user_role{role::admin};
    std::string organisation_id;
    std::string organisation_code;
    bool active{true};
    std::optional<std::string> team_id;
    std::optional<std::string> team; // its name
    std::optional<std::string> email;
    bool email_alerts{true};
    // Set by an admin's password reset: the user's sessions may only change the password.
    bool must_change_password{false};
    // Until when the account is locked after repeated failed log-ins (unset: never locked).
    std::optional<time_point> locked_until;
    // An admin of every organisation (made only from the command line).
    bool deployment_admin{false};
    // Has confirmed a two-step sign-in enrolment: log-ins need a code from their app.
    bool two_factor_enrolled{false};
};

struct team_row {
    std::string id;
    std::string organisation_id;
    std::string name;
};

// ---- children -----------------------------------------------------------------------------

struct new_child {
    std::string given_name;
    std::string family_name;
    std::chrono::sys_days date_of_birth{};
    workflow::sex child_sex{workflow::sex::unknown};
    bool looked_after{false};
    std::string responsible_authority_id;
    std::optional<std::string> host_authority_id;
    std::optional<std::string> ethnicity;
    std::optional<std::string> placement_type;
    std::string created_by;
};

struct child_record {
    std::string id;
    std::string given_name;
    std::string family_name;
    std::chrono::sys_days date_of_birth{};
    workflow::sex child_sex{workflow::sex::unknown};
    bool looked_after{false};
    std::string responsible_authority_id;
    std::string responsible_authority; // code
    std::optional<std::string> host_authority_id;
    std::optional<std::string> host_authority; // code
    std::optional<std::string> ethnicity;
    std::optional<std::string> placement_type;
    time_point created_at{};
    int version{1};
    std::optional<time_point> anonymised_at; // set once by the retention job

    bool operator==(const child_record&) const = default;
};

// ---- episodes -----------------------------------------------------------------------------

struct new_episode {
    std::string child_id;
    std::string police_force_id;
    std::string responsible_authority_id;
    std::optional<std::string> host_authority_id;
    time_point reported_at{};
    std::string reported_by;
    time_point last_seen_at{};
    std::string last_seen_location;
    std::string circumstances;
    risk_level risk{risk_level::medium};
    std::string police_reference;
    absence_kind absence{absence_kind::missing};
};

// What the workflow's guards and clocks need, as stored (read with the row locked).
struct episode_row {
    std::string id;
    std::string child_id;
    episode_state state{episode_state::missing};
    int version{0};
    std::string police_force_id;
    std::string responsible_authority_id;
    std::optional<std::string> host_authority_id;
    std::optional<std::string> assigned_worker_id;
    risk_level risk{risk_level::medium};
    time_point reported_at{};
    time_point last_seen_at{};
    std::optional<time_point> returned_at;
    std::optional<time_point> safe_and_well_at;
    std::optional<time_point> interview_offered_at;
    std::optional<time_point> further_offer_at;
    std::optional<time_point> signed_off_at;
    std::optional<time_point> closed_at;
    std::optional<time_point> cancelled_at;
    std::optional<interview_outcome> interview;
    std::optional<time_point> interview_at;
    std::optional<cse_risk> interview_cse_risk;
    int open_actions{0};
};

// A list's line: what a list of episodes shows of each.
struct episode_summary {
    std::string id;
    std::string child_id;
    std::string child_given_name;
    std::string child_family_name;
    episode_state state{episode_state::missing};
    int version{1};
    time_point reported_at{};
    time_point last_seen_at{};
    std::string last_seen_location;
    risk_level risk{risk_level::medium};
    absence_kind absence{absence_kind::missing};
    std::optional<time_point> returned_at;
    std::string police_reference;
    std::optional<std::string> assigned_worker_id;
};

struct safe_and_well_record {
    time_point conducted_at{};
    std::string by;
    std::string notes;
    std::optional<std::string> concerns;

    bool operator==(const safe_and_well_record&) const = default;
};

struct offer_record {
    time_point offered_at{};
    time_point scheduled_for{};
    std::optional<std::string> interviewer_id;
    bool independent{false};
    std::optional<time_point> further_offer_at;

    bool operator==(const offer_record&) const = default;
};

struct interview_record {
    interview_outcome outcome{interview_outcome::held};
    time_point conducted_at{};
    std::string recorded_by;
    std::optional<std::string> interviewer_id;
    std::optional<bool> interviewer_independent;
    std::optional<std::string> location;
    std::optional<std::string> where_stayed;
    std::optional<std::string> with_whom;
    std::vector<std::string> push_factors;
    std::vector<std::string> pull_factors;
    std::optional<bool> harm_disclosed;
    std::optional<std::string> harm_details;
    std::vector<std::string> indicators;
    std::optional<int> indicator_score;
    std::optional<cse_risk> suggested_cse_risk;
    std::optional<cse_risk> risk;
    std::optional<std::string> risk_rationale;
    std::optional<std::string> child_views;
    std::optional<std::string> police_intelligence;
    // The child's refusal, kept when an interview is held after it.
    std::optional<time_point> declined_at;
    std::optional<std::string> declined_reason;
    std::optional<std::string> attempts;
    std::optional<std::string> carers_account;

    bool operator==(const interview_record&) const = default;
};

struct sign_off_record {
    time_point signed_off_at{};
    std::string by;
    std::string note;

    bool operator==(const sign_off_record&) const = default;
};

struct action_record {
    std::string id;
    std::string episode_id;
    action_type type{action_type::safety_plan};
    std::string description;
    std::string owner_id;
    std::string raised_by;
    time_point raised_at{};
    time_point due_at{};
    action_status status{action_status::open};
    std::optional<std::string> outcome;
    std::optional<time_point> completed_at;

    bool operator==(const action_record&) const = default;
};

// The whole episode, as its page shows it (who may see which part is the API's to decide).
struct episode_record {
    std::string id;
    episode_state state{episode_state::missing};
    int version{1};
    child_record child;
    std::string police_force_id;
    std::string police_force; // code
    std::string responsible_authority_id;
    std::string responsible_authority; // code
    std::optional<std::string> host_authority_id;
    std::optional<std::string> host_authority; // code
    time_point reported_at{};
    std::string reported_by;
    time_point last_seen_at{};
    std::string last_seen_location;
    std::string circumstances;
    risk_level risk{risk_level::medium};
    std::string police_reference;
    absence_kind absence{absence_kind::missing};
    std::optional<time_point> returned_at;
    std::optional<std::string> found_location;
    std::optional<std::string> returned_to;
    std::optional<std::string> found_by;
    std::optional<safe_and_well_record> safe_and_well;
    std::optional<std::string> assigned_worker_id;
    std::optional<time_point> assigned_at;
    std::optional<offer_record> offer;
    std::optional<interview_record> interview;
    std::optional<sign_off_record> sign_off;
    std::optional<time_point> closed_at;
    std::optional<std::string> close_summary;
    std::optional<time_point> cancelled_at;
    std::optional<std::string> cancel_reason;
    std::optional<time_point> reopened_at;
    std::optional<std::string> reopen_reason;
    time_point updated_at{};
    // Its follow-up actions, oldest first: read in the same statement, so that the page is one
    // consistent moment in one round trip.
    std::vector<action_record> actions;

    bool operator==(const episode_record&) const = default;
};

struct history_record {
    time_point at{};
    std::string actor_id;
    std::string actor_username;
    role actor_role{role::police};
    std::string event; // the stored name: an event's name when it was written
    std::optional<episode_state> from_state;
    episode_state to_state{episode_state::missing};
    int version{1};
    std::string detail_json{"{}"};
};

// ---- clocks -------------------------------------------------------------------------------

struct clock_row {
    std::string kind; // workflow::clock_kind's text
    std::string subject;
    time_point starts_at{};
    time_point due_at{};
    std::optional<time_point> met_at;
    std::optional<time_point> stopped_at;
    std::optional<std::string> holder_organisation_id;
    std::optional<std::string> holder_user_id;
};

struct child_review {
    std::string child_id;
    std::string kind; // repeat_missing_review or cse_reassessment
    time_point held_at{};
    std::optional<cse_risk> risk; // for a reassessment
    std::string notes;
    std::string recorded_by;
};

struct overdue_item {
    std::int64_t clock_id{0};
    std::optional<std::string> episode_id;
    std::string child_id;
    std::string child_given_name;
    std::string child_family_name;
    std::string kind;
    std::optional<std::string> subject;
    time_point due_at{};
    std::optional<std::string> holder_user_id;
    std::optional<std::string> holder_username;
    std::optional<std::string> holder_team;
    std::optional<std::string> authority; // the holder organisation's code
};

// ---- notifications, audit -----------------------------------------------------------------

struct notification {
    std::string organisation_id;
    std::optional<role> recipient_role;
    std::optional<std::string> recipient_user_id;
    std::string kind;
    std::optional<std::string> episode_id;
    std::optional<std::string> child_id;
    std::string title;
    std::string body_json{"{}"};
    std::string dedupe_key;
};

struct notification_item {
    std::string id;
    std::string kind;
    std::string title;
    std::optional<std::string> episode_id;
    std::optional<std::string> child_id;
    std::string body_json{"{}"};
    time_point created_at{};
    bool read{false};
};

struct audit_entry {
    std::string request_id;
    std::optional<std::string> actor_id;
    std::optional<std::string> actor_username;
    std::optional<role> actor_role;
    std::optional<std::string> organisation_id;
    std::string action;
    std::string entity_type;
    std::string entity_id;
    std::string outcome; // success | denied | not_found | invalid | conflict | error
    std::string detail_json{"{}"};
};

struct audit_item {
    std::int64_t id{0};                // the entry's own number, in the order entries were written
    std::optional<std::int64_t> seq{}; // its place in the chain, once the sequencer has chained it
    time_point at{};
    std::optional<std::string> request_id;
    std::optional<std::string> actor_id;
    std::optional<std::string> actor_username;
    std::optional<role> actor_role;
    std::optional<std::string> organisation_id;
    std::string action;
    std::optional<std::string> entity_type;
    std::optional<std::string> entity_id;
    std::string outcome;
    std::string detail_json{"{}"};
};

} // namespace homeward::db
