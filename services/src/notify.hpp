#pragma once
// Who is told what: notifications in Homeward's inbox (each also queued for the organisation's
// webhook, in the same statement), raised inside the transaction of the change that caused them.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace homeward::services {

// The child's responsible authority and, for a child placed across a boundary, the host authority.
void notify_authorities(db::unit_of_work& uow, const db::episode_row& episode,
                        std::string_view kind, std::string_view title, boost::json::object body);

// The CSE champion of the child's responsible authority.
void notify_champion(db::unit_of_work& uow, const std::string& authority_id,
                     const std::optional<std::string>& episode_id,
                     const std::optional<std::string>& child_id, std::string_view kind,
                     std::string_view title, const boost::json::object& body,
                     const std::string& dedupe_key);

} // namespace homeward::services
