#pragma once
// What the data-protection officer reads and holds: who read or changed a child's record (from
// the audit trail), and the child's legal hold.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::privacy {

// The child's id when the caller may read the child's privacy records: the champion and the
// data-protection officer of the child's responsible authority (scope in the WHERE).
std::optional<std::string> child_in_charge(unit_of_work& uow, std::string_view child_id,
                                           const scope& who);

// The ids the audit trail names a child's records by: the child's own, and every one of their
// episodes' (any organisation's).
std::vector<std::string> record_ids(unit_of_work& uow, std::string_view child_id);

// One read or write of one of those records, from the audit trail, with who did it.
struct access_entry {
    std::int64_t id{0}; // the audit entry's id
    time_point at{};
    std::optional<std::string> actor_id;
    std::optional<std::string> actor_name; // the user's username
    std::optional<role> actor_role;        // the role they acted in
    std::optional<std::string> organisation_id;
    std::optional<std::string> organisation_code;
    std::optional<std::string> organisation_name;
    std::optional<std::string> team; // the user's team's name
    std::string action;
    std::optional<std::string> entity_type; // as the entry names it ("" for a list)
    std::optional<std::string> entity_id;
    std::string record_type; // which of the child's records: "child" or "episode"
    std::string record_id;
    bool listed{false}; // the record was in the answer of a list or search
    std::string outcome;
    std::optional<std::string> reason; // the reason a write gave (a regrade, cancel, reopen)
    std::optional<std::string> request_id;
};

struct access_filter {
    std::vector<std::string> record_ids; // record_ids() of the child
    std::string child_id;
    std::optional<time_point> from;             // at or after
    std::optional<time_point> to;               // before
    std::optional<std::string> organisation_id; // the actor's organisation
    std::optional<std::string> user_id;
    std::optional<std::int64_t> before_id;
    int limit{50};
};
// Newest first.
std::vector<access_entry> access(unit_of_work& uow, const access_filter& f);

// Every notification about the child or one of their episodes (to whichever organisation and
// person), oldest first: the subject-access export's.
std::vector<notification_item> notifications_about(unit_of_work& uow,
                                                   const std::vector<std::string>& record_ids);

// A legal hold: the child's records are kept whatever the retention schedule says.
struct legal_hold {
    time_point placed_at{};
    std::string placed_by; // the user's id
    std::string placed_by_username;
    std::string reason;
};
std::optional<legal_hold> legal_hold_of(unit_of_work& uow, std::string_view child_id);
// Places the hold, or gives a hold already placed this reason (it keeps when and by whom it was
// first placed).
legal_hold place_legal_hold(unit_of_work& uow, std::string_view child_id, std::string_view by,
                            time_point at, const std::string& reason);
// Lifts the hold; false when there was none.
bool lift_legal_hold(unit_of_work& uow, std::string_view child_id);

} // namespace homeward::db::privacy
