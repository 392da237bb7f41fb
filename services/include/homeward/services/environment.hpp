#pragma once
// What every use case runs with: the database, the policy, the indicator catalogue, the clock,
// and who is asking.

#include "homeward/workflow/indicators.hpp"
#include "homeward/workflow/policy.hpp"
#include "homeward/workflow/types.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace homeward::db {
class connection_pool;
class replica;
namespace audit {
class batcher;
}
} // namespace homeward::db

namespace homeward::services {

class session_cache;

// Which database answered a read that may be served by the replica.
enum class read_source { primary, replica };

struct environment {
    db::connection_pool& pool;
    workflow::policy policy;
    const workflow::indicator_catalogue& catalogue;
    // Injected so tests never sleep: every rule about "now" asks this.
    std::function<workflow::time_point()> now;
    // Tests only: called inside a transition's transaction right after the state is written,
    // to prove that a failure there leaves nothing behind. Empty in production.
    std::function<void(std::string_view stage)> fault_injection{};
    // Where reads' audit entries go: a batcher shares one durable commit among many reads (serve
    // has one). Unset, each read's entry commits in a transaction of its own.
    db::audit::batcher* audit_reads{nullptr};
    // Sessions checked lately (serve has one): most requests then cost no statement for their
    // session. Unset, every request's session is read from the database.
    session_cache* sessions{nullptr};
    // The streaming replica (serve, with HOMEWARD_REPLICA_URL). Unset: every read is the primary's.
    db::replica* replica{nullptr};
    // Set, on a copy of the environment, for the reads that may be a little behind (the figures
    // and the exports): run_read runs them on the replica while it is usable, on the primary
    // otherwise, and writes here which answered. Unset: the primary. Audit entries and every
    // write go to the primary whatever this says.
    read_source* may_read_replica{nullptr};
};

// The authenticated caller of a use case.
struct actor {
    std::string user_id;
    std::string username;
    workflow::role role{workflow::role::police};
    std::string organisation_id;
    std::string organisation_code;
    std::string request_id;
    // For a caller signed in with a session: when it ends at the latest.
    std::optional<workflow::time_point> session_expires_at{};
    // An admin reset the password: until the user changes it, their session may only do that
    // (GET /api/v1/session and /api/v1/me, PATCH /api/v1/me, DELETE /api/v1/session).
    bool password_change_required{false};
    // An admin of every organisation's accounts, and of the organisations themselves.
    bool deployment_admin{false};
    // HOMEWARD_TWO_FACTOR=required and the user has not enrolled: their session may only enrol
    // (POST /api/v1/session/totp), see who they are (GET /api/v1/me, /api/v1/session) and sign
    // out, until they have.
    bool enrolment_required{false};
};

// The system clock, to the second.
workflow::time_point system_now();

} // namespace homeward::services
