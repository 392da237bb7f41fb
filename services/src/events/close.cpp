// The episode closed: every action done, and signed off where the CSE risk needs it.

#include "effects.hpp"

#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context&, const ev::close&) {}

db::episodes::moved apply(event_context& ctx, const ev::close& event) {
    return db::episodes::close(ctx.uow, ctx.move({{"summary", event.summary}}), event.summary);
}

} // namespace homeward::services::events
