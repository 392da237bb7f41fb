#include "support.hpp"

#include "homeward/db/repository.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/except>

#include <algorithm>
#include <chrono>

namespace homeward::services {
namespace {

std::string_view outcome_of(failure_kind kind) {
    switch (kind) {
    case failure_kind::forbidden:
    case failure_kind::unauthenticated:
    case failure_kind::too_many_requests:
        return "denied";
    case failure_kind::not_found:
        return "not_found";
    case failure_kind::invalid_input:
    case failure_kind::idempotency_conflict:
        return "invalid";
    case failure_kind::state_conflict:
    case failure_kind::stale_version:
        return "conflict";
    case failure_kind::unavailable:
        return "error";
    }
    return "error";
}

db::audit_entry entry_for(const actor& who, const audit_target& target, std::string_view outcome,
                          const boost::json::object& detail) {
    db::audit_entry entry;
    entry.request_id = who.request_id;
    if (!who.user_id.empty()) {
        entry.actor_id = who.user_id;
        entry.actor_username = who.username;
        entry.actor_role = std::string{workflow::to_string(who.role)};
    }
    if (!who.organisation_id.empty()) {
        entry.organisation_id = who.organisation_id;
    }
    entry.action = std::string{target.action};
    entry.entity_type = std::string{target.entity_type};
    entry.entity_id = target.entity_id;
    entry.outcome = std::string{outcome};
    entry.detail_json = boost::json::serialize(detail);
    return entry;
}

} // namespace

workflow::time_point system_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

db::scope scope_of(const actor& who) {
    return {std::string{workflow::to_string(who.role)}, who.organisation_id, who.user_id};
}

void audit_success(db::unit_of_work& uow, const actor& who, const audit_target& target,
                   const boost::json::object& detail) {
    db::append_audit(uow, entry_for(who, target, "success", detail));
}

boost::json::object run_audited(const environment& env, const actor& who,
                                const audit_target& target,
                                const std::function<boost::json::object(db::unit_of_work&)>& body) {
    try {
        try {
            db::unit_of_work uow{env.pool};
            auto result = body(uow);
            uow.commit();
            return result;
        } catch (const failure& refused) {
            boost::json::object detail{{"status", refused.detail()}};
            db::unit_of_work uow{env.pool};
            db::append_audit(uow, entry_for(who, target, outcome_of(refused.kind()), detail));
            uow.commit();
            throw;
        }
    } catch (const db::unavailable& down) {
        throw failure(failure_kind::unavailable, down.what());
    } catch (const pqxx::broken_connection& down) {
        throw failure(failure_kind::unavailable,
                      std::string{"the database connection was lost: "} + down.what());
    }
}

void require_role(const actor& who, std::initializer_list<workflow::role> roles,
                  std::string_view what) {
    if (std::find(roles.begin(), roles.end(), who.role) == roles.end()) {
        throw failure(failure_kind::forbidden, "the role " +
                                                   std::string{workflow::to_string(who.role)} +
                                                   " may not " + std::string{what});
    }
}

boost::json::object parse_object(const std::string& json_text) {
    return boost::json::parse(json_text).as_object();
}

} // namespace homeward::services
