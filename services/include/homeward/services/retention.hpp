#pragma once
// The retention schedule: what falls due, the authority's rule, and the job that anonymises the
// records of every child past it (not under a legal hold).

#include "homeward/db/retention.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace homeward::services {

// What the job did, or would do (dry run): the children past the line on `as_of`, soonest due
// first.
struct retention_report {
    std::chrono::sys_days as_of{};
    bool dry_run{false};
    std::vector<db::retention::due_child> children; // anonymised (or due, in a dry run)
    int episodes{0};                                // their episodes, anonymised
};
// Anonymises, one transaction per child, every child whose records fall due on or before `as_of`
// by their responsible authority's rule, who has no episode open, is not under a legal hold and
// is not anonymised yet; writes one audit entry per child (child.anonymised, no names). A child
// another process anonymised meanwhile is left alone, so two processes anonymise each child once.
// A dry run changes nothing and lists the same children.
retention_report run_retention(const environment& env, std::chrono::sys_days as_of, bool dry_run,
                               const std::atomic<bool>* stopping = nullptr);

struct retention_due_query {
    std::optional<std::string> days; // 0..3650, default 90
    std::optional<std::string> cursor;
    int limit{50};
};
// GET /retention/due (data_protection_officer; anyone else 403): the children of the caller's
// authority whose records fall due within `days` days of today (those already past it too),
// soonest first, each with its rule and whether a legal hold keeps it. Audited as a read of the
// children it lists (retention.due).
page<db::retention::due_child> retention_due(const environment& env, const actor& who,
                                             const retention_due_query& query);

// GET /retention/policy (data_protection_officer, admin): the rule that governs the children of
// the caller's authority.
db::retention::policy retention_policy(const environment& env, const actor& who);
// PUT /retention/policy {keep_until_age, years_after_last_closed} (the data_protection_officer or
// admin of a local authority): the authority's own rule. Audited (retention.policy_set).
db::retention::policy set_retention_policy(const environment& env, const actor& who,
                                           const boost::json::object& body);

} // namespace homeward::services
