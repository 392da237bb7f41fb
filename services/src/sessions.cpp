// Log-in, sessions and log-out.

#include "use_case.hpp"

#include "homeward/db/sessions.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/sessions.hpp"
#include "homeward/workflow/time_text.hpp"

namespace homeward::services {
namespace {

constexpr std::string_view wrong_credentials = "wrong username or password";

// Verifying against this when the user does not exist keeps the answer's timing the same.
const std::string& decoy_hash() {
    static const std::string hash = hash_password("decoy password for unknown users");
    return hash;
}

actor actor_of(const db::user_row& user, std::string_view request_id) {
    return {user.id,
            user.username,
            user.user_role,
            user.organisation_id,
            user.organisation_code,
            std::string{request_id},
            std::nullopt};
}

} // namespace

std::string_view to_string(session_end reason) {
    switch (reason) {
    case session_end::idle:
        return "idle";
    case session_end::expired:
        return "expired";
    case session_end::signed_out:
        return "signed_out";
    case session_end::none:
        break;
    }
    return "none";
}

session_view log_in(const environment& env, std::string_view username, std::string_view password,
                    std::string_view client_address, std::string_view request_id,
                    const session_rules& rules) {
    actor anonymous;
    anonymous.request_id = std::string{request_id};
    const auto now = env.now();
    const audit_target target{"session.create", "user", ""};
    // A failed attempt is recorded (and may lock the account) in a transaction of its own,
    // committed before the failure is reported.
    const auto record_failure = [&](const std::optional<db::sessions::login_account>& known) {
        db::unit_of_work uow{env.pool};
        db::sessions::record_attempt(uow, username, client_address, false, now);
        if (known && db::sessions::recent_failures_of(uow, username, now - rules.failure_window) >=
                         rules.failures_before_lock) {
            db::sessions::lock_account(uow, known->user.id, now + rules.lock_for);
            audit_success(uow, actor_of(known->user, request_id),
                          {"user.locked", "user", known->user.id});
        }
        uow.commit();
    };
    std::optional<db::sessions::login_account> account;
    try {
        db::unit_of_work uow{env.pool};
        if (db::sessions::recent_failures_from(uow, client_address, now - rules.failure_window) >=
            rules.failures_per_address) {
            throw failure(failure_kind::too_many_requests,
                          "too many log-in attempts from this address; try again later");
        }
        account = db::sessions::account(uow, username);
    } catch (const db::unavailable& down) {
        throw failure(failure_kind::unavailable, down.what());
    }
    if (account && account->locked_until && *account->locked_until > now) {
        record_failure(std::nullopt); // already locked: the lock is not extended
        throw failure(failure_kind::too_many_requests,
                      "the account is locked after repeated failed log-ins until " +
                          workflow::format_rfc3339(*account->locked_until));
    }
    bool verified = false;
    if (account) {
        verified = verify_password(password, account->password_hash);
    } else {
        verify_password(password, decoy_hash()); // same work, so timing does not reveal names
    }
    if (!verified || !account->user.active) {
        record_failure(account);
        throw failure(failure_kind::unauthenticated, std::string{wrong_credentials});
    }
    const std::string token = new_token();
    const auto expires = now + rules.absolute;
    const auto who = actor_of(account->user, request_id);
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        db::sessions::record_attempt(uow, username, client_address, true, now);
        db::sessions::insert(uow, sha256(token), account->user.id, now, expires);
        audit_success(uow, who, {"session.create", "user", account->user.id},
                      {{"client_address", client_address}});
        return session_view{token, expires, rules.idle.count(), account->user};
    });
}

actor authenticate(const environment& env, std::string_view token, std::string_view request_id,
                   const session_rules& rules) {
    const auto now = env.now();
    try {
        db::unit_of_work uow{env.pool};
        const auto session = db::sessions::find_and_touch(uow, sha256(token), now, rules.idle);
        if (!session || !session->user.active) {
            throw session_ended(session_end::none, "no valid session: log in again");
        }
        if (session->revoked_at) {
            throw session_ended(session_end::signed_out,
                                "the session was signed out: log in again");
        }
        if (now >= session->expires_at) {
            throw session_ended(session_end::expired,
                                "the session reached its time limit: log in again");
        }
        if (now >= session->last_seen_at + rules.idle) {
            throw session_ended(session_end::idle,
                                "the session ended after a time without activity: log in again");
        }
        uow.commit();
        auto who = actor_of(session->user, request_id);
        who.session_expires_at = session->expires_at;
        return who;
    } catch (const db::unavailable& down) {
        throw failure(failure_kind::unavailable, down.what());
    }
}

session_view describe_session(const actor& who, const session_rules& rules) {
    db::user_row user;
    user.id = who.user_id;
    user.username = who.username;
    user.user_role = who.role;
    user.organisation_id = who.organisation_id;
    user.organisation_code = who.organisation_code;
    return {"", who.session_expires_at.value_or(workflow::time_point{}), rules.idle.count(),
            std::move(user)};
}

void log_out(const environment& env, const actor& who, std::string_view token) {
    run_audited(env, who, {"session.delete", "user", who.user_id}, [&](db::unit_of_work& uow) {
        db::sessions::revoke(uow, sha256(token), env.now());
        audit_success(uow, who, {"session.delete", "user", who.user_id});
    });
}

} // namespace homeward::services
