// A social worker takes an episode, or a manager gives it to one: the worker must belong to the
// child's responsible or host authority. A worker given an episode by a manager is told.

#include "effects.hpp"

#include "../notify.hpp"

#include "homeward/db/episodes.hpp"
#include "homeward/db/organisations.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::assign& event) {
    std::vector<std::string> authorities{ctx.episode.responsible_authority_id};
    if (ctx.episode.host_authority_id) {
        authorities.push_back(*ctx.episode.host_authority_id);
    }
    if (!event.worker_id.empty() &&
        !db::users::is_worker_of(ctx.uow, event.worker_id, authorities,
                                 {workflow::role::social_worker, workflow::role::manager})) {
        ctx.input.add("worker_id", "must be a social worker or manager of the child's authorities");
    }
}

db::episodes::moved apply(event_context& ctx, const ev::assign& event) {
    // Given by a manager: the worker is told. Who takes an episode knows.
    if (event.worker_id != ctx.who.user_id) {
        notify_user(ctx.uow, ctx.episode, event.worker_id, "episode_assigned",
                    "An episode is now yours", {},
                    "episode_assigned:" + ctx.episode.id + ":v" +
                        std::to_string(ctx.episode.version + 1));
    }
    return db::episodes::assign(ctx.uow, ctx.move({{"worker_id", event.worker_id}}),
                                event.worker_id);
}

} // namespace homeward::services::events
