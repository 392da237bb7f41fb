#pragma once
// Children: create, read (with their episodes and repeat-missing status), search by name.

#include "homeward/services/environment.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace homeward::services {

boost::json::object create_child(const environment& env, const actor& who,
                                 const boost::json::object& body);
// The child, `episodes` (those the caller may see), `recent_episodes` (reports within the
// policy's repeat window) and `repeat_missing`. Audited as a read of the child's record.
boost::json::object get_child(const environment& env, const actor& who, std::string_view id);
// {items: [...]} of children whose given or family name starts with the query.
boost::json::object search_children(const environment& env, const actor& who,
                                    std::string_view query, int limit);

} // namespace homeward::services
