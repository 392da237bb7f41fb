#pragma once
// A child's own clocks, shared by the interview (an episode event) and the reassessment (a child
// use case): every CSE assessment meets the reassessment that was due, and one that finds CSE risk
// low or above opens the next.

#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/environment.hpp"

#include <optional>
#include <string>

namespace homeward::services {

struct cse_assessment {
    std::string child_id;
    std::string authority_id;                  // the child's responsible authority: holds the clock
    std::optional<std::string> holder_user_id; // the social worker who holds it, if known
    workflow::time_point at;
    workflow::cse_risk risk{workflow::cse_risk::none};
};

void note_cse_assessment(const environment& env, db::unit_of_work& uow,
                         const cse_assessment& assessment);

} // namespace homeward::services
