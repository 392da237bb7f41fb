#pragma once
// Shared by the use cases: scope from the caller, audit entries, failures from the database.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/errors.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace homeward::services {

db::scope scope_of(const actor& who);

struct audit_target {
    std::string action;      // e.g. "episode.return", "child.read"
    std::string entity_type; // "episode", "child", ...
    std::string entity_id;
};

// Appends a success entry to the audit chain inside the use case's own transaction.
void audit_success(db::unit_of_work& uow, const actor& who, const audit_target& target,
                   const boost::json::object& detail = {});

// Runs a use case's body in one transaction. A services::failure is audited (in a transaction of
// its own, since the use case's was rolled back) and rethrown; the database being unreachable
// becomes failure(unavailable).
boost::json::object run_audited(const environment& env, const actor& who,
                                const audit_target& target,
                                const std::function<boost::json::object(db::unit_of_work&)>& body);

// Throws failure(forbidden) unless the caller's role is one of these.
void require_role(const actor& who, std::initializer_list<workflow::role> roles,
                  std::string_view what);

boost::json::object parse_object(const std::string& json_text);

} // namespace homeward::services
