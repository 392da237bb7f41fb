// The return interview held: its record and observed indicators; the CSE reassessment clock it
// opens (risk low or above); and the champion told when the risk is medium or high.

#include "effects.hpp"

#include "../child_clocks.hpp"
#include "../notify.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/interviews.hpp"
#include "homeward/db/organisations.hpp"

namespace homeward::services::events {

void check(check_context& ctx, const ev::record_interview& event) {
    if (event.interviewer_id && !db::users::by_id(ctx.uow, *event.interviewer_id)) {
        ctx.input.add("interviewer_id", "is not a user of Homeward");
    }
}

db::episodes::moved apply(event_context& ctx, const ev::record_interview& event) {
    const auto risk = std::string{workflow::to_string(event.risk)};
    db::interview_record record;
    record.outcome = workflow::interview_outcome::held;
    record.conducted_at = event.conducted_at;
    record.recorded_by = ctx.who.user_id;
    record.interviewer_id = event.interviewer_id;
    record.interviewer_independent = event.independent;
    record.location = event.location;
    record.where_stayed = event.where_stayed;
    record.with_whom = event.with_whom;
    record.push_factors = event.push_factors;
    record.pull_factors = event.pull_factors;
    record.harm_disclosed = event.harm_disclosed;
    record.harm_details = event.harm_details;
    record.indicators = event.indicators;
    record.indicator_score = event.indicator_score;
    record.suggested_cse_risk = event.suggested;
    record.risk = event.risk;
    record.risk_rationale = event.risk_rationale;
    record.child_views = event.child_views;
    record.police_intelligence = event.police_intelligence;
    db::interviews::save(ctx.uow, ctx.episode.id, record, ctx.now);

    const auto holder = ctx.who.role == workflow::role::social_worker
                            ? std::optional{ctx.who.user_id}
                            : ctx.episode.assigned_worker_id;
    note_cse_assessment(ctx.env, ctx.uow,
                        {ctx.episode.child_id, ctx.episode.responsible_authority_id, holder,
                         event.conducted_at, event.risk});
    if (workflow::needs_champion(event.risk)) {
        notify_champions(
            ctx.uow,
            authorities_of(ctx.episode.responsible_authority_id, ctx.episode.host_authority_id),
            ctx.episode.id, ctx.episode.child_id, "cse_risk_raised",
            "Interview records CSE risk " + risk,
            {{"episode_id", ctx.episode.id}, {"cse_risk", risk}},
            "cse_risk_raised:" + ctx.episode.id + ":v" + std::to_string(ctx.episode.version + 1));
    }
    return db::episodes::move_only(
        ctx.uow, ctx.move({{"cse_risk", risk},
                           {"suggested_cse_risk", workflow::to_string(event.suggested)}}));
}

} // namespace homeward::services::events
