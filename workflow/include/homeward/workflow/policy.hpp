#pragma once
// Clock rules: when each piece of work on an episode falls due, under a policy held as data.
// The same functions serve the API (an episode's deadlines), the sweeper and the figures.
// Pure functions: the current time is always passed in.

#include "homeward/workflow/types.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::workflow {

enum class clock_kind {
    safe_and_well,         // police safe-and-well check, from return
    interview_offered,     // return interview offered, from return
    interview_held,        // return interview held or declined, from return
    further_offer,         // a further offer after a decline (scotland), from the decline
    follow_up_action,      // each follow-up action, from raising it, due on its own due date
    long_missing,          // still missing, from report, by risk grade
    repeat_missing_review, // multi-agency review after a child's repeat reports
    cse_reassessment,      // CSE risk reassessment (child-level), from an assessment with CSE
                           // risk low or above: an interview or an earlier reassessment
    profile_review,        // review of the child's profile (child-level), from its last recording
};

std::string_view to_string(clock_kind value);
std::optional<clock_kind> parse_clock_kind(std::string_view text);

// Who must act on a clock.
enum class clock_holder { police, social_work, manager_and_champion, action_owner };
clock_holder holder_of(clock_kind kind);
std::string_view to_string(clock_holder value);

struct policy {
    std::string name;
    std::chrono::hours safe_and_well_due{24};
    std::chrono::hours interview_offer_due{24};
    std::chrono::hours interview_held_due{72};
    // Scotland: a refusal is followed by a further offer within this time; unset where none.
    std::optional<std::chrono::hours> further_offer_due;
    std::chrono::hours long_missing_high{6};
    std::chrono::hours long_missing_medium{24};
    std::chrono::hours long_missing_low{72};
    std::chrono::days repeat_window{30};
    int repeat_threshold{3};
    std::chrono::days repeat_review_due{7};
    int cse_reassessment_months{3};
    int profile_review_months{6};
    std::chrono::hours due_soon_window{24};
    // The deployment's time zone (IANA name): the figures' days and months are its days and months.
    std::string time_zone{"Europe/London"};
};

// A policy file or text that cannot be used; what() names the bad key.
class policy_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

policy england_policy();
policy scotland_policy();
// "england" or "scotland"; nullopt for any other name.
std::optional<policy> builtin_policy(std::string_view name);
// A deployment's own policy, from the text of a JSON file. Keys not given take the england
// default; an unknown key, a wrong type or an out-of-range value throws policy_error naming it.
policy parse_policy(std::string_view json_text);

struct action_facts {
    std::string id;
    time_point raised_at;
    time_point due_at;
    std::optional<time_point> done_at; // completed or cancelled
};

// What the clocks of one episode depend on.
struct clock_inputs {
    time_point reported_at;
    risk_level risk{risk_level::medium};
    std::optional<time_point> returned_at;
    std::optional<time_point> safe_and_well_at;
    std::optional<time_point> interview_offered_at;
    std::optional<time_point> interview_held_at;     // conducted
    std::optional<time_point> interview_declined_at; // the child declined
    std::optional<time_point> further_offer_at;      // an offer made after a decline
    std::optional<cse_risk> interview_cse_risk;
    std::vector<action_facts> actions;
    // When the episode was closed or cancelled: its unmet clocks stop then.
    std::optional<time_point> stopped_at;
};

struct deadline {
    clock_kind kind;
    std::string subject; // the action id for follow_up_action, empty otherwise
    time_point starts_at;
    time_point due_at;
    std::optional<time_point> met_at;
    std::optional<time_point> stopped_at;
};

// Every clock of one episode, in a stable order (the order of clock_kind, actions by id). The
// child-level clocks (repeat-missing review, CSE reassessment) outlive the episode and are not
// among them.
std::vector<deadline> episode_deadlines(const policy& rules, const clock_inputs& facts);

enum class clock_status {
    pending,  // not met, due later than the due-soon window
    due_soon, // not met, due within the window (due_at - window <= now < due_at)
    overdue,  // not met, now >= due_at
    met,      // met (in time or late)
    stopped,  // the episode was closed or cancelled before the clock was met
};
std::string_view to_string(clock_status value);
clock_status classify(const deadline& clock, time_point now, const policy& rules);
bool met_late(const deadline& clock);

// Repeat missing, per child: the report times of all the child's episodes (any order).
// recent_reports counts reports in (now - window, now]. The trigger is the earliest report at
// which the count of reports within the window ending there reaches the threshold.
int recent_reports(const policy& rules, std::span<const time_point> reports, time_point now);
std::optional<time_point> repeat_missing_trigger(const policy& rules,
                                                 std::span<const time_point> reports);
deadline repeat_review_deadline(const policy& rules, time_point trigger,
                                std::optional<time_point> review_held_at);

// The CSE reassessment after an assessment (an interview or a reassessment) that found CSE risk
// low or above: due the policy's months later, by the calendar.
deadline cse_reassessment_deadline(const policy& rules, time_point assessed_at);

// The review of a child's profile (the Philomena Protocol): due the policy's months after the
// profile was last recorded, by the calendar.
deadline profile_review_deadline(const policy& rules, time_point recorded_at);

// Calendar-month arithmetic used for the CSE reassessment: the same day of the month, or the
// last day of a shorter month, at the same time of day.
time_point add_months(time_point from, int months);

} // namespace homeward::workflow
