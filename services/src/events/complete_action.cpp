// A follow-up action done, by its owner or a manager.

#include "effects.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/services/errors.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::complete_action& event) {
    const auto action = db::actions::find(ctx.uow, ctx.episode.id, event.action_id);
    if (!action) {
        throw failure(failure_kind::not_found, "no such action on this episode");
    }
    ctx.facts.target_action = workflow::episode_facts::action{
        action->owner_id, action->status == workflow::action_status::open};
}

bool apply(event_context& ctx, const ev::complete_action& event) {
    if (!db::episodes::move_only(ctx.uow, ctx.move({{"action_id", event.action_id}}))) {
        return false;
    }
    db::actions::complete(ctx.uow, event.action_id, event.outcome, ctx.who.user_id, ctx.now);
    return true;
}

} // namespace homeward::services::events
