#pragma once
// Two-step sign-in: time-based one-time passwords (RFC 6238: HMAC-SHA-1 by OpenSSL, 6 digits, a
// 30-second step, a code of the step before or after accepted too) and one-time recovery codes.
// Every change is audited, without the secret or any code.

#include "homeward/services/environment.hpp"
#include "homeward/services/sessions.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db {
class unit_of_work;
}

namespace homeward::services {

// RFC 6238's code for the time step `step` (seconds since the epoch / 30), `digits` long.
std::string totp_code(std::string_view secret, std::int64_t step, int digits = 6);
// The 30-second step `at` falls in.
std::int64_t totp_step(workflow::time_point at);
// RFC 4648 base32, upper case, without padding (as authenticator apps take a secret).
std::string base32(std::string_view bytes);

struct two_factor_offer {
    std::string secret;      // base32, for typing into the app by hand
    std::string otpauth_uri; // otpauth://totp/Homeward:USERNAME?secret=...&issuer=Homeward
};
// The lockout rules apply to these codes as to log-ins: a wrong code (from `client_address`)
// counts with the user's failed log-ins and can lock the account; while it is locked, each of
// these is failure(too_many_requests).
//
// {"action": "enrol", "totp"?}: a new secret, pending until confirmed. A user already enrolled
// gives a current code (their enrolment stays as it is until the new one is confirmed).
two_factor_offer enrol_two_factor(const environment& env, const actor& who,
                                  const session_rules& rules, std::string_view current_code,
                                  std::string_view client_address);
// {"action": "confirm", "totp"}: a code of the pending secret makes it the user's; answers their
// 10 new recovery codes (shown this once; stored as SHA-256), which replace any earlier ones.
std::vector<std::string> confirm_two_factor(const environment& env, const actor& who,
                                            const session_rules& rules, std::string_view code,
                                            std::string_view client_address);
// {"action": "disable", "totp"}: with a current code (not under HOMEWARD_TWO_FACTOR=required).
void disable_two_factor(const environment& env, const actor& who, const session_rules& rules,
                        std::string_view code, std::string_view client_address);

// For log_in, in the unit of work that creates the session: whether `code` is a current code of
// the user's confirmed secret not used before, or one of their unused recovery codes (either is
// used up by this). True for a user who has not enrolled, whatever the code.
enum class second_factor { not_enrolled, accepted, refused };
second_factor check_second_factor(db::unit_of_work& uow, const session_rules& rules,
                                  std::string_view user_id, std::string_view code,
                                  workflow::time_point now);

// A secret as it is kept: sealed with rules.two_factor_key (AES-256-GCM; its user's id is the
// associated data, so a sealed secret copied to another user's row does not open), or as it is
// when there is no key. Opening a secret stored before there was a key gives it back as it is;
// one that does not open with this key for this user (another key, another user's row, altered)
// gives nullopt, and no code matches it. Throws std::runtime_error for a sealed secret when
// there is no key.
std::string seal_secret(const session_rules& rules, std::string_view user_id,
                        std::string_view secret);
std::optional<std::string> open_secret(const session_rules& rules, std::string_view user_id,
                                       std::string_view stored);

// At serve's start: with a key, seals every secret still stored as it is, and counts the sealed
// ones it does not open (altered, or moved to another user's row: their users cannot sign in
// until an admin resets their password). Throws std::runtime_error, saying what to do, when
// secrets are sealed and there is no key, or when the key opens none of them (not the key they
// were sealed with: a restore without its key file); nothing is changed then.
struct sealing {
    int sealed{0};   // users whose secrets were sealed now
    int unopened{0}; // sealed secrets this key does not open
};
sealing seal_stored_secrets(const environment& env, const session_rules& rules);
// Forgets the user's enrolment and recovery codes (an admin's password reset); whether they had
// one.
bool clear_two_factor(db::unit_of_work& uow, std::string_view user_id);

} // namespace homeward::services
