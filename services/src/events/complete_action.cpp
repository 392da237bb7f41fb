// A follow-up action done, by its owner or a manager.

#include "effects.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::complete_action& event) {
    find_target_action(ctx, event.action_id);
}

db::episodes::moved apply(event_context& ctx, const ev::complete_action& event) {
    db::actions::finish(ctx.uow, event.action_id, workflow::action_status::done, event.outcome,
                        ctx.who.user_id, ctx.now);
    return db::episodes::move_only(ctx.uow, ctx.move({{"action_id", event.action_id}}));
}

} // namespace homeward::services::events
