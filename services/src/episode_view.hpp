#pragma once
// An episode as the caller sees it: its record, actions and clocks, and the events the caller may
// send now. The same function builds it after an event and for a read.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"
#include "homeward/workflow/events.hpp"

#include <vector>

namespace homeward::services {

// What the guards need, from the locked row (before an event) or from the whole record.
workflow::episode_facts facts_of(const db::episode_row& row);
workflow::episode_facts facts_of(const db::episode_record& record,
                                 const std::vector<db::action_record>& actions);

// Every clock of the episode by the policy's rules, with who holds each.
std::vector<db::clock_row> clocks_of(const environment& env, const db::episode_record& record,
                                     const std::vector<db::action_record>& actions);

// Clocks as the API shows them, classified by the policy at `now`.
std::vector<clock_view> clock_views(const environment& env, const std::vector<db::clock_row>& rows,
                                    workflow::time_point now);

episode_view make_view(const environment& env, const actor& who, db::episode_record record,
                       std::vector<db::action_record> actions,
                       const std::vector<db::clock_row>& clocks, workflow::time_point now);

} // namespace homeward::services
