#include "homeward/db/sessions.hpp"

#include "columns.hpp"
#include "sql.hpp"

namespace homeward::db::sessions {
namespace {

const statement account_sql{"sessions_account",
                            "select " USER_COLUMNS
                            ", u.password_hash, extract(epoch from u.locked_until)::bigint "
                            "from " USER_FROM "where lower(u.username) = lower($1)"};
const statement lock_attempts_sql{
    "sessions_lock_attempts",
    "select pg_advisory_xact_lock(hashtext('homeward login network ' || $1)), "
    "pg_advisory_xact_lock(hashtext('homeward login user ' || lower($2)))"};
const statement begin_attempt_sql{
    "sessions_begin_attempt",
    "with attempt as (insert into login_attempts (username, client_address, client_network, at, "
    "succeeded) values ($1, $2, $3, to_timestamp($4), false) returning id) select (select id "
    "from attempt), (select count(*) from login_attempts where client_network = $3 and not "
    "succeeded and at > to_timestamp($5))::int + 1, (select count(*) from login_attempts where "
    "lower(username) = lower($1) and not succeeded and at > greatest(to_timestamp($5), (select "
    "max(u.unlocked_at) from users u where lower(u.username) = lower($1))))::int + 1"};
const statement attempt_succeeded_sql{"sessions_attempt_succeeded",
                                      "update login_attempts set succeeded = true where id = $1"};
const statement failures_of_sql{"sessions_failures_of",
                                "select count(*)::int from login_attempts where lower(username) = "
                                "lower($1) and not succeeded and at > to_timestamp($2)"};
const statement lock_sql{"sessions_lock_account",
                         "update users set locked_until = to_timestamp($2), failed_logins = 0 "
                         "where id = $1::uuid",
                         effect::identity};
const statement insert_sql{"sessions_insert",
                           "insert into sessions (token_hash, user_id, created_at, last_seen_at, "
                           "expires_at) values ($1, $2::uuid, to_timestamp($3), to_timestamp($3), "
                           "to_timestamp($4))"};
// The lookup and the idle clock's move in one round trip. The update runs only for a session
// still good and last seen over a minute ago; `found` is the row as it was.
const statement find_and_touch_sql{
    "sessions_find_and_touch",
    "with found as (select s.token_hash, s.created_at, s.last_seen_at, s.expires_at, "
    "s.revoked_at, s.user_id from sessions s where s.token_hash = $1), touched as (update "
    "sessions s set last_seen_at = to_timestamp($2) from found where s.token_hash = "
    "found.token_hash and found.revoked_at is null and found.expires_at > to_timestamp($2) and "
    "found.last_seen_at > to_timestamp($2) - make_interval(secs => $3) and found.last_seen_at < "
    "to_timestamp($2) - least(interval '60 seconds', make_interval(secs => $3 / 2))) "
    "select " USER_COLUMNS ", extract(epoch from found.created_at)::bigint, extract(epoch from "
    "found.last_seen_at)::bigint, extract(epoch from found.expires_at)::bigint, extract(epoch "
    "from found.revoked_at)::bigint from found join " USER_FROM "on true where u.id = "
    "found.user_id"};
const statement revoke_sql{"sessions_revoke",
                           "update sessions set revoked_at = to_timestamp($2) where token_hash = "
                           "$1 and revoked_at is null",
                           effect::identity};

const statement revoke_all_sql{"sessions_revoke_all",
                               "update sessions set revoked_at = to_timestamp($2) where user_id = "
                               "$1::uuid and revoked_at is null",
                               effect::identity};

pqxx::binarystring bytes(std::string_view text) { return {text.data(), text.size()}; }

} // namespace

std::optional<login_account> account(unit_of_work& uow, std::string_view username) {
    if (!workflow::is_clean_text(username)) {
        return std::nullopt;
    }
    const auto result = run(uow, account_sql, std::string{username});
    if (result.empty()) {
        return std::nullopt;
    }
    fields f{result[0]};
    login_account found;
    found.user = read_user(f);
    found.password_hash = f.text();
    found.locked_until = f.optional_time();
    return found;
}

attempt begin_attempt(unit_of_work& uow, std::string_view username, std::string_view client_address,
                      std::string_view client_network, time_point at, time_point since) {
    run(uow, lock_attempts_sql, std::string{client_network}, std::string{username});
    fields f{run(uow, begin_attempt_sql, std::string{username}, std::string{client_address},
                 std::string{client_network}, epoch(at), epoch(since))
                 .at(0)};
    attempt made;
    made.id = f.big();
    made.network_failures = f.integer();
    made.username_failures = f.integer();
    return made;
}

void attempt_succeeded(unit_of_work& uow, std::int64_t attempt_id) {
    run(uow, attempt_succeeded_sql, attempt_id);
}

int recent_failures_of(unit_of_work& uow, std::string_view username, time_point since) {
    return run(uow, failures_of_sql, std::string{username}, epoch(since))[0][0].as<int>();
}

void lock_account(unit_of_work& uow, std::string_view user_id, time_point until) {
    run(uow, lock_sql, std::string{user_id}, epoch(until));
}

void insert(unit_of_work& uow, std::string_view token_hash, std::string_view user_id,
            time_point created_at, time_point expires_at) {
    run(uow, insert_sql, bytes(token_hash), std::string{user_id}, epoch(created_at),
        epoch(expires_at));
}

std::optional<session_row> find_and_touch(unit_of_work& uow, std::string_view token_hash,
                                          time_point now, std::chrono::seconds idle) {
    const auto result = run(uow, find_and_touch_sql, bytes(token_hash), epoch(now),
                            static_cast<double>(idle.count()));
    if (result.empty()) {
        return std::nullopt;
    }
    fields f{result[0]};
    session_row row;
    row.user = read_user(f);
    row.created_at = f.time();
    row.last_seen_at = f.time();
    row.expires_at = f.time();
    row.revoked_at = f.optional_time();
    return row;
}

void revoke(unit_of_work& uow, std::string_view token_hash, time_point at) {
    run(uow, revoke_sql, bytes(token_hash), epoch(at));
}

int revoke_all_of(unit_of_work& uow, std::string_view user_id, time_point at) {
    return static_cast<int>(
        run(uow, revoke_all_sql, std::string{user_id}, epoch(at)).affected_rows());
}

} // namespace homeward::db::sessions
