#include "homeward/services/sessions.hpp"

#include "homeward/db/repository.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/time_text.hpp"
#include "support.hpp"

namespace homeward::services {
namespace {

constexpr std::string_view wrong_credentials = "wrong username or password";

// Verifying against this when the user does not exist keeps the answer's timing the same.
const std::string& decoy_hash() {
    static const std::string hash = hash_password("decoy password for unknown users");
    return hash;
}

actor actor_of(const db::user_row& user, std::string_view request_id) {
    return {user.id, user.username, workflow::parse_role(user.role).value_or(workflow::role::admin),
            user.organisation_id, std::string{request_id}};
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

boost::json::object log_in(const environment& env, std::string_view username,
                           std::string_view password, std::string_view client_address,
                           std::string_view request_id, const session_rules& rules) {
    actor anonymous;
    anonymous.username = std::string{username.substr(0, 128)};
    anonymous.request_id = std::string{request_id};
    const auto now = env.now();
    const audit_target target{"session.create", "user", anonymous.username};
    // A failed attempt is recorded (and may lock the account) in a transaction of its own,
    // committed before the failure is reported.
    const auto record_failure = [&](const std::optional<db::login_account>& known) {
        db::unit_of_work uow{env.pool};
        db::record_login_attempt(uow, username, client_address, false, now);
        if (known && db::recent_failed_logins(uow, username, now - rules.failure_window) >=
                         rules.failures_before_lock) {
            db::lock_account(uow, known->user.id, now + rules.lock_for);
            audit_success(uow, actor_of(known->user, request_id),
                          {"user.locked", "user", known->user.id});
        }
        uow.commit();
    };
    std::optional<db::login_account> account;
    {
        db::unit_of_work uow{env.pool};
        if (db::recent_failures_from(uow, client_address, now - rules.failure_window) >=
            rules.failures_per_address) {
            throw failure(failure_kind::too_many_requests,
                          "too many log-in attempts from this address; try again later");
        }
        account = db::find_login_account(uow, username);
    }
    if (account && account->locked_until && *account->locked_until > now) {
        record_failure(std::nullopt); // already locked: the lock is not extended
        throw failure(failure_kind::too_many_requests,
                      "the account is locked after repeated failed log-ins until " +
                          format_rfc3339(*account->locked_until));
    }
    bool verified = false;
    if (account) {
        verified = verify_password(password, account->user.password_hash);
    } else {
        verify_password(password, decoy_hash()); // same work, so timing does not reveal names
    }
    if (!verified || !account->user.active) {
        record_failure(account);
        throw failure(failure_kind::unauthenticated, std::string{wrong_credentials});
    }
    const std::string token = new_token();
    const auto expires = now + rules.absolute;
    return run_audited(
        env, actor_of(account->user, request_id), target, [&](db::unit_of_work& uow) {
            db::record_login_attempt(uow, username, client_address, true, now);
            db::insert_session(uow, sha256(token), account->user.id, now, expires);
            audit_success(uow, actor_of(account->user, request_id),
                          {"session.create", "user", account->user.id},
                          {{"client_address", client_address}});
            return boost::json::object{{"token", token},
                                       {"expires_at", format_rfc3339(expires)},
                                       {"idle_timeout_seconds", rules.idle.count()},
                                       {"user",
                                        {{"id", account->user.id},
                                         {"username", account->user.username},
                                         {"role", account->user.role},
                                         {"organisation", account->user.organisation_code}}}};
        });
}

actor authenticate(const environment& env, std::string_view token, std::string_view request_id,
                   const session_rules& rules) {
    const auto now = env.now();
    try {
        db::unit_of_work uow{env.pool};
        const std::string hash = sha256(token);
        const auto session = db::find_session(uow, hash);
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
        db::touch_session(uow, hash, now);
        uow.commit();
        return actor_of(session->user, request_id);
    } catch (const db::unavailable& down) {
        throw failure(failure_kind::unavailable, down.what());
    }
}

boost::json::object describe_session(const environment& env, const actor& who,
                                     std::string_view token, const session_rules& rules) {
    db::unit_of_work uow{env.pool};
    const auto session = db::find_session(uow, sha256(token));
    if (!session) {
        throw session_ended(session_end::none, "no valid session: log in again");
    }
    return {{"expires_at", format_rfc3339(session->expires_at)},
            {"idle_timeout_seconds", rules.idle.count()},
            {"user",
             {{"id", who.user_id},
              {"username", who.username},
              {"role", workflow::to_string(who.role)},
              {"organisation", session->user.organisation_code}}}};
}

void log_out(const environment& env, const actor& who, std::string_view token) {
    run_audited(env, who, {"session.delete", "user", who.user_id}, [&](db::unit_of_work& uow) {
        db::revoke_session(uow, sha256(token), env.now());
        audit_success(uow, who, {"session.delete", "user", who.user_id});
        return boost::json::object{};
    });
}

} // namespace homeward::services
