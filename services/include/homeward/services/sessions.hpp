#pragma once
// Log-in, sessions and log-out. Tokens are 256 random bits; only their SHA-256 is stored.
// Sessions end after 30 minutes idle and 12 hours in all. Five failed log-ins within 15 minutes
// lock the account for 15 minutes; after 20 failed log-ins from one address within 15 minutes,
// that address is refused (429) until the window passes.

#include "homeward/services/environment.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/views.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace homeward::services {

// HOMEWARD_TWO_FACTOR: whether users may enrol in two-step sign-in (RFC 6238 codes), must, or may
// not. optional: those who enrolled must give a code, the others sign in with a password alone.
// required: a user who has not enrolled gets a session that may only enrol. off: no enrolment,
// and codes are neither asked for nor checked.
enum class two_factor_mode { optional, required, off };
std::optional<two_factor_mode> parse_two_factor_mode(std::string_view text);
std::string_view to_string(two_factor_mode mode);

struct session_rules {
    std::chrono::seconds idle{std::chrono::minutes{30}};
    std::chrono::seconds absolute{std::chrono::hours{12}};
    int failures_before_lock{5};
    std::chrono::seconds failure_window{std::chrono::minutes{15}};
    std::chrono::seconds lock_for{std::chrono::minutes{15}};
    int failures_per_address{20}; // failed log-ins from one address within failure_window
    two_factor_mode two_factor{two_factor_mode::optional};
    // HOMEWARD_TWO_FACTOR_KEY: 32 bytes that seal each two-step secret at rest (AES-256-GCM,
    // bound to its user). Empty: new secrets are stored as they are.
    std::string two_factor_key{};
};

// A log-in whose password was right for a user who enrolled in two-step sign-in, but whose code
// was missing or wrong: failure(unauthenticated) with the same words as a wrong password (and
// counted as a failed attempt alike), which the API marks "totp_required" so that the sign-in
// page asks for the code. It tells nothing to one who does not know the password.
class second_factor_needed : public failure {
public:
    explicit second_factor_needed(std::string detail)
        : failure(failure_kind::unauthenticated, std::move(detail)) {}
};

// The new session. Wrong credentials, and a locked account alike, are failure(unauthenticated)
// (the same words, after the same work); a throttled network failure(too_many_requests); a
// username over 128 or a password over 1,024 characters failure(invalid_input), before any work.
// `totp` is the code from the user's app, or one of their recovery codes, for a user who enrolled
// in two-step sign-in (unless rules.two_factor is off): missing or wrong, second_factor_needed.
session_view log_in(const environment& env, std::string_view username, std::string_view password,
                    std::string_view client_address, std::string_view request_id,
                    const session_rules& rules = {}, std::string_view totp = {});

// Whom log-ins are throttled by: an IPv4 address, or an IPv6 address's /64 (one host's share).
std::string network_of(std::string_view client_address);

// A wrong code from a signed-in user changing their two-step sign-in: counted with their
// username's failed log-ins (in a transaction of its own), and at rules.failures_before_lock within
// the window their account is locked, as a wrong password would lock it. A session cannot try
// codes without end.
void count_wrong_code(const environment& env, const actor& who, std::string_view client_address,
                      const session_rules& rules);
// failure(too_many_requests), saying until when, while the caller's account is locked.
void refuse_while_locked(const environment& env, const actor& who);

// Why a session is no longer valid, for the sign-in page to say so.
enum class session_end { none, idle, expired, signed_out };
std::string_view to_string(session_end reason);

// failure(unauthenticated) that says why the session is not valid.
class session_ended : public failure {
public:
    session_ended(session_end reason, std::string detail)
        : failure(failure_kind::unauthenticated, std::move(detail)), reason_(reason) {}
    session_end reason() const { return reason_; }

private:
    session_end reason_;
};

// Sessions checked in the last few seconds (serve has one), so that a request whose session was
// checked lately costs no statement for it. What it keeps is used only while this process hears
// every change to sessions and accounts (db::identity: its own writes once they commit, other
// processes' through a watch), while none has committed since it was read, for at most
// min(5 s, idle / 4) by the environment's clock, and while the session's own limits still hold;
// otherwise authenticate asks the database, as it does without a cache.
class session_cache {
public:
    // listening: whether other processes' changes reach db::identity now (a watch's listening());
    // while it answers false, nothing kept is used.
    explicit session_cache(std::function<bool()> listening, std::size_t capacity = 10000);
    ~session_cache();
    session_cache(const session_cache&) = delete;
    session_cache& operator=(const session_cache&) = delete;

    struct stats {
        std::uint64_t used{0}; // checks answered from the cache
        std::uint64_t kept{0}; // sessions read from the database and kept
    };
    stats counted() const;

    // For authenticate: the caller of a session kept and still good at `now`, if any (its
    // request_id left empty); and a session just read from the database, with the generation read
    // before it was.
    std::optional<actor> find(const std::string& token_hash, workflow::time_point now,
                              const session_rules& rules);
    void keep(const std::string& token_hash, const actor& who, workflow::time_point last_seen_at,
              std::uint64_t generation, workflow::time_point now);

    struct state;

private:
    std::unique_ptr<state> state_;
};

// The caller behind a session token, or session_ended. Refreshes the idle clock. With a cache in
// the environment, a session checked in the last few seconds is not read again (session_cache).
actor authenticate(const environment& env, std::string_view token, std::string_view request_id,
                   const session_rules& rules = {});

// The caller's session as `GET /api/v1/session` shows it: who, and when it ends (no token).
session_view describe_session(const actor& who, const session_rules& rules = {});

// Ends the session: the token is dead from then on.
void log_out(const environment& env, const actor& who, std::string_view token);

} // namespace homeward::services
