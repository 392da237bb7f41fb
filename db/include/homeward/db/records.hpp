#pragma once
// Typed rows the repositories read and write. Times are UTC seconds; ids are text (uuid).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace homeward::db {

using time_point = std::chrono::sys_seconds;

// Whose records a caller may see: the role and organisation, applied in every WHERE.
struct scope {
    std::string role;
    std::string organisation_id;
    std::string user_id;
};

struct organisation_row {
    std::string id;
    std::string code;
    std::string name;
    std::string kind;
};

struct user_row {
    std::string id;
    std::string username;
    std::string password_hash;
    std::string role;
    std::string organisation_id;
    std::string organisation_code;
    bool active{true};
};

struct new_child {
    std::string given_name;
    std::string family_name;
    std::string date_of_birth; // YYYY-MM-DD
    std::string sex;
    bool looked_after{false};
    std::string responsible_authority_id;
    std::optional<std::string> host_authority_id;
    std::optional<std::string> ethnicity;
    std::optional<std::string> placement_type;
    std::string created_by;
};

struct child_authorities {
    std::string responsible_authority_id;
    std::optional<std::string> host_authority_id;
};

struct new_episode {
    std::string child_id;
    std::string police_force_id;
    child_authorities authorities;
    time_point reported_at;
    std::string reported_by;
    time_point last_seen_at;
    std::string last_seen_location;
    std::string circumstances;
    std::string risk_level;
    std::string police_reference;
    std::string absence_kind;
};

// What the workflow's guards and clocks need, as stored.
struct episode_row {
    std::string id;
    std::string child_id;
    std::string state;
    int version{0};
    std::string police_force_id;
    std::string responsible_authority_id;
    std::optional<std::string> host_authority_id;
    std::optional<std::string> assigned_worker_id;
    std::string risk_level;
    time_point reported_at;
    time_point last_seen_at;
    std::optional<time_point> returned_at;
    std::optional<time_point> safe_and_well_at;
    std::optional<time_point> interview_offered_at;
    std::optional<time_point> further_offer_at;
    std::optional<time_point> signed_off_at;
    std::optional<time_point> closed_at;
    std::optional<time_point> cancelled_at;
    std::optional<std::string> interview_outcome; // held | declined
    std::optional<time_point> interview_at;
    std::optional<std::string> interview_cse_risk;
    int open_actions{0};
};

struct action_row {
    std::string id;
    std::string episode_id;
    std::string owner_id;
    std::string status;
    time_point raised_at;
    time_point due_at;
    std::optional<time_point> completed_at;
};

struct interview_record {
    std::string outcome; // held | declined
    time_point conducted_at;
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
    std::optional<std::string> cse_risk;
    std::optional<std::string> suggested_cse_risk;
    std::optional<int> indicator_score;
    std::optional<std::string> risk_rationale;
    std::optional<std::string> child_views;
    std::optional<std::string> police_intelligence;
    std::optional<std::string> declined_reason;
    std::optional<std::string> attempts;
    std::optional<std::string> carers_account;
    std::vector<std::string> indicators;
};

struct clock_row {
    std::string kind;
    std::string subject;
    time_point starts_at;
    time_point due_at;
    std::optional<time_point> met_at;
    std::optional<time_point> stopped_at;
    std::optional<std::string> holder_organisation_id;
    std::optional<std::string> holder_user_id;
};

struct child_review {
    std::string child_id;
    std::string kind; // repeat_missing_review or cse_reassessment
    time_point held_at;
    std::optional<std::string> cse_risk; // for a reassessment
    std::string notes;
    std::string recorded_by;
};

struct audit_entry {
    std::string request_id;
    std::optional<std::string> actor_id;
    std::optional<std::string> actor_username;
    std::optional<std::string> actor_role;
    std::optional<std::string> organisation_id;
    std::string action;
    std::string entity_type;
    std::string entity_id;
    std::string outcome; // success | denied | not_found | invalid | conflict | error
    std::string detail_json{"{}"};
};

struct notification {
    std::string organisation_id;
    std::optional<std::string> recipient_role;
    std::optional<std::string> recipient_user_id;
    std::string kind;
    std::optional<std::string> episode_id;
    std::optional<std::string> child_id;
    std::string title;
    std::string body_json{"{}"};
    std::string dedupe_key;
};

} // namespace homeward::db
