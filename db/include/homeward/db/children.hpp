#pragma once
// Children, in the caller's scope.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::children {

std::string insert(unit_of_work& uow, const new_child& child);
// The child just inserted, read back in the transaction that inserted it, without a scope: its
// creator may not see it through theirs yet (police see a child once their force reported it).
child_record inserted(unit_of_work& uow, std::string_view child_id);
// The child, or nullopt when there is none in the caller's scope.
std::optional<child_record> find(unit_of_work& uow, std::string_view child_id, const scope& who);
// The child's episodes the caller may see, newest first.
std::vector<episode_summary> episodes_of(unit_of_work& uow, std::string_view child_id,
                                         const scope& who);
// Every report time of the child (all episodes but cancelled ones, whoever reported them): the
// repeat count.
std::vector<time_point> report_times(unit_of_work& uow, std::string_view child_id);
// Children whose given or family name starts with the text (case apart), by family name; with a
// date of birth, only children born that day.
std::vector<child_record> search(unit_of_work& uow, std::string_view prefix, const scope& who,
                                 int limit, std::optional<std::chrono::sys_days> born = {});

// Every child in scope, in id order, `limit` after the one with `after_id` (the CSV export).
std::vector<child_record> in_scope(unit_of_work& uow, const scope& who,
                                   const std::optional<std::string>& after_id, int limit);

// Police reporting a child their force has not reported before: children born on that day whose
// family name, or given and family name, is the name given (case and outer spaces apart). No
// scope: the exact name and date of birth are the police's reason to see the child. A
// data-protection officer's lookup passes their authority: only the children it is responsible for.
std::vector<child_record> lookup(unit_of_work& uow, std::string_view name,
                                 std::chrono::sys_days born, int limit,
                                 const std::optional<std::string>& responsible_authority_id = {});
// The child, locked against a concurrent report of them (so that a repeat-missing count sees
// every report before it), whoever may see them; nullopt when there is no such child.
std::optional<child_record> lock_for_report(unit_of_work& uow, std::string_view child_id);

// A child with the CSE risk their latest assessment found (an interview held or a reassessment).
struct child_at_risk {
    child_record child;
    cse_risk risk{cse_risk::none};
    time_point assessed_at{};
};
// Children in scope whose latest assessment found one of these levels, most recent first.
std::vector<child_at_risk> at_risk(unit_of_work& uow, const scope& who,
                                   const std::vector<cse_risk>& levels, int limit);
// The child's reviews (multi-agency reviews and CSE reassessments), newest first.
std::vector<child_review> reviews(unit_of_work& uow, std::string_view child_id);

} // namespace homeward::db::children
