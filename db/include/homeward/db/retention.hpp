#pragma once
// The retention schedule (policy data: the deployment's rule and each authority's own) and the
// anonymising of a child whose records have passed it.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::retention {

// A rule: kept until the child's birthday at keep_until_age, or years_after_last_closed years
// after their last episode closed, whichever is later.
struct policy {
    int keep_until_age{25};
    int years_after_last_closed{6};
    bool authority_own{false}; // the authority set it (else the deployment's rule applies)
    std::optional<time_point> updated_at;
};

// The rule that governs the children an authority is responsible for.
policy policy_of(unit_of_work& uow, std::string_view organisation_id);
// Sets the authority's own rule; false when the organisation is not a local authority.
bool set_policy(unit_of_work& uow, std::string_view organisation_id, const policy& rule,
                std::string_view by, time_point at);

// A child whose records fall due.
struct due_child {
    std::string child_id;
    std::string authority_id;
    std::string authority_code;
    std::chrono::sys_days due_on{};
    std::string rule; // "age" or "after_last_closed"
    bool held{false}; // under a legal hold: kept, not anonymised
    int keep_until_age{0};
    int years_after_last_closed{0};
};

struct due_filter {
    std::chrono::sys_days until{};                 // due on or before this day
    std::optional<std::string> authority_id;       // the responsible authority; all when unset
    std::optional<bool> held;                      // only held (true) or only not held (false)
    std::optional<std::chrono::sys_days> after_on; // keyset cursor: (due_on, child_id) after
    std::optional<std::string> after_child;
    int limit{50};
};
// Children not yet anonymised, no episode open, due by `until`: soonest due first.
std::vector<due_child> due(unit_of_work& uow, const due_filter& f);

// Anonymises the child if, with their row locked, they are still due by `as_of`, not held and not
// anonymised: identifying fields and free text replaced, photo deleted, entity links dropped,
// places kept only as the figures count them. Returns what it did, or nullopt (nothing changed).
struct anonymised {
    due_child child;
    int episodes{0};
};
std::optional<anonymised> anonymise(unit_of_work& uow, std::string_view child_id,
                                    std::chrono::sys_days as_of, time_point at);

} // namespace homeward::db::retention
