#pragma once
// The SQL of Homeward, behind typed functions. Each takes the unit of work its caller holds, so
// that a use case's writes share one transaction. Scope (role, organisation) is applied in the
// WHERE of every read of case content: a row out of scope is simply not found.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db {

// Raised for a write that breaks a unique constraint (a duplicate code, username, ...).
class duplicate : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Runs a trivial query: true when the database answers.
bool ping(unit_of_work& uow);

// ---- organisations and users -----------------------------------------------------------------
std::string insert_organisation(unit_of_work& uow, std::string_view code, std::string_view name,
                                std::string_view kind);
std::optional<organisation_row> find_organisation_by_code(unit_of_work& uow, std::string_view code);
std::string insert_user(unit_of_work& uow, std::string_view username,
                        std::string_view password_hash, std::string_view role,
                        std::string_view organisation_id);
std::optional<user_row> find_user_by_id(unit_of_work& uow, std::string_view id);

// ---- children --------------------------------------------------------------------------------
std::string insert_child(unit_of_work& uow, const new_child& child);
// The child as the API shows it, or nullopt when out of scope.
std::optional<std::string> child_json(unit_of_work& uow, std::string_view child_id,
                                      const scope& who);
std::optional<child_authorities> child_authorities_of(unit_of_work& uow, std::string_view child_id,
                                                      const scope& who);
// The child's episodes the caller may see, newest first, as a JSON array.
std::string child_episodes_json(unit_of_work& uow, std::string_view child_id, const scope& who);
// Every report time of the child (all episodes, whoever reported them): the repeat count.
std::vector<time_point> child_report_times(unit_of_work& uow, std::string_view child_id);
std::string search_children_json(unit_of_work& uow, std::string_view query, const scope& who,
                                 int limit,
                                 std::optional<std::string> date_of_birth = std::nullopt);

// ---- episodes --------------------------------------------------------------------------------
std::string insert_episode(unit_of_work& uow, const new_episode& episode);
// Loads the episode in scope and locks it for the rest of the transaction.
std::optional<episode_row> lock_episode(unit_of_work& uow, std::string_view id, const scope& who);
std::optional<episode_row> load_episode(unit_of_work& uow, std::string_view id, const scope& who);
// The episode as the API shows it; police do not see the child's own account.
std::string episode_json(unit_of_work& uow, std::string_view id, bool include_child_account);
std::string history_json(unit_of_work& uow, std::string_view id);
struct episode_filter {
    std::vector<std::string> states; // empty: any state
    std::optional<std::string> child_id;
    std::optional<std::string> authority_id;
    std::optional<std::string> assigned_worker_id; // only episodes assigned to this user
    bool unassigned{false};                        // only episodes assigned to nobody
    int limit{50};
    std::optional<time_point> after_reported_at; // cursor: strictly after (reported_at, id)
    std::optional<std::string> after_id;
};
// Items newest first, as a JSON array of {id, child_id, child: {given_name, family_name,
// date_of_birth}, state, version, reported_at, ...}.
std::string list_episodes_json(unit_of_work& uow, const scope& who, const episode_filter& filter);

// One field assignment of an event's write.
struct column_value {
    std::string column;
    std::optional<std::string> value; // as text, cast by the column's type; nullopt = NULL
    bool is_time{false};              // value is seconds since the epoch
};
// Sets the columns, moves the state, bumps the version. Returns false when the version moved on.
bool update_episode(unit_of_work& uow, std::string_view id, int expected_version,
                    std::string_view new_state, const std::vector<column_value>& columns);
void insert_history(unit_of_work& uow, std::string_view episode_id, int version,
                    std::string_view actor_id, std::string_view actor_role, std::string_view event,
                    std::optional<std::string> from_state, std::string_view to_state,
                    const std::string& detail_json, time_point at);

// ---- interviews and actions --------------------------------------------------------------------
void insert_interview(unit_of_work& uow, std::string_view episode_id,
                      const interview_record& record, time_point recorded_at);
std::optional<action_row> find_action(unit_of_work& uow, std::string_view episode_id,
                                      std::string_view action_id);
std::vector<action_row> actions_of(unit_of_work& uow, std::string_view episode_id);
std::string insert_action(unit_of_work& uow, std::string_view episode_id, std::string_view type,
                          std::string_view description, std::string_view owner_id,
                          std::string_view raised_by, time_point raised_at, time_point due_at);
void complete_action(unit_of_work& uow, std::string_view action_id, std::string_view outcome,
                     std::string_view completed_by, time_point completed_at);
std::string action_json(unit_of_work& uow, std::string_view action_id);
// Is this an active user with one of these roles in one of these organisations?
bool is_worker_of(unit_of_work& uow, std::string_view user_id,
                  const std::vector<std::string>& organisation_ids,
                  const std::vector<std::string>& roles);

// ---- clocks ------------------------------------------------------------------------------------
// Replaces the episode's clocks with these (keeping what the sweeper noted about each).
void save_clocks(unit_of_work& uow, std::string_view episode_id, std::string_view child_id,
                 const std::vector<clock_row>& clocks);
std::vector<clock_row> clocks_of(unit_of_work& uow, std::string_view episode_id);

// A child-level clock (no episode): the repeat-missing review, the CSE reassessment. Raised once
// per start; false when it exists already.
bool save_child_clock(unit_of_work& uow, std::string_view child_id, const clock_row& clock);
// The child's own clocks, oldest first.
std::vector<clock_row> child_clocks(unit_of_work& uow, std::string_view child_id);
// Meets the child's open clocks of this kind that started by `at`; returns how many.
int meet_child_clocks(unit_of_work& uow, std::string_view child_id, std::string_view kind,
                      time_point at);
// A multi-agency review or CSE reassessment held; returns its id.
std::string insert_child_review(unit_of_work& uow, const child_review& review);

// The overdue queue: open clocks past due (or, with due_soon, due within the window), most
// overdue first, in the caller's scope. Police: their force's police clocks; social workers:
// the clocks they hold; managers and the champion: their authority's.
struct overdue_filter {
    std::optional<std::string> kind;
    std::optional<std::string> authority_id;
    std::optional<std::string> worker_id;
    bool due_soon{false};
    time_point now;
    std::chrono::seconds window{std::chrono::hours{24}};
    int limit{50};
    std::optional<time_point> after_due; // cursor
    std::optional<std::int64_t> after_id;
};
std::string overdue_json(unit_of_work& uow, const scope& who, const overdue_filter& filter);

// The sweeper's claim: open clocks that have become due soon (or overdue) and were not yet
// announced, marked announced in the same statement. Rows another sweeper holds are skipped.
struct claimed_clock {
    std::int64_t id;
    std::optional<std::string> episode_id;
    std::string child_id;
    std::string kind;
    std::string subject;
    time_point due_at;
    std::optional<std::string> holder_organisation_id;
    std::optional<std::string> holder_user_id;
    std::optional<std::string> responsible_authority_id;
};
std::vector<claimed_clock> claim_clocks(unit_of_work& uow, bool overdue, time_point now,
                                        std::chrono::seconds window, int limit);

// ---- notifications and outbox ------------------------------------------------------------------
// Raised once: a second call with the same dedupe key does nothing. The first call also queues
// a webhook message when the recipient organisation has a webhook.
void notify(unit_of_work& uow, const notification& note);

// ---- idempotency -------------------------------------------------------------------------------
struct idempotent_result {
    std::string request_hash;
    std::string episode_id;
};
// Claims the key for this request; when it was claimed before, returns the first claim.
std::optional<idempotent_result> claim_idempotency_key(unit_of_work& uow, std::string_view user_id,
                                                       std::string_view key,
                                                       std::string_view request_hash,
                                                       std::string_view episode_id);
std::optional<idempotent_result> find_idempotency_key(unit_of_work& uow, std::string_view user_id,
                                                      std::string_view key);

// ---- sessions and log-ins -----------------------------------------------------------------------
struct login_account {
    user_row user;
    std::optional<time_point> locked_until;
};
std::optional<login_account> find_login_account(unit_of_work& uow, std::string_view username);
// Records an attempt; on failure counts the account's recent failures and locks it when they
// reach `lock_after` within `window`. Returns the account's lock time, if locked.
void record_login_attempt(unit_of_work& uow, std::string_view username,
                          std::string_view client_address, bool succeeded, time_point at);
int recent_failed_logins(unit_of_work& uow, std::string_view username, time_point since);
int recent_failures_from(unit_of_work& uow, std::string_view client_address, time_point since);
void lock_account(unit_of_work& uow, std::string_view user_id, time_point until);
void insert_session(unit_of_work& uow, std::string_view token_hash, std::string_view user_id,
                    time_point created_at, time_point expires_at);
struct session_row {
    user_row user;
    time_point created_at;
    time_point last_seen_at;
    time_point expires_at;
    std::optional<time_point> revoked_at;
};
std::optional<session_row> find_session(unit_of_work& uow, std::string_view token_hash);
// Moves the idle clock to `at`, at most once a minute (a write per request would cost more than
// the 30-minute idle limit needs).
void touch_session(unit_of_work& uow, std::string_view token_hash, time_point at);
void revoke_session(unit_of_work& uow, std::string_view token_hash, time_point at);

// ---- notifications, audit reads
// ------------------------------------------------------------------ Notifications for the user:
// addressed to them, or to their organisation (all or their role).
std::string notifications_json(unit_of_work& uow, const scope& who, int limit,
                               std::optional<time_point> before,
                               std::optional<std::string> before_id);
bool mark_notification_read(unit_of_work& uow, const scope& who, std::string_view id);
struct audit_filter {
    std::optional<std::string> entity_id;
    std::optional<std::string> actor_id;
    std::optional<time_point> from;
    std::optional<time_point> to;
    std::optional<std::string> organisation_id; // the champion's authority; unset for admins
    int limit{50};
    std::optional<std::int64_t> before_seq;
};
std::string audit_json(unit_of_work& uow, const audit_filter& filter);

// ---- audit -------------------------------------------------------------------------------------
// Appends to the hash chain; serialised on the chain's head row, so concurrent appends queue.
std::int64_t append_audit(unit_of_work& uow, const audit_entry& entry);
struct audit_check {
    std::int64_t entries{0};
    std::optional<std::int64_t> first_broken; // seq of the first entry that does not verify
    std::string problem;
};
audit_check verify_audit_chain(unit_of_work& uow);

} // namespace homeward::db
