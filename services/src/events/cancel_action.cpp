// A follow-up action no longer needed, cancelled with the reason by its owner or a manager. Its
// clock ends with it; the episode may close once every action is done or cancelled.

#include "effects.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::cancel_action& event) {
    find_target_action(ctx, event.action_id);
}

db::episodes::moved apply(event_context& ctx, const ev::cancel_action& event) {
    db::actions::finish(ctx.uow, event.action_id, workflow::action_status::cancelled, event.reason,
                        ctx.who.user_id, ctx.now);
    return db::episodes::move_only(
        ctx.uow, ctx.move({{"action_id", event.action_id}, {"reason", event.reason}}));
}

} // namespace homeward::services::events
