// A manager reopens a closed episode into follow-up.

#include "effects.hpp"

#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context&, const ev::reopen&) {}

db::episodes::moved apply(event_context& ctx, const ev::reopen& event) {
    return db::episodes::reopen(ctx.uow, ctx.move({{"reason", event.reason}}), event.reason);
}

} // namespace homeward::services::events
