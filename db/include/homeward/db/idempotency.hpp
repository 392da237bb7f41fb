#pragma once
// Idempotency keys of reports: a retried report returns the first episode.

#include "homeward/db/unit_of_work.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace homeward::db::idempotency {

struct first_result {
    std::string request_hash;
    std::string episode_id;
};
// Claims the key for this request; when it was claimed before, returns the first claim.
std::optional<first_result> claim(unit_of_work& uow, std::string_view user_id, std::string_view key,
                                  std::string_view request_hash, std::string_view episode_id);
std::optional<first_result> find(unit_of_work& uow, std::string_view user_id, std::string_view key);

} // namespace homeward::db::idempotency
