// The CSE champion signs off an episode whose CSE risk is medium or high.

#include "effects.hpp"

#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context&, const ev::sign_off&) {}

db::episodes::moved apply(event_context& ctx, const ev::sign_off& event) {
    return db::episodes::sign_off(ctx.uow, ctx.move({{"note", event.note}}), event.note);
}

} // namespace homeward::services::events
