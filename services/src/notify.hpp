#pragma once
// Who is told what: notifications in Homeward's inbox (each also queued for the organisation's
// webhook, in the same statement), raised inside the transaction of the change that caused them.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::services {

// The child's responsible authority and, for a child placed across a boundary, the host
// authority: the host is told everything the responsible authority is told.
std::vector<std::string> authorities_of(const std::string& responsible,
                                        const std::optional<std::string>& host);

// Everyone of both authorities (as authorities_of gives them).
void notify_authorities(db::unit_of_work& uow, const db::episode_row& episode,
                        std::string_view kind, std::string_view title, boost::json::object body);

// The CSE champion of each of these authorities; the dedupe key is the first's, and the others'
// have their organisation's id after it.
void notify_champions(db::unit_of_work& uow, const std::vector<std::string>& authorities,
                      const std::optional<std::string>& episode_id,
                      const std::optional<std::string>& child_id, std::string_view kind,
                      std::string_view title, const boost::json::object& body,
                      const std::string& dedupe_key);

// One user, about one of the episode's pieces of work (an episode or an action now theirs).
void notify_user(db::unit_of_work& uow, const db::episode_row& episode, const std::string& user_id,
                 std::string_view kind, std::string_view title, boost::json::object body,
                 const std::string& dedupe_key);

// The CSE champion of one authority.
void notify_champion(db::unit_of_work& uow, const std::string& authority_id,
                     const std::optional<std::string>& episode_id,
                     const std::optional<std::string>& child_id, std::string_view kind,
                     std::string_view title, const boost::json::object& body,
                     const std::string& dedupe_key);

} // namespace homeward::services
