// The child declined the interview: the refusal, its reason, the attempts made and what the
// carers know are recorded; follow-up still happens.

#include "effects.hpp"

#include "homeward/db/episodes.hpp"
#include "homeward/db/interviews.hpp"

namespace homeward::services::events {

void check(check_context&, const ev::record_decline&) {}

db::episodes::moved apply(event_context& ctx, const ev::record_decline& event) {
    db::interview_record record;
    record.outcome = workflow::interview_outcome::declined;
    record.conducted_at = event.declined_at;
    record.recorded_by = ctx.who.user_id;
    record.declined_at = event.declined_at;
    record.declined_reason = event.reason;
    record.attempts = event.attempts;
    record.carers_account = event.carers_account;
    db::interviews::save(ctx.uow, ctx.episode.id, record, ctx.now);
    return db::episodes::move_only(ctx.uow, ctx.move({}));
}

} // namespace homeward::services::events
