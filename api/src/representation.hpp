#pragma once
// The one place that writes what the API returns as JSON: Boost.JSON's value_from finds these
// through tag_invoke. Each view carries its audience, and what a role may not read is left out
// here (police read an interview's outcome, CSE risk and police intelligence, never the child's
// own account).

#include "homeward/services/accounts.hpp"
#include "homeward/services/administration.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/services/entities.hpp"
#include "homeward/services/privacy.hpp"
#include "homeward/services/profiles.hpp"
#include "homeward/services/retention.hpp"
#include "homeward/services/stats.hpp"
#include "homeward/services/views.hpp"
#include "homeward/services/webhooks.hpp"

#include <boost/json/fwd.hpp>
#include <boost/json/value_from.hpp>

namespace homeward::db {
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const child_record& child);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const episode_summary& episode);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const action_record& action);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const notification_item& note);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const audit_item& entry);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const webhook_row& webhook);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const delivery_item& delivery);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const user_row& user);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const team_row& team);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const organisation_row& organisation);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const child_review& review);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const profile_record& profile);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const photo_record& photo);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const entity_record& entity);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const entity_link_record& link);
} // namespace homeward::db

namespace homeward::db::entities {
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const episode_entity& item);
} // namespace homeward::db::entities

namespace homeward::db::privacy {
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const legal_hold& hold);
} // namespace homeward::db::privacy

namespace homeward::db::retention {
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const due_child& child);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const policy& rule);
} // namespace homeward::db::retention

namespace homeward::db::children {
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const child_at_risk& item);
} // namespace homeward::db::children

namespace homeward::services {
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const clock_view& clock);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const episode_view& view);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const history_view& history);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const child_view& view);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const session_view& session);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const overdue_view& line);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const overdue_summary& summary);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const organisation_view& entry);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const stats_view& view);
// The caller's own account, with the organisations theirs works with.
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const my_account_view& account);
// The account, with the temporary password it was just given (shown this once).
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const account_with_password& account);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const profile_view& view);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const possible_match& match);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const entity_link_result& result);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const entity_view& view);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const access_view& view);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const privacy_child& found);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const child_export& record);
// The name the export's archive gives the child's photograph ("photo.jpg", "photo.png").
std::string photo_file_name(const db::photo_record& photo);

// A page: {items, next_cursor}.
template <typename Item>
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const page<Item>& list);
} // namespace homeward::services

namespace homeward::workflow {
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out,
                const indicator_catalogue& catalogue);
} // namespace homeward::workflow
