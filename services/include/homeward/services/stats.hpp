#pragma once
// The figures managers and the CSE champion use to scrutinise and challenge (GET /api/v1/stats):
// every figure domain.md asks for, for a period and the previous period of equal length.

#include "homeward/db/stats.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace homeward::services {

struct stats_query {
    std::optional<std::string> from;      // YYYY-MM-DD, the first day included
    std::optional<std::string> to;        // YYYY-MM-DD, the last day included
    std::optional<std::string> authority; // organisation code; only the caller's own has figures
    std::optional<std::string> team;      // a team's id
};

struct stats_view {
    db::stats::period current;
    db::stats::period previous;
    std::string time_zone;
    std::string authority; // the code of the authority the figures are of
    std::optional<std::string> team;
    std::chrono::hours offer_due{};
    std::chrono::hours held_due{};
    std::vector<db::stats::figure_row> figures;
};

// manager, cse_champion: the figures of their own authority; anyone else 403. The repeat children
// are listed by name for the champion only (a read of those children, audited).
stats_view figures(const environment& env, const actor& who, const stats_query& query);

// The statutory return, a page at a time (the export streams every page): one line per counted
// episode reported in the period, of a child the caller's authority is responsible for.
struct statutory_return_query {
    std::optional<std::string> from;
    std::optional<std::string> to;
    std::optional<std::string> authority;
    int limit{500};
    std::optional<std::string> cursor;
};
struct statutory_line {
    db::stats::return_line episode;
    // Whether the interview was held within the policy's clock after the return: "yes", "no"
    // (held late, or not held and the clock has passed), "declined" (the child declined and no
    // interview was held; counted apart, never as held), "not_due" (returned, no interview yet,
    // the clock still running), "not_returned".
    std::string within_standard;
    std::optional<double> hours_to_interview; // from return to the interview held
    bool offered_within_standard{false};      // offered at or before return + the offer clock
};
page<statutory_line> statutory_return(const environment& env, const actor& who,
                                      const statutory_return_query& query);

} // namespace homeward::services
