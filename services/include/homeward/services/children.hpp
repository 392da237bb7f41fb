#pragma once
// Children: create, read (with their episodes and repeat-missing status), search by name.

#include "homeward/services/environment.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace homeward::services {

boost::json::object create_child(const environment& env, const actor& who,
                                 const boost::json::object& body);
// The child, `episodes` (those the caller may see), `recent_episodes` (reports within the
// policy's repeat window) and `repeat_missing`. Audited as a read of the child's record.
boost::json::object get_child(const environment& env, const actor& who, std::string_view id);
// `clocks` lists the child's own clocks (repeat-missing review, CSE reassessment).

// The multi-agency review held after repeat missing (manager, cse_champion): body {held_at,
// notes?}. Meets the child's open review clock; 409 when none is open. Returns the child.
boost::json::object record_repeat_review(const environment& env, const actor& who,
                                         std::string_view id, const boost::json::object& body);
// A CSE risk reassessment (social_worker, manager, cse_champion): body {held_at, cse_risk,
// notes?}. Meets the open reassessment clock; risk low or above opens the next (3 months by
// default); medium or high tells the champion. Returns the child.
boost::json::object record_cse_reassessment(const environment& env, const actor& who,
                                            std::string_view id, const boost::json::object& body);
// {items: [...]} of children whose given or family name starts with the query.
// Children whose given or family name starts with `query`; with `date_of_birth` (YYYY-MM-DD)
// only those born that day.
boost::json::object search_children(const environment& env, const actor& who,
                                    std::string_view query, int limit,
                                    std::optional<std::string> date_of_birth = std::nullopt);

} // namespace homeward::services
