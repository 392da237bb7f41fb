#include "child_clocks.hpp"

#include "homeward/db/clocks.hpp"
#include "homeward/workflow/policy.hpp"

namespace homeward::services {

void note_cse_assessment(const environment& env, db::unit_of_work& uow,
                         const cse_assessment& assessment) {
    const auto kind = workflow::to_string(workflow::clock_kind::cse_reassessment);
    db::clocks::meet_child_clocks(uow, assessment.child_id, kind, assessment.at);
    if (assessment.risk == workflow::cse_risk::none) {
        return;
    }
    const auto next = workflow::cse_reassessment_deadline(env.policy, assessment.at);
    db::clocks::save_child_clock(uow, assessment.child_id,
                                 {std::string{kind}, "", next.starts_at, next.due_at, std::nullopt,
                                  std::nullopt, assessment.authority_id,
                                  assessment.holder_user_id});
}

} // namespace homeward::services
