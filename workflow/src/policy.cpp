#include "homeward/workflow/policy.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace homeward::workflow {
namespace {

constexpr std::array<std::pair<clock_kind, std::string_view>, 9> clock_kind_names{{
    {clock_kind::safe_and_well, "safe_and_well"},
    {clock_kind::interview_offered, "interview_offered"},
    {clock_kind::interview_held, "interview_held"},
    {clock_kind::further_offer, "further_offer"},
    {clock_kind::follow_up_action, "follow_up_action"},
    {clock_kind::long_missing, "long_missing"},
    {clock_kind::repeat_missing_review, "repeat_missing_review"},
    {clock_kind::cse_reassessment, "cse_reassessment"},
    {clock_kind::profile_review, "profile_review"},
}};

// The earliest of the instants that are set; nullopt when none is.
std::optional<time_point> earliest(std::initializer_list<std::optional<time_point>> candidates) {
    std::optional<time_point> result;
    for (const auto& candidate : candidates) {
        if (candidate && (!result || *candidate < *result)) {
            result = candidate;
        }
    }
    return result;
}

std::chrono::hours long_missing_due(const policy& rules, risk_level risk) {
    switch (risk) {
    case risk_level::high:
        return rules.long_missing_high;
    case risk_level::medium:
        return rules.long_missing_medium;
    case risk_level::low:
        return rules.long_missing_low;
    }
    return rules.long_missing_high; // unreachable for valid enum values; the strictest grade
}

deadline make_clock(clock_kind kind, time_point starts_at, time_point due_at,
                    std::optional<time_point> met_at) {
    return deadline{kind, std::string{}, starts_at, due_at, met_at, std::nullopt};
}

} // namespace

std::string_view to_string(clock_kind value) {
    for (const auto& [kind, name] : clock_kind_names) {
        if (kind == value) {
            return name;
        }
    }
    return "unknown";
}

std::optional<clock_kind> parse_clock_kind(std::string_view text) {
    for (const auto& [kind, name] : clock_kind_names) {
        if (name == text) {
            return kind;
        }
    }
    return std::nullopt;
}

clock_holder holder_of(clock_kind kind) {
    switch (kind) {
    case clock_kind::safe_and_well:
    case clock_kind::long_missing:
        return clock_holder::police;
    case clock_kind::interview_offered:
    case clock_kind::interview_held:
    case clock_kind::further_offer:
    case clock_kind::cse_reassessment:
    case clock_kind::profile_review:
        return clock_holder::social_work;
    case clock_kind::repeat_missing_review:
        return clock_holder::manager_and_champion;
    case clock_kind::follow_up_action:
        return clock_holder::action_owner;
    }
    return clock_holder::manager_and_champion; // unreachable for valid enum values
}

std::string_view to_string(clock_holder value) {
    switch (value) {
    case clock_holder::police:
        return "police";
    case clock_holder::social_work:
        return "social_work";
    case clock_holder::manager_and_champion:
        return "manager_and_champion";
    case clock_holder::action_owner:
        return "action_owner";
    }
    return "unknown";
}

std::string_view to_string(clock_status value) {
    switch (value) {
    case clock_status::pending:
        return "pending";
    case clock_status::due_soon:
        return "due_soon";
    case clock_status::overdue:
        return "overdue";
    case clock_status::met:
        return "met";
    case clock_status::stopped:
        return "stopped";
    }
    return "unknown";
}

policy england_policy() {
    policy rules;
    rules.name = "england";
    return rules;
}

policy scotland_policy() {
    policy rules;
    rules.name = "scotland";
    rules.interview_offer_due = std::chrono::hours{72};
    rules.interview_held_due = std::chrono::hours{168};
    rules.further_offer_due = std::chrono::hours{72};
    return rules;
}

std::optional<policy> builtin_policy(std::string_view name) {
    if (name == "england") {
        return england_policy();
    }
    if (name == "scotland") {
        return scotland_policy();
    }
    return std::nullopt;
}

std::vector<deadline> episode_deadlines(const policy& rules, const clock_inputs& facts) {
    std::vector<deadline> clocks;

    if (facts.returned_at) {
        const time_point returned = *facts.returned_at;
        clocks.push_back(make_clock(clock_kind::safe_and_well, returned,
                                    returned + rules.safe_and_well_due, facts.safe_and_well_at));
        // An interview held (or declined) without a formal offer satisfies the offer.
        clocks.push_back(make_clock(clock_kind::interview_offered, returned,
                                    returned + rules.interview_offer_due,
                                    earliest({facts.interview_offered_at, facts.interview_held_at,
                                              facts.interview_declined_at})));
        clocks.push_back(
            make_clock(clock_kind::interview_held, returned, returned + rules.interview_held_due,
                       earliest({facts.interview_held_at, facts.interview_declined_at})));
    }

    if (facts.interview_declined_at && rules.further_offer_due) {
        const time_point declined = *facts.interview_declined_at;
        // An interview held after the decline makes a further offer moot.
        std::optional<time_point> held_after_decline;
        if (facts.interview_held_at && *facts.interview_held_at >= declined) {
            held_after_decline = facts.interview_held_at;
        }
        clocks.push_back(make_clock(clock_kind::further_offer, declined,
                                    declined + *rules.further_offer_due,
                                    earliest({facts.further_offer_at, held_after_decline})));
    }

    std::vector<const action_facts*> actions;
    actions.reserve(facts.actions.size());
    for (const auto& action : facts.actions) {
        actions.push_back(&action);
    }
    std::stable_sort(
        actions.begin(), actions.end(),
        [](const action_facts* left, const action_facts* right) { return left->id < right->id; });
    for (const action_facts* action : actions) {
        deadline clock = make_clock(clock_kind::follow_up_action, action->raised_at, action->due_at,
                                    action->done_at);
        clock.subject = action->id;
        clocks.push_back(std::move(clock));
    }

    // The due time follows the current risk grade.
    clocks.push_back(make_clock(clock_kind::long_missing, facts.reported_at,
                                facts.reported_at + long_missing_due(rules, facts.risk),
                                facts.returned_at));

    if (facts.stopped_at) {
        for (auto& clock : clocks) {
            if (!clock.met_at || *clock.met_at > *facts.stopped_at) {
                clock.met_at.reset();
                clock.stopped_at = facts.stopped_at;
            }
        }
    }
    return clocks;
}

clock_status classify(const deadline& clock, time_point now, const policy& rules) {
    if (clock.met_at) {
        return clock_status::met;
    }
    if (clock.stopped_at) {
        return clock_status::stopped;
    }
    if (now >= clock.due_at) {
        return clock_status::overdue;
    }
    if (now >= clock.due_at - rules.due_soon_window) {
        return clock_status::due_soon;
    }
    return clock_status::pending;
}

bool met_late(const deadline& clock) { return clock.met_at && *clock.met_at > clock.due_at; }

int recent_reports(const policy& rules, std::span<const time_point> reports, time_point now) {
    const time_point window_start = now - rules.repeat_window;
    const auto count = std::count_if(reports.begin(), reports.end(), [&](time_point report) {
        return report > window_start && report <= now;
    });
    return static_cast<int>(count);
}

std::optional<time_point> repeat_missing_trigger(const policy& rules,
                                                 std::span<const time_point> reports) {
    std::vector<time_point> sorted(reports.begin(), reports.end());
    std::sort(sorted.begin(), sorted.end());
    for (const time_point report : sorted) {
        if (recent_reports(rules, sorted, report) >= rules.repeat_threshold) {
            return report;
        }
    }
    return std::nullopt;
}

deadline repeat_review_deadline(const policy& rules, time_point trigger,
                                std::optional<time_point> review_held_at) {
    return make_clock(clock_kind::repeat_missing_review, trigger, trigger + rules.repeat_review_due,
                      review_held_at);
}

deadline cse_reassessment_deadline(const policy& rules, time_point assessed_at) {
    return make_clock(clock_kind::cse_reassessment, assessed_at,
                      add_months(assessed_at, rules.cse_reassessment_months), std::nullopt);
}

deadline profile_review_deadline(const policy& rules, time_point recorded_at) {
    return make_clock(clock_kind::profile_review, recorded_at,
                      add_months(recorded_at, rules.profile_review_months), std::nullopt);
}

time_point add_months(time_point from, int months) {
    const auto day_start = std::chrono::floor<std::chrono::days>(from);
    const auto time_of_day = from - day_start;
    const std::chrono::year_month_day date{day_start};
    const std::chrono::year_month target = date.year() / date.month() + std::chrono::months{months};
    const std::chrono::day last_day =
        std::chrono::year_month_day_last{target / std::chrono::last}.day();
    const std::chrono::year_month_day result{target / std::min(date.day(), last_day)};
    return time_point{std::chrono::sys_days{result}} + time_of_day;
}

} // namespace homeward::workflow
