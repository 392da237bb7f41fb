#pragma once
// The return interview's record (held or declined) and the CSE indicators observed.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <string_view>

namespace homeward::db::interviews {

// Writes the interview (replacing an earlier refusal's record) and its observed indicators.
void save(unit_of_work& uow, std::string_view episode_id, const interview_record& record,
          time_point recorded_at);

} // namespace homeward::db::interviews
