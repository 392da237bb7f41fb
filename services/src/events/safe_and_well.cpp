// The police safe-and-well check after the return.

#include "effects.hpp"

#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context&, const ev::safe_and_well&) {}

db::episodes::moved apply(event_context& ctx, const ev::safe_and_well& event) {
    return db::episodes::record_safe_and_well(ctx.uow, ctx.move({}), event.conducted_at,
                                              event.notes, event.concerns);
}

} // namespace homeward::services::events
