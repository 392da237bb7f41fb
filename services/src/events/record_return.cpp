// The child is found or comes back: the clocks start, and both authorities are told, with the time
// the return interview is due.

#include "effects.hpp"

#include "../notify.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/workflow/time_text.hpp"

namespace homeward::services::events {

void check(check_context&, const ev::record_return&) {}

db::episodes::moved apply(event_context& ctx, const ev::record_return& event) {
    notify_authorities(
        ctx.uow, ctx.episode, "child_returned", "Child returned",
        {{"returned_at", workflow::format_rfc3339(event.returned_at)},
         {"interview_due_at",
          workflow::format_rfc3339(event.returned_at + ctx.env.policy.interview_held_due)}});
    return db::episodes::record_return(ctx.uow, ctx.move({}), event.returned_at,
                                       event.found_location, event.returned_to, event.found_by);
}

} // namespace homeward::services::events
