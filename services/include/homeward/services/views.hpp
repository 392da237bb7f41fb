#pragma once
// What the use cases answer with: typed records and views, written as JSON (or CSV) by the API in
// one place. Each view says for whom it was made (`audience`), so that the writer can leave out
// what that role may not read (police never read the child's own account).

#include "homeward/db/children.hpp"
#include "homeward/db/outbox.hpp"
#include "homeward/db/privacy.hpp"
#include "homeward/db/records.hpp"
#include "homeward/workflow/events.hpp"
#include "homeward/workflow/policy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace homeward::services {

using db::action_record;
using db::audit_item;
using db::child_record;
using db::delivery_item;
using db::episode_record;
using db::episode_summary;
using db::history_record;
using db::interview_record;
using db::notification_item;
using db::overdue_item;
using db::team_row;
using db::user_row;
using db::webhook_row;
using db::children::child_at_risk;
using workflow::time_point;

// A clock as its holder sees it, classified at the time it was read.
struct clock_view {
    std::string kind;
    std::optional<std::string> subject; // the action's id for a follow-up action's clock
    time_point starts_at{};
    time_point due_at{};
    std::optional<time_point> met_at;
    workflow::clock_status status{workflow::clock_status::pending};
    std::optional<std::string> holder_user_id;
};

struct episode_view {
    episode_record episode;
    std::vector<action_record> actions;
    std::vector<clock_view> deadlines;
    std::vector<workflow::episode_event> allowed_events; // for the caller, now
    workflow::role audience{workflow::role::police};
};

// An event's answer: the episode after it, and the action it raised, if it raised one.
struct event_result {
    episode_view episode;
    std::optional<action_record> created_action;
};

struct history_view {
    std::vector<history_record> items;
    workflow::role audience{workflow::role::police};
};

struct child_view {
    child_record child;
    std::vector<episode_summary> episodes; // those the caller may see, newest first
    int recent_episodes{0};                // reports within the policy's repeat window
    bool repeat_missing{false};
    int repeat_window_days{0};
    std::vector<clock_view> clocks; // the child's own: repeat-missing review, CSE reassessment
    std::vector<db::child_review> reviews; // multi-agency reviews and reassessments, newest first
    std::optional<db::privacy::legal_hold> legal_hold; // the retention schedule passes them by
};

// A page of a list, and where the next one starts (unset on the last page).
template <typename Item>
struct page {
    std::vector<Item> items;
    std::optional<std::string> next_cursor;
};

struct session_view {
    std::string token;
    time_point expires_at{};
    long long idle_timeout_seconds{0};
    user_row user;
    // The session may only enrol in two-step sign-in (HOMEWARD_TWO_FACTOR=required).
    bool enrolment_required{false};
};

} // namespace homeward::services
