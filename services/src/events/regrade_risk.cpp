// The police regrade a missing child's risk: the long-missing clock follows the new grade.

#include "effects.hpp"

#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context&, const ev::regrade_risk&) {}

db::episodes::moved apply(event_context& ctx, const ev::regrade_risk& event) {
    return db::episodes::regrade_risk(
        ctx.uow,
        ctx.move({{"from_risk", workflow::to_string(ctx.episode.risk)},
                  {"to_risk", workflow::to_string(event.level)},
                  {"reason", event.reason}}),
        event.level);
}

} // namespace homeward::services::events
