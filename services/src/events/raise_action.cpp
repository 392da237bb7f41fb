// A follow-up action: owned by a user of the child's authorities or of the reporting force.

#include "effects.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/organisations.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::raise_action& event) {
    std::vector<std::string> organisations{ctx.episode.responsible_authority_id,
                                           ctx.episode.police_force_id};
    if (ctx.episode.host_authority_id) {
        organisations.push_back(*ctx.episode.host_authority_id);
    }
    using workflow::role;
    if (!event.owner_id.empty() &&
        !db::users::is_worker_of(ctx.uow, event.owner_id, organisations,
                                 {role::social_worker, role::manager, role::police})) {
        // An owner must be able to complete the action: a social worker, manager or officer.
        ctx.input.add("owner_id", "must be a social worker or manager of the episode's "
                                  "authorities, or an officer of its force");
    }
}

bool apply(event_context& ctx, const ev::raise_action& event) {
    if (!db::episodes::move_only(ctx.uow, ctx.move({{"type", workflow::to_string(event.type)},
                                                    {"owner_id", event.owner_id}}))) {
        return false;
    }
    ctx.created_action_id =
        db::actions::insert(ctx.uow, {ctx.episode.id, event.type, event.description, event.owner_id,
                                      ctx.who.user_id, ctx.now, event.due_at});
    return true;
}

} // namespace homeward::services::events
