#pragma once
// The figures managers and the CSE champion scrutinise (GET /api/v1/stats), computed by
// PostgreSQL in one statement, each beside the same figure for the previous period.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace homeward::db::stats {

// A period: both days included, in the deployment's time zone.
struct period {
    std::chrono::sys_days from{};
    std::chrono::sys_days to{};
};

// The days the caller asked for, or (each unset) the 30 days ending today in `time_zone`
// (`now` is the injected clock).
period resolve(unit_of_work& uow, std::optional<std::chrono::sys_days> from,
               std::optional<std::chrono::sys_days> to, time_point now,
               const std::string& time_zone);

struct query {
    std::string organisation_id;             // the caller's authority: the scope
    std::optional<std::string> authority_id; // a filter: nothing unless it is the caller's own
    std::optional<std::string> team_id;
    period current;
    time_point now{};
    std::string time_zone;
    std::chrono::seconds offer_due{};
    std::chrono::seconds held_due{};
    int top{20};                      // places and indicators listed, per kind and group
    bool list_repeat_children{false}; // the champion's list of repeat children, by name
};

// One figure: its name, the group (responsible: the episodes of children the authority is
// responsible for; hosted: those it hosts for another), a key within the figure (a month, a
// place, a kind of work...; "" when the figure has one value), a label for people, the measure,
// this period's value and the previous period's, as decimal text (null: no value, e.g. the
// median of no interviews), and the rank within ranked figures (0 otherwise).
struct figure_row {
    std::string figure;
    std::string group;
    std::string key;
    std::optional<std::string> label;
    std::string measure;
    std::optional<std::string> current;
    std::optional<std::string> previous;
    int rank{0};
};

std::vector<figure_row> figures(unit_of_work& uow, const query& q);

// The statutory return: one line per counted episode reported in the period (both days
// included, in `time_zone`) of a child the caller's authority is responsible for, in report
// order, `limit` at a time after the cursor (the last line's report time and episode id).
struct return_query {
    std::string organisation_id;
    std::optional<std::string> authority_id; // nothing unless it is the caller's own
    period days;
    std::string time_zone;
    int limit{500};
    std::optional<time_point> after_reported_at;
    std::optional<std::string> after_id;
};
struct return_line {
    std::string child_id;
    std::chrono::sys_days date_of_birth{};
    std::string episode_id;
    time_point reported_at{};
    time_point last_seen_at{};
    std::optional<time_point> returned_at;
    std::string absence_kind; // missing or away
    std::optional<time_point> offered_at;
    std::optional<time_point> held_at;     // an interview held
    std::optional<time_point> declined_at; // the child declined (kept if later held)
};
std::vector<return_line> statutory_return(unit_of_work& uow, const return_query& q);

} // namespace homeward::db::stats
