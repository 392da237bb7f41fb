#pragma once
// RFC 3339 times, as the API takes and gives them. Stored and compared as UTC seconds.

#include "homeward/workflow/types.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace homeward::workflow {

// "2026-11-28T14:05:00Z", "2026-11-28T15:05:00.250+01:00": the offset is applied, fractions of a
// second are dropped. Anything else (no offset, bad date, 24:00, ...) is nullopt.
std::optional<time_point> parse_rfc3339(std::string_view text);
// "2026-11-28T14:05:00Z".
std::string format_rfc3339(time_point at);
// "2026-11-28" → days since the epoch; nullopt for a date that does not exist.
std::optional<std::chrono::sys_days> parse_date(std::string_view text);
// Days since the epoch → "2026-11-28".
std::string format_date(std::chrono::sys_days day);

} // namespace homeward::workflow
