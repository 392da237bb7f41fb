#pragma once
// Two-step sign-in: a user's TOTP secrets, the last time step accepted, and recovery codes (kept
// only as their SHA-256).

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::two_factor {

struct enrolment {
    std::optional<std::string> secret;         // confirmed: codes are checked against it
    std::optional<std::string> pending_secret; // offered by an enrolment, not yet confirmed
    std::optional<std::int64_t> last_step;     // of the last code accepted
};
// The user's row, read for update (one log-in or enrolment at a time), or nullopt.
std::optional<enrolment> of_user(unit_of_work& uow, std::string_view user_id);

// Every enrolment's secrets as stored, for sealing those kept as they were (services/two_factor).
struct stored_secrets {
    std::string user_id;
    std::optional<std::string> secret;
    std::optional<std::string> pending_secret;
};
std::vector<stored_secrets> all_secrets(unit_of_work& uow);
// Replaces the user's stored secrets (the same secrets, sealed); nothing else changes.
void replace_secrets(unit_of_work& uow, const stored_secrets& sealed);

// Offers a new secret; the confirmed one (if any) stays until it is confirmed.
void set_pending(unit_of_work& uow, std::string_view user_id, std::string_view secret,
                 time_point at);
// The pending secret becomes the secret; `step` is the step of the code that confirmed it.
void confirm(unit_of_work& uow, std::string_view user_id, std::int64_t step, time_point at);
// Records `step` as used unless a step as late was already used; whether it was recorded (a code
// is accepted once).
bool use_step(unit_of_work& uow, std::string_view user_id, std::int64_t step, time_point at);
// Forgets the user's enrolment and recovery codes (turned off, or an admin's password reset);
// whether there was one.
bool clear(unit_of_work& uow, std::string_view user_id);

// Replaces the user's recovery codes with these hashes.
void replace_recovery_codes(unit_of_work& uow, std::string_view user_id,
                            const std::vector<std::string>& code_hashes);
// Marks the unused code with this hash as used; whether there was one.
bool use_recovery_code(unit_of_work& uow, std::string_view user_id, std::string_view code_hash,
                       time_point at);
// How many of the user's recovery codes are still unused.
int recovery_codes_left(unit_of_work& uow, std::string_view user_id);

} // namespace homeward::db::two_factor
