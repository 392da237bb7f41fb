// An open follow-up action given to another owner by a manager: the action's clock follows it to
// the new owner, who is told.

#include "effects.hpp"

#include "../notify.hpp"
#include "homeward/db/actions.hpp"
#include "homeward/db/episodes.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::reassign_action& event) {
    find_target_action(ctx, event.action_id);
    check_action_owner(ctx, event.owner_id);
}

db::episodes::moved apply(event_context& ctx, const ev::reassign_action& event) {
    db::actions::reassign(ctx.uow, event.action_id, event.owner_id);
    notify_user(ctx.uow, ctx.episode, event.owner_id, "action_assigned",
                "A follow-up action is now yours", {{"action_id", event.action_id}},
                "action_assigned:" + event.action_id + ":v" +
                    std::to_string(ctx.episode.version + 1));
    return db::episodes::move_only(
        ctx.uow, ctx.move({{"action_id", event.action_id}, {"owner_id", event.owner_id}}));
}

} // namespace homeward::services::events
