#include "homeward/services/children.hpp"

#include "homeward/db/repository.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/time_text.hpp"
#include "input.hpp"
#include "support.hpp"

#include <boost/json/parse.hpp>

#include <array>

namespace homeward::services {
namespace {

using workflow::role;

constexpr std::array<std::string_view, 9> child_fields{
    "given_name",    "family_name",           "date_of_birth",  "sex",
    "looked_after",  "responsible_authority", "host_authority", "ethnicity",
    "placement_type"};

std::optional<std::string> parse_sex(std::string_view text) {
    for (const std::string_view sex : {"female", "male", "other", "unknown"}) {
        if (text == sex) {
            return std::string{sex};
        }
    }
    return std::nullopt;
}

// An authority named by its code: must exist and be a local authority.
std::optional<std::string> authority_id(db::unit_of_work& uow, input_reader& input,
                                        std::string_view field, const std::string& code) {
    const auto organisation = db::find_organisation_by_code(uow, code);
    if (!organisation || organisation->kind != "local_authority") {
        input.add(field, "must be the code of a local authority");
        return std::nullopt;
    }
    return organisation->id;
}

} // namespace

boost::json::object create_child(const environment& env, const actor& who,
                                 const boost::json::object& body) {
    return run_audited(env, who, {"child.create", "child", ""}, [&](db::unit_of_work& uow) {
        require_role(who, {role::police, role::social_worker, role::manager}, "add a child");
        input_reader input{body, child_fields};
        db::new_child child;
        child.given_name = input.text("given_name", 100);
        child.family_name = input.text("family_name", 100);
        const auto born = input.date("date_of_birth");
        if (input.ok() && born > std::chrono::floor<std::chrono::days>(env.now())) {
            input.add("date_of_birth", "is in the future");
        }
        child.date_of_birth =
            format_rfc3339(std::chrono::time_point_cast<std::chrono::seconds>(born)).substr(0, 10);
        child.sex = input.choice<std::string>("sex", parse_sex, "female, male, other, unknown")
                        .value_or("");
        child.looked_after = input.boolean("looked_after");
        const auto responsible = input.text("responsible_authority", 32);
        const auto host = input.optional_text("host_authority", 32);
        child.ethnicity = input.optional_text("ethnicity", 100);
        child.placement_type = input.optional_text("placement_type", 100);
        if (!responsible.empty()) {
            child.responsible_authority_id =
                authority_id(uow, input, "responsible_authority", responsible).value_or("");
        }
        if (host) {
            child.host_authority_id = authority_id(uow, input, "host_authority", *host);
            if (child.host_authority_id == child.responsible_authority_id) {
                child.host_authority_id.reset(); // the same authority is not a second one
            }
        }
        if (input.ok() && who.role != role::police &&
            child.responsible_authority_id != who.organisation_id &&
            child.host_authority_id != who.organisation_id) {
            input.add("responsible_authority",
                      "your authority must be the child's responsible or host authority");
        }
        input.finish();
        child.created_by = who.user_id;
        const std::string id = db::insert_child(uow, child);
        audit_success(uow, who, {"child.create", "child", id});
        return parse_object(*db::child_json(uow, id, scope_of(who)));
    });
}

boost::json::object get_child(const environment& env, const actor& who, std::string_view id) {
    return run_audited(
        env, who, {"child.read", "child", std::string{id}}, [&](db::unit_of_work& uow) {
            require_role(who,
                         {role::police, role::social_worker, role::manager, role::cse_champion},
                         "read a child's record");
            const auto scope = scope_of(who);
            const auto json = db::child_json(uow, id, scope);
            if (!json) {
                throw failure(failure_kind::not_found, "no such child");
            }
            auto child = parse_object(*json);
            child["episodes"] = boost::json::parse(db::child_episodes_json(uow, id, scope));
            const auto reports = db::child_report_times(uow, id);
            const int recent = workflow::recent_reports(env.policy, reports, env.now());
            child["recent_episodes"] = recent;
            child["repeat_missing"] = recent >= env.policy.repeat_threshold;
            child["repeat_window_days"] = env.policy.repeat_window.count();
            audit_success(uow, who, {"child.read", "child", std::string{id}});
            return child;
        });
}

boost::json::object search_children(const environment& env, const actor& who,
                                    std::string_view query, int limit) {
    return run_audited(env, who, {"child.search", "child", ""}, [&](db::unit_of_work& uow) {
        require_role(who, {role::police, role::social_worker, role::manager, role::cse_champion},
                     "search children");
        if (query.size() < 2 || query.size() > 100) {
            throw failure(failure_kind::invalid_input, "q must be 2 to 100 characters",
                          {{"q", "must be 2 to 100 characters"}});
        }
        boost::json::object result;
        result["items"] =
            boost::json::parse(db::search_children_json(uow, query, scope_of(who), limit));
        result["next_cursor"] = nullptr;
        audit_success(uow, who, {"child.search", "child", ""}, {{"q", query}});
        return result;
    });
}

} // namespace homeward::services
