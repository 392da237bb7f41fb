#pragma once
// Homeward's own inbox. Raising a notification also queues its webhook message, in one statement.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::notifications {

// Raised once: a second call with the same dedupe key does nothing. The first call also queues
// a webhook message when the recipient organisation has a webhook.
void raise(unit_of_work& uow, const notification& note);
// The user's notifications, newest first: addressed to them, or to their organisation (all or
// their role).
std::vector<notification_item> for_user(unit_of_work& uow, const scope& who, int limit,
                                        std::optional<time_point> before,
                                        std::optional<std::string> before_id);
// How many of the user's notifications they have not read.
long long unread_count(unit_of_work& uow, const scope& who);
// False when the user has no such notification.
bool mark_read(unit_of_work& uow, const scope& who, std::string_view id);

} // namespace homeward::db::notifications
