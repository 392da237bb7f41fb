// The return interview is offered; from `interviewed` (after a refusal) it is a further offer,
// and the first offer's time stays.

#include "effects.hpp"

#include "homeward/db/episodes.hpp"
#include "homeward/db/organisations.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::offer_interview& event) {
    if (event.interviewer_id && !db::users::by_id(ctx.uow, *event.interviewer_id)) {
        ctx.input.add("interviewer_id", "is not a user of Homeward");
    }
}

db::episodes::moved apply(event_context& ctx, const ev::offer_interview& event) {
    const bool further = ctx.episode.state == workflow::episode_state::interviewed;
    return db::episodes::offer_interview(ctx.uow, ctx.move({{"further_offer", further}}), further,
                                         event.offered_at, event.scheduled_for,
                                         event.interviewer_id, event.independent);
}

} // namespace homeward::services::events
