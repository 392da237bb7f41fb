#pragma once
// Children: create, read (with their episodes and repeat-missing status), search by name, and the
// child's own reviews (the multi-agency review after repeat missing, CSE reassessments).

#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace homeward::services {

child_record create_child(const environment& env, const actor& who,
                          const boost::json::object& body);
// Audited as a read of the child's record.
child_view get_child(const environment& env, const actor& who, std::string_view id);

// The multi-agency review held after repeat missing (manager, cse_champion): body {held_at,
// notes?}. Meets the child's open review clock; 409 when none is open. Returns the child.
child_view record_repeat_review(const environment& env, const actor& who, std::string_view id,
                                const boost::json::object& body);
// A CSE risk reassessment (social_worker, manager, cse_champion): body {held_at, cse_risk,
// notes?}. Meets the open reassessment clock; risk low or above opens the next (3 months by
// default); medium or high tells the champion. Returns the child.
child_view record_cse_reassessment(const environment& env, const actor& who, std::string_view id,
                                   const boost::json::object& body);
// Children whose given or family name starts with the query; with a date of birth (YYYY-MM-DD),
// only those born that day.
page<child_record> search_children(const environment& env, const actor& who, std::string_view query,
                                   int limit, const std::optional<std::string>& date_of_birth = {});
// Every child in the caller's scope, a page at a time in id order (the CSV export): police the
// children their force has reported, the authority roles those it is responsible for or hosts.
page<child_record> children_in_scope(const environment& env, const actor& who, int limit,
                                     const std::optional<std::string>& cursor);

// Children whose latest CSE assessment found one of these levels (a comma-separated list of
// none, low, medium, high), most recently assessed first.
page<child_at_risk> children_at_risk(const environment& env, const actor& who,
                                     const std::string& levels, int limit);

} // namespace homeward::services
