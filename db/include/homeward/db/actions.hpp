#pragma once
// Follow-up actions of an episode.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::actions {

struct new_action {
    std::string episode_id;
    action_type type{action_type::safety_plan};
    std::string description;
    std::string owner_id;
    std::string raised_by;
    time_point raised_at{};
    time_point due_at{};
};
std::string insert(unit_of_work& uow, const new_action& action);
std::optional<action_record> find(unit_of_work& uow, std::string_view episode_id,
                                  std::string_view action_id);
// The episode's actions, oldest first.
std::vector<action_record> of_episode(unit_of_work& uow, std::string_view episode_id);
// Done with its outcome, or cancelled with the reason (status done or cancelled), by whom and when.
void finish(unit_of_work& uow, std::string_view action_id, action_status status,
            std::string_view outcome, std::string_view by, time_point at);
// An open action given to another owner.
void reassign(unit_of_work& uow, std::string_view action_id, std::string_view owner_id);

} // namespace homeward::db::actions
