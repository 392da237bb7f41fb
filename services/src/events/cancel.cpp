// A report made in error or a duplicate, cancelled before the return.

#include "effects.hpp"

#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context&, const ev::cancel&) {}

db::episodes::moved apply(event_context& ctx, const ev::cancel& event) {
    return db::episodes::cancel(ctx.uow, ctx.move({{"reason", event.reason}}), event.reason);
}

} // namespace homeward::services::events
