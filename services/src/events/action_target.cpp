// What the events on one follow-up action share: finding it, and who may own it.

#include "effects.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/services/errors.hpp"

namespace homeward::services::events {

void find_target_action(check_context& ctx, const std::string& action_id) {
    const auto action = db::actions::find(ctx.uow, ctx.episode.id, action_id);
    if (!action) {
        throw failure(failure_kind::not_found, "no such action on this episode");
    }
    ctx.facts.target_action = workflow::episode_facts::action{
        action->owner_id, action->status == workflow::action_status::open};
}

void check_action_owner(check_context& ctx, const std::string& owner_id) {
    std::vector<std::string> organisations{ctx.episode.responsible_authority_id,
                                           ctx.episode.police_force_id};
    if (ctx.episode.host_authority_id) {
        organisations.push_back(*ctx.episode.host_authority_id);
    }
    using workflow::role;
    if (!owner_id.empty() &&
        !db::users::is_worker_of(ctx.uow, owner_id, organisations,
                                 {role::social_worker, role::manager, role::police})) {
        // An owner must be able to complete the action: a social worker, manager or officer.
        ctx.input.add("owner_id", "must be a social worker or manager of the episode's "
                                  "authorities, or an officer of its force");
    }
}

} // namespace homeward::services::events
