// Log-in, sessions and log-out.

#include "use_case.hpp"

#include "homeward/db/identity.hpp"
#include "homeward/db/sessions.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/sessions.hpp"
#include "homeward/services/two_factor.hpp"
#include "homeward/workflow/time_text.hpp"

#include <arpa/inet.h>
#include <pqxx/except>

#include <algorithm>
#include <array>
#include <mutex>
#include <unordered_map>

namespace homeward::services {
namespace {

constexpr std::string_view wrong_credentials = "wrong username or password";

// Verifying against this when the user does not exist keeps the answer's timing the same.
const std::string& decoy_hash() {
    static const std::string hash = hash_password("decoy password for unknown users");
    return hash;
}

// At the limit of failures in the window, the account is locked (and that is audited).
void lock_at_the_limit(const environment& env, const actor& who, int failures,
                       const session_rules& rules, workflow::time_point now) {
    if (failures < rules.failures_before_lock) {
        return;
    }
    db::unit_of_work uow{env.pool};
    db::sessions::lock_account(uow, who.user_id, now + rules.lock_for);
    audit_success(uow, who, {"user.locked", "user", who.user_id});
    uow.commit();
}

actor actor_of(const db::user_row& user, std::string_view request_id) {
    actor who{user.id,
              user.username,
              user.user_role,
              user.organisation_id,
              user.organisation_code,
              std::string{request_id},
              std::nullopt,
              user.must_change_password,
              user.deployment_admin};
    return who;
}

} // namespace

std::string network_of(std::string_view client_address) {
    const std::string address{client_address};
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
        const bool mapped_v4 = IN6_IS_ADDR_V4MAPPED(&v6);
        if (mapped_v4) {
            std::array<char, INET_ADDRSTRLEN> text{};
            inet_ntop(AF_INET, &v6.s6_addr[12], text.data(), text.size());
            return text.data();
        }
        // One host is given a whole /64: the network, not the address, is who is knocking.
        std::fill(std::begin(v6.s6_addr) + 8, std::end(v6.s6_addr), 0);
        std::array<char, INET6_ADDRSTRLEN> text{};
        inet_ntop(AF_INET6, &v6, text.data(), text.size());
        return std::string{text.data()} + "/64";
    }
    return address;
}

std::optional<two_factor_mode> parse_two_factor_mode(std::string_view text) {
    for (const auto mode :
         {two_factor_mode::optional, two_factor_mode::required, two_factor_mode::off}) {
        if (text == to_string(mode)) {
            return mode;
        }
    }
    return std::nullopt;
}

std::string_view to_string(two_factor_mode mode) {
    switch (mode) {
    case two_factor_mode::required:
        return "required";
    case two_factor_mode::off:
        return "off";
    case two_factor_mode::optional:
        break;
    }
    return "optional";
}

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
                    const session_rules& rules, std::string_view totp) {
    // Bounded before any work: no account has a longer name, and no password is longer; nothing
    // is hashed, stored or looked up for them.
    std::vector<field_error> errors;
    if (username.empty() || username.size() > 128 || !workflow::is_clean_text(username)) {
        errors.push_back({"username", "must be 1 to 128 characters of text"});
    }
    if (password.empty() || password.size() > 1024 || !workflow::is_clean_text(password)) {
        errors.push_back({"password", "must be 1 to 1024 characters of text"});
    }
    if (!errors.empty()) {
        throw failure(failure_kind::invalid_input, workflow::describe(errors), errors);
    }
    const auto now = env.now();
    const auto since = now - rules.failure_window;
    const auto network = network_of(client_address);
    // The attempt is counted (as a failure until it succeeds) before its password is checked.
    db::sessions::attempt attempt;
    std::optional<db::sessions::login_account> account;
    try {
        db::unit_of_work uow{env.pool};
        attempt = db::sessions::begin_attempt(uow, username, client_address, network, now, since);
        if (attempt.network_failures <= rules.failures_per_address) {
            account = db::sessions::account(uow, username);
        }
        uow.commit();
    } catch (const db::unavailable& down) {
        throw database_unavailable(down.what());
    } catch (const pqxx::broken_connection& down) {
        throw database_unavailable(down.what());
    }
    if (attempt.network_failures > rules.failures_per_address) {
        throw failure(failure_kind::too_many_requests,
                      "too many log-in attempts from this network; try again later");
    }
    // A locked account answers exactly like a wrong password (the same work, status and words),
    // so that no one learns from a log-in which usernames exist.
    const bool locked = account && account->locked_until && *account->locked_until > now;
    const bool verified =
        verify_password(password, account ? account->password_hash : decoy_hash());
    // A refusal counts towards the lockout whichever factor was wrong (the attempt stays failed).
    const auto refuse = [&](bool password_was_right) {
        if (account && !locked) {
            lock_at_the_limit(env, actor_of(account->user, request_id), attempt.username_failures,
                              rules, now);
        }
        if (password_was_right) {
            throw second_factor_needed(std::string{wrong_credentials});
        }
        throw failure(failure_kind::unauthenticated, std::string{wrong_credentials});
    };
    if (!verified || !account || locked || !account->user.active) {
        refuse(false);
    }
    // The second factor, for a user who enrolled (a code is used up here, whatever follows).
    if (rules.two_factor != two_factor_mode::off && account->user.two_factor_enrolled) {
        auto checked = second_factor::refused;
        try {
            db::unit_of_work uow{env.pool};
            checked = check_second_factor(uow, rules, account->user.id, totp, now);
            uow.commit();
        } catch (const db::unavailable& down) {
            throw database_unavailable(down.what());
        } catch (const pqxx::broken_connection& down) {
            throw database_unavailable(down.what());
        }
        if (checked == second_factor::refused) {
            refuse(true);
        }
    }
    const std::string token = new_token();
    const auto expires = now + rules.absolute;
    const auto who = actor_of(account->user, request_id);
    return run_audited(env, who, {"session.create", "user", account->user.id},
                       [&](db::unit_of_work& uow) {
                           db::sessions::attempt_succeeded(uow, attempt.id);
                           db::sessions::insert(uow, sha256(token), account->user.id, now, expires);
                           audit_success(uow, who, {"session.create", "user", account->user.id},
                                         {{"client_network", network}});
                           return session_view{token, expires, rules.idle.count(), account->user,
                                               rules.two_factor == two_factor_mode::required &&
                                                   !account->user.two_factor_enrolled};
                       });
}

// ---- sessions checked lately ------------------------------------------------------------------

namespace {

struct kept_session {
    actor who;
    workflow::time_point last_seen_at;
    std::uint64_t generation{0};
    workflow::time_point kept_at;
};

// How long a kept session is used before the database is asked again: short enough that the idle
// clock is still moved in time (the database moves it when it is older than min(60 s, idle / 2)),
// and a bound on how long a change another process made could go unheard should a notification be
// lost with its connection.
std::chrono::seconds keep_for(const session_rules& rules) {
    return std::min<std::chrono::seconds>(std::chrono::seconds{5}, rules.idle / 4);
}

} // namespace

struct session_cache::state {
    std::function<bool()> listening;
    std::size_t capacity;
    mutable std::mutex mutex;
    std::unordered_map<std::string, kept_session> kept;
    stats counted;
};

session_cache::session_cache(std::function<bool()> listening, std::size_t capacity)
    : state_(std::make_unique<state>()) {
    state_->listening = std::move(listening);
    state_->capacity = capacity;
}

session_cache::~session_cache() = default;

session_cache::stats session_cache::counted() const {
    const std::lock_guard lock{state_->mutex};
    return state_->counted;
}

std::optional<actor> session_cache::find(const std::string& token_hash, workflow::time_point now,
                                         const session_rules& rules) {
    if (!state_->listening()) {
        return std::nullopt;
    }
    const auto generation = db::identity::generation();
    const std::lock_guard lock{state_->mutex};
    const auto found = state_->kept.find(token_hash);
    if (found == state_->kept.end()) {
        return std::nullopt;
    }
    const auto& k = found->second;
    const bool good = k.generation == generation && now >= k.kept_at &&
                      now < k.kept_at + keep_for(rules) && k.who.session_expires_at &&
                      now < *k.who.session_expires_at && now < k.last_seen_at + rules.idle;
    if (!good) {
        state_->kept.erase(found);
        return std::nullopt;
    }
    ++state_->counted.used;
    return k.who;
}

void session_cache::keep(const std::string& token_hash, const actor& who,
                         workflow::time_point last_seen_at, std::uint64_t generation,
                         workflow::time_point now) {
    const std::lock_guard lock{state_->mutex};
    if (state_->kept.size() >= state_->capacity) {
        state_->kept.clear();
    }
    kept_session k{who, last_seen_at, generation, now};
    k.who.request_id.clear();
    state_->kept.insert_or_assign(token_hash, std::move(k));
    ++state_->counted.kept;
}

actor authenticate(const environment& env, std::string_view token, std::string_view request_id,
                   const session_rules& rules) {
    const auto now = env.now();
    const auto token_hash = sha256(token);
    if (env.sessions != nullptr) {
        if (auto who = env.sessions->find(token_hash, now, rules)) {
            who->request_id = std::string{request_id};
            return std::move(*who);
        }
    }
    // Read before the session is: a change that commits after this makes what is read stale.
    const auto generation = db::identity::generation();
    try {
        // One statement finds the session and marks it seen: it commits on its own.
        db::unit_of_work uow{env.pool, db::unit_of_work::isolation::single_statement};
        const auto session = db::sessions::find_and_touch(uow, token_hash, now, rules.idle);
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
        who.enrolment_required =
            rules.two_factor == two_factor_mode::required && !session->user.two_factor_enrolled;
        if (env.sessions != nullptr) {
            env.sessions->keep(token_hash, who, session->last_seen_at, generation, now);
        }
        return who;
    } catch (const db::unavailable& down) {
        throw database_unavailable(down.what());
    } catch (const pqxx::broken_connection& down) {
        throw database_unavailable(down.what());
    }
}

session_view describe_session(const actor& who, const session_rules& rules) {
    db::user_row user;
    user.id = who.user_id;
    user.username = who.username;
    user.user_role = who.role;
    user.organisation_id = who.organisation_id;
    user.organisation_code = who.organisation_code;
    user.must_change_password = who.password_change_required;
    user.deployment_admin = who.deployment_admin;
    return {"", who.session_expires_at.value_or(workflow::time_point{}), rules.idle.count(),
            std::move(user), who.enrolment_required};
}

void log_out(const environment& env, const actor& who, std::string_view token) {
    run_audited(env, who, {"session.delete", "user", who.user_id}, [&](db::unit_of_work& uow) {
        db::sessions::revoke(uow, sha256(token), env.now());
        audit_success(uow, who, {"session.delete", "user", who.user_id});
    });
}

void count_wrong_code(const environment& env, const actor& who, std::string_view client_address,
                      const session_rules& rules) {
    const auto now = env.now();
    db::sessions::attempt attempt;
    {
        db::unit_of_work uow{env.pool};
        attempt = db::sessions::begin_attempt(uow, who.username, client_address,
                                              network_of(client_address), now,
                                              now - rules.failure_window);
        uow.commit();
    }
    lock_at_the_limit(env, who, attempt.username_failures, rules, now);
}

void refuse_while_locked(const environment& env, const actor& who) {
    std::optional<workflow::time_point> until;
    {
        db::unit_of_work uow{env.pool, db::unit_of_work::isolation::single_statement};
        if (const auto account = db::sessions::account(uow, who.username)) {
            until = account->locked_until;
        }
    }
    if (until && *until > env.now()) {
        throw failure(failure_kind::too_many_requests,
                      "too many wrong codes or passwords: this account is locked until " +
                          workflow::format_rfc3339(*until) + "; try again then");
    }
}

} // namespace homeward::services
