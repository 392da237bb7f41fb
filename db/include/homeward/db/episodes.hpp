#pragma once
// Episodes: the report, every event's write (state, version and history in one statement), the
// episode as its page shows it, its history, and lists, all in the caller's scope.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::episodes {

std::string insert(unit_of_work& uow, const new_episode& episode);
// Loads the episode in scope and locks it for the rest of the transaction.
std::optional<episode_row> lock(unit_of_work& uow, std::string_view id, const scope& who);
// The whole episode with its child. Not scoped: read only after lock() or find_scoped() found it.
episode_record record(unit_of_work& uow, std::string_view id);
// The episode, if in scope, in one statement.
std::optional<episode_record> find(unit_of_work& uow, std::string_view id, const scope& who);
// Is the episode there, in the caller's scope?
bool visible(unit_of_work& uow, std::string_view id, const scope& who);
std::vector<history_record> history(unit_of_work& uow, std::string_view id);

// Every event's write: the state moves from `from` to `to`, the version goes up by one (only when
// it is still `expected_version`), and the history gets its entry, in one statement that also
// reads back the whole episode as the write left it. Each function adds the event's own columns;
// each returns the episode, or nothing when the version had moved on. The read-back sees what the
// transaction wrote before the move, not after: an event writes its own rows (an interview, an
// action) first and moves last.
struct move {
    std::string episode_id;
    int expected_version{0};
    episode_state from{episode_state::missing};
    episode_state to{episode_state::missing};
    time_point at{};
    std::string actor_id;
    role actor_role{role::police};
    episode_event event{episode_event::report};
    std::string detail_json{"{}"};
};
using moved = std::optional<episode_record>;
moved move_only(unit_of_work& uow, const move& m);
moved regrade_risk(unit_of_work& uow, const move& m, risk_level level);
moved record_return(unit_of_work& uow, const move& m, time_point returned_at,
                    const std::string& found_location, const std::string& returned_to,
                    const std::optional<std::string>& found_by);
moved record_safe_and_well(unit_of_work& uow, const move& m, time_point conducted_at,
                           const std::string& notes, const std::optional<std::string>& concerns);
moved assign(unit_of_work& uow, const move& m, const std::string& worker_id);
// A further offer (after a refusal) keeps the first offer's time.
moved offer_interview(unit_of_work& uow, const move& m, bool further, time_point offered_at,
                      time_point scheduled_for, const std::optional<std::string>& interviewer_id,
                      bool independent);
moved sign_off(unit_of_work& uow, const move& m, const std::string& note);
moved close(unit_of_work& uow, const move& m, const std::string& summary);
moved cancel(unit_of_work& uow, const move& m, const std::string& reason);
moved reopen(unit_of_work& uow, const move& m, const std::string& reason);

struct filter {
    std::vector<episode_state> states; // any of these; all when empty
    std::optional<std::string> child_id;
    std::optional<std::string> authority_id;
    std::optional<std::string> assigned_worker_id;
    bool unassigned{false};
    // Interviewed at CSE risk medium or high, open, and not yet signed off by the champion.
    bool awaiting_sign_off{false};
    // Assigned to a worker of this team.
    std::optional<std::string> team_id;
    int limit{50};
    std::optional<time_point> after_reported_at; // cursor: strictly after (reported_at, id)
    std::optional<std::string> after_id;
};
// Newest first.
std::vector<episode_summary> list(unit_of_work& uow, const scope& who, const filter& f);

} // namespace homeward::db::episodes
