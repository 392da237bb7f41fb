// A follow-up action: owned by a user of the child's authorities or of the reporting force.

#include "effects.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::raise_action& event) {
    check_action_owner(ctx, event.owner_id);
}

db::episodes::moved apply(event_context& ctx, const ev::raise_action& event) {
    ctx.created_action_id =
        db::actions::insert(ctx.uow, {ctx.episode.id, event.type, event.description, event.owner_id,
                                      ctx.who.user_id, ctx.now, event.due_at});
    return db::episodes::move_only(ctx.uow, ctx.move({{"type", workflow::to_string(event.type)},
                                                      {"owner_id", event.owner_id}}));
}

} // namespace homeward::services::events
