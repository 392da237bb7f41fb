#pragma once
// Clocks: an episode's (replaced whole on every transition), a child's own (repeat-missing review,
// CSE reassessment), the overdue queue and the sweeper's claims.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::clocks {

// Replaces the episode's clocks with these, in one statement (keeping what the sweeper noted of
// a clock whose due time did not change).
void save(unit_of_work& uow, std::string_view episode_id, std::string_view child_id,
          const std::vector<clock_row>& clocks);
// The same, with the audit entry of the write that moved the clocks appended to the trail in the
// same statement: one round trip fewer for every event.
void save(unit_of_work& uow, std::string_view episode_id, std::string_view child_id,
          const std::vector<clock_row>& clocks, const audit_entry& entry);
std::vector<clock_row> of_episode(unit_of_work& uow, std::string_view episode_id);

// A child-level clock (no episode). Raised once per start; false when it exists already.
bool save_child_clock(unit_of_work& uow, std::string_view child_id, const clock_row& clock);
// The child's own clocks, oldest first.
std::vector<clock_row> of_child(unit_of_work& uow, std::string_view child_id);
// Meets the child's open clocks of this kind that started by `at`; returns how many.
int meet_child_clocks(unit_of_work& uow, std::string_view child_id, std::string_view kind,
                      time_point at);
// A multi-agency review or CSE reassessment held; returns its id.
std::string insert_review(unit_of_work& uow, const child_review& review);

// The overdue queue: open clocks past due (or, with due_soon, due within the window), most
// overdue first, in the caller's scope. Police: their force's police clocks; social workers:
// the clocks they hold; managers and the champion: their authority's.
struct overdue_filter {
    std::optional<std::string> kind;
    std::optional<std::string> authority_id;
    std::optional<std::string> worker_id;
    std::optional<std::string> team_id; // clocks held by a worker of this team
    bool due_soon{false};
    bool open{false}; // every open clock, whatever its due time (not with due_soon)
    time_point now{};
    std::chrono::seconds window{std::chrono::hours{24}};
    int limit{50};
    std::optional<time_point> after_due; // cursor
    std::optional<std::int64_t> after_id;
};
std::vector<overdue_item> overdue(unit_of_work& uow, const scope& who, const overdue_filter& f);

// Open clocks overdue and due soon, counted by kind and holder, in the caller's scope (as
// overdue()); the filter's kind, authority, worker and team apply, its cursor and limit do not.
struct summary_row {
    std::string kind;
    std::optional<std::string> holder_user_id;
    std::optional<std::string> holder_username;
    std::optional<std::string> holder_team;
    std::int64_t overdue{0};
    std::int64_t due_soon{0};
};
std::vector<summary_row> summary(unit_of_work& uow, const scope& who, const overdue_filter& f);

// The sweeper's claim: open clocks that have become due soon (or overdue) and were not yet
// announced, marked announced in the same statement. Rows another sweeper holds are skipped.
struct claimed_clock {
    std::int64_t id{0};
    std::optional<std::string> episode_id;
    std::string child_id;
    std::string kind;
    std::string subject;
    time_point due_at{};
    std::optional<std::string> holder_organisation_id;
    std::optional<std::string> holder_user_id;
    std::optional<std::string> responsible_authority_id;
    // The child's host authority, for a child placed across a boundary.
    std::optional<std::string> host_authority_id;
};
std::vector<claimed_clock> claim(unit_of_work& uow, bool overdue, time_point now,
                                 std::chrono::seconds window, int limit);

} // namespace homeward::db::clocks
