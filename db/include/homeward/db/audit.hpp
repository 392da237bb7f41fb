#pragma once
// The hash-chained audit trail: appends, the chain's check, and the trail as its readers see it.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace homeward::db::audit {

// Appends to the hash chain; serialised on the chain's head row, so concurrent appends queue.
std::int64_t append(unit_of_work& uow, const audit_entry& entry);

struct check {
    std::int64_t entries{0};
    std::optional<std::int64_t> first_broken; // seq of the first entry that does not verify
    std::string problem;
};
// Walks the chain from the first entry to the head (run it in a snapshot transaction).
check verify(unit_of_work& uow);

struct filter {
    std::optional<std::string> entity_id;
    std::optional<std::string> actor_id;
    std::optional<time_point> from;
    std::optional<time_point> to;
    std::optional<std::string> organisation_id; // the champion's authority; unset for admins
    int limit{50};
    std::optional<std::int64_t> before_seq;
};
// Newest first.
std::vector<audit_item> list(unit_of_work& uow, const filter& f);

} // namespace homeward::db::audit
