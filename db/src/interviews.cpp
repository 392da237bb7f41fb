#include "homeward/db/interviews.hpp"

#include "sql.hpp"

namespace homeward::db::interviews {
namespace {

// The interview and its observed indicators in one statement. A held interview after a refusal
// takes the interview's place but keeps the refusal: when it was, its reason, the attempts made
// and what the carers said.
const statement save_sql{
    "interviews_save",
    "with saved as (insert into interviews (episode_id, outcome, conducted_at, recorded_by, "
    "recorded_at, interviewer_id, interviewer_independent, location, where_stayed, with_whom, "
    "push_factors, pull_factors, harm_disclosed, harm_details, cse_risk, suggested_cse_risk, "
    "indicator_score, risk_rationale, child_views, police_intelligence, declined_reason, "
    "attempts, carers_account, declined_at) values ($1::uuid, $2, to_timestamp($3), $4::uuid, "
    "to_timestamp($5), $6::uuid, $7, $8, $9, $10, $11::text[], $12::text[], $13, $14, $15, $16, "
    "$17, $18, $19, $20, $21, $22, $23, to_timestamp($25)) on conflict (episode_id) do update set "
    "outcome = excluded.outcome, conducted_at = excluded.conducted_at, recorded_by = "
    "excluded.recorded_by, recorded_at = excluded.recorded_at, interviewer_id = "
    "excluded.interviewer_id, interviewer_independent = excluded.interviewer_independent, "
    "location = excluded.location, where_stayed = excluded.where_stayed, with_whom = "
    "excluded.with_whom, push_factors = excluded.push_factors, pull_factors = "
    "excluded.pull_factors, harm_disclosed = excluded.harm_disclosed, harm_details = "
    "excluded.harm_details, cse_risk = excluded.cse_risk, suggested_cse_risk = "
    "excluded.suggested_cse_risk, indicator_score = excluded.indicator_score, risk_rationale = "
    "excluded.risk_rationale, child_views = excluded.child_views, police_intelligence = "
    "excluded.police_intelligence, declined_reason = coalesce(excluded.declined_reason, "
    "interviews.declined_reason), attempts = coalesce(excluded.attempts, interviews.attempts), "
    "carers_account = coalesce(excluded.carers_account, interviews.carers_account), declined_at = "
    "coalesce(excluded.declined_at, interviews.declined_at) returning episode_id), cleared as "
    "(delete from observed_indicators where episode_id = $1::uuid) insert into "
    "observed_indicators (episode_id, indicator_code) select saved.episode_id, code from saved, "
    "unnest($24::text[]) as code"};

} // namespace

void save(unit_of_work& uow, std::string_view episode_id, const interview_record& r,
          time_point recorded_at) {
    run(uow, save_sql, std::string{episode_id}, text_of(r.outcome), epoch(r.conducted_at),
        r.recorded_by, epoch(recorded_at), r.interviewer_id, r.interviewer_independent, r.location,
        r.where_stayed, r.with_whom, text_array(r.push_factors), text_array(r.pull_factors),
        r.harm_disclosed, r.harm_details, text_of(r.risk), text_of(r.suggested_cse_risk),
        r.indicator_score, r.risk_rationale, r.child_views, r.police_intelligence,
        r.declined_reason, r.attempts, r.carers_account, text_array(r.indicators),
        epoch(r.declined_at));
}

} // namespace homeward::db::interviews
