#pragma once
// The data-protection officer's work on a child's record: who saw it (from the audit trail), the
// subject-access export, and the legal hold.

#include "homeward/db/privacy.hpp"
#include "homeward/db/profiles.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace homeward::services {

// One read or write of the child's record, one of their episodes, profile, photo or reports.
struct access_view {
    db::privacy::access_entry entry;
    std::optional<std::string> route; // "GET /api/v1/episodes/{id}", where the action has one
};

struct access_query {
    std::optional<std::string> from;         // RFC 3339, at or after
    std::optional<std::string> to;           // RFC 3339, before
    std::optional<std::string> organisation; // an organisation's code: whose people
    std::optional<std::string> user;         // a user's id
    int limit{50};
    std::optional<std::string> cursor;
};
// GET /children/{id}/access (cse_champion and data_protection_officer of the child's responsible
// authority; anyone else 403, another authority's 404): newest first, across every organisation.
// Audited as a read of the child (child.access).
page<access_view> child_access(const environment& env, const actor& who, std::string_view child_id,
                               const access_query& query);

// Everything Homeward holds about a child, for a subject-access request.
struct child_export {
    db::child_record child;
    std::optional<db::privacy::legal_hold> legal_hold;
    std::vector<db::child_review> reviews;            // newest first
    std::vector<db::profile_record> profile_versions; // newest first
    std::optional<db::photo_record> photo;            // the photograph itself, not its thumbnail
    std::vector<episode_report> episodes;             // oldest first, each with its whole history
    std::vector<db::notification_item> notifications; // about the child or an episode, oldest first
    std::vector<access_view> access;                  // the whole access log, newest first
    time_point exported_at{};
    std::string exported_by; // username
    workflow::role exported_by_role{workflow::role::data_protection_officer};
    std::string exported_by_organisation; // code
};
// GET /children/{id}/export (data_protection_officer of the child's responsible authority; anyone
// else 403, another authority's 404): every record of the child, every episode (whichever
// organisation's) with all its fields, read at one moment. Audited as a read of the child and of
// each episode (child.export).
child_export export_child(const environment& env, const actor& who, std::string_view child_id);

// A child a data-protection officer is asked about (a subject-access request, a claim): who they
// are, and the legal hold on their records if any.
struct privacy_child {
    db::child_record child;
    std::optional<db::privacy::legal_hold> legal_hold;
};
// GET /privacy/children?q=NAME&date_of_birth= (data_protection_officer): the children of the
// officer's authority with exactly that name (family, or given and family) born that day; both
// required. Audited (child.privacy_lookup) with the ids answered, never the name.
std::vector<privacy_child> find_children(const environment& env, const actor& who,
                                         std::string_view name,
                                         const std::optional<std::string>& date_of_birth,
                                         int limit);

// GET /children/{id}/legal-hold (data_protection_officer of the child's responsible authority):
// the hold, or nullopt when there is none. Audited (child.legal_hold_read).
std::optional<db::privacy::legal_hold> legal_hold_on(const environment& env, const actor& who,
                                                     std::string_view child_id);

// PUT /children/{id}/legal-hold {reason} (data_protection_officer of the child's responsible
// authority): the hold, placed now (or its reason changed). Audited (child.legal_hold_set).
db::privacy::legal_hold place_legal_hold(const environment& env, const actor& who,
                                         std::string_view child_id,
                                         const boost::json::object& body);
// DELETE /children/{id}/legal-hold: lifts it (404 when there is none). Audited
// (child.legal_hold_clear).
void lift_legal_hold(const environment& env, const actor& who, std::string_view child_id);

// The route an audit entry's action was made through ("POST /api/v1/episodes/{id}/return"), or
// nullopt for an action no route makes (the command line's).
std::optional<std::string> route_of_action(std::string_view action);

} // namespace homeward::services
