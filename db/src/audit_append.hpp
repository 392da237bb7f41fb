#pragma once
// The audit trail's append as a part of another statement: a write whose audit entry goes into the
// trail in the same statement as the write itself saves a round trip to the database. audit.cpp
// owns these and builds its own append from them.

#include "homeward/db/records.hpp"

#include <optional>
#include <string>
#include <tuple>

namespace homeward::db::audit {

// Two common table expressions, `audited` (the entry, returning its id) and `audit_queued` (its
// place in the queue of entries to chain), for a statement's WITH list. The entry's ten values are
// the statement's parameters from $first on, in entry_values' order.
std::string append_ctes(int first);

using entry_values_type =
    std::tuple<std::string, std::optional<std::string>, std::optional<std::string>,
               std::optional<std::string>, std::optional<std::string>, std::string, std::string,
               std::string, std::string, std::string>;
entry_values_type entry_values(const audit_entry& entry);

} // namespace homeward::db::audit
