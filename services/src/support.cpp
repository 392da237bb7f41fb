#include "support.hpp"

#include "homeward/db/repository.hpp"
#include "homeward/services/time_text.hpp"

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
    case failure_kind::invalid_query:
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

boost::json::value time_json(std::optional<workflow::time_point> at) {
    return at ? boost::json::value(format_rfc3339(*at)) : boost::json::value(nullptr);
}

std::string organisation_in_query(db::unit_of_work& uow, std::string_view parameter,
                                  const std::string& code) {
    const auto organisation = db::find_organisation_by_code(uow, code);
    if (!organisation) {
        refuse_query({{std::string{parameter}, "no organisation has this code"}});
    }
    return organisation->id;
}

boost::json::array clocks_json(const environment& env, const std::vector<db::clock_row>& clocks,
                               workflow::time_point now) {
    boost::json::array list;
    for (const auto& row : clocks) {
        const auto kind = workflow::parse_clock_kind(row.kind);
        if (!kind) {
            continue;
        }
        const workflow::deadline clock{*kind,      row.subject, row.starts_at,
                                       row.due_at, row.met_at,  row.stopped_at};
        const auto status = workflow::classify(clock, now, env.policy);
        list.push_back(boost::json::object{
            {"kind", row.kind},
            {"subject",
             row.subject.empty() ? boost::json::value(nullptr) : boost::json::value(row.subject)},
            {"starts_at", format_rfc3339(row.starts_at)},
            {"due_at", format_rfc3339(row.due_at)},
            {"met_at", time_json(row.met_at)},
            {"status", workflow::to_string(status)},
            {"overdue", status == workflow::clock_status::overdue},
            {"holder_user_id", row.holder_user_id ? boost::json::value(*row.holder_user_id)
                                                  : boost::json::value(nullptr)},
        });
    }
    return list;
}

void refuse_query(std::vector<field_error> errors) {
    const std::string detail =
        "invalid query: " + errors.front().field + " " + errors.front().message;
    throw failure(failure_kind::invalid_query, detail, std::move(errors));
}

void check_limit(int limit) {
    if (limit < 1 || limit > 500) {
        refuse_query({{"limit", "must be from 1 to 500"}});
    }
}

keyset_cursor parse_cursor(const std::string& text, cursor_key kind) {
    const auto refuse = [] { refuse_query({{"cursor", "is not a cursor this server gave"}}); };
    const auto dot = text.find('.');
    if (dot == 0 || dot == std::string::npos || dot + 1 == text.size() ||
        text.find_first_not_of("0123456789") != dot) {
        refuse();
    }
    std::string key = text.substr(dot + 1);
    const bool key_ok =
        kind == cursor_key::number
            ? key.size() <= 18 && key.find_first_not_of("0123456789") == std::string::npos
            : key.size() == 36 && key.find_first_not_of("0123456789abcdef-") == std::string::npos;
    if (dot > 12 || !key_ok) {
        refuse();
    }
    return {workflow::time_point{std::chrono::seconds{std::stoll(text.substr(0, dot))}},
            std::move(key)};
}

boost::json::object page_of(boost::json::array items, int limit, std::string_view time_field,
                            std::string_view key_field) {
    boost::json::object page;
    page["next_cursor"] = nullptr;
    if (!items.empty() && static_cast<int>(items.size()) == limit) {
        const auto& last = items.back().as_object();
        const auto at = parse_rfc3339(last.at(time_field).as_string());
        const auto& key = last.at(key_field);
        page["next_cursor"] = std::to_string(at->time_since_epoch().count()) + "." +
                              (key.is_string() ? std::string{key.as_string()}
                                               : std::to_string(key.to_number<std::int64_t>()));
    }
    page["items"] = std::move(items);
    return page;
}

} // namespace homeward::services
