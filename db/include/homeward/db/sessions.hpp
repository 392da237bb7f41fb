#pragma once
// Log-ins, their throttling, and sessions. Tokens are kept only as their SHA-256.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace homeward::db::sessions {

struct login_account {
    user_row user;
    std::string password_hash;
    std::optional<time_point> locked_until;
};
std::optional<login_account> account(unit_of_work& uow, std::string_view username);

// A log-in attempt, recorded as failed before its password is checked (and marked succeeded after,
// if it is), with the failures in the window that precede and include it: from its network and
// for its username. Attempts from one network, and for one username, are counted one at a time
// (transaction-scoped advisory locks), so that attempts made at once cannot all pass the limit.
// The username's failures count from an admin's unlock of the account, when that is later.
struct attempt {
    std::int64_t id{0};
    int network_failures{0};
    int username_failures{0};
};
attempt begin_attempt(unit_of_work& uow, std::string_view username, std::string_view client_address,
                      std::string_view client_network, time_point at, time_point since);
void attempt_succeeded(unit_of_work& uow, std::int64_t attempt_id);
int recent_failures_of(unit_of_work& uow, std::string_view username, time_point since);
void lock_account(unit_of_work& uow, std::string_view user_id, time_point until);

void insert(unit_of_work& uow, std::string_view token_hash, std::string_view user_id,
            time_point created_at, time_point expires_at);

struct session_row {
    user_row user;
    time_point created_at{};
    time_point last_seen_at{};
    time_point expires_at{};
    std::optional<time_point> revoked_at;
};
// The session and its user, in one statement that also moves the idle clock to `now` when the
// session is still good (at most once a minute, or half the idle limit when that is shorter: a
// write per request would cost more than the 30-minute idle limit needs). The row returned is as it
// was before the move.
std::optional<session_row> find_and_touch(unit_of_work& uow, std::string_view token_hash,
                                          time_point now, std::chrono::seconds idle);
void revoke(unit_of_work& uow, std::string_view token_hash, time_point at);
// Ends every session of the user still open (deactivation, a password reset); how many.
int revoke_all_of(unit_of_work& uow, std::string_view user_id, time_point at);

} // namespace homeward::db::sessions
