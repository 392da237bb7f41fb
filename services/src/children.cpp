#include "homeward/services/children.hpp"

#include "child_clocks.hpp"
#include "homeward/db/repository.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/time_text.hpp"
#include "input.hpp"
#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

// The child as the caller may see it, with the episodes in scope, the repeat-missing count and
// the child's own clocks.
boost::json::object child_view(const environment& env, db::unit_of_work& uow, const actor& who,
                               std::string_view id) {
    const auto scope = scope_of(who);
    const auto json = db::child_json(uow, id, scope);
    if (!json) {
        throw failure(failure_kind::not_found, "no such child");
    }
    auto child = parse_object(*json);
    child["episodes"] = boost::json::parse(db::child_episodes_json(uow, id, scope));
    const auto reports = db::child_report_times(uow, id);
    const auto now = env.now();
    const int recent = workflow::recent_reports(env.policy, reports, now);
    child["recent_episodes"] = recent;
    child["repeat_missing"] = recent >= env.policy.repeat_threshold;
    child["repeat_window_days"] = env.policy.repeat_window.count();
    child["clocks"] = clocks_json(env, db::child_clocks(uow, id), now);
    return child;
}

// A multi-agency review after repeat missing, or a CSE reassessment: recorded, and the child's
// clock of that kind met (a reassessment that still finds risk opens the next).
boost::json::object record_review(const environment& env, const actor& who, std::string_view id,
                                  const boost::json::object& body, workflow::clock_kind kind) {
    const bool reassessment = kind == workflow::clock_kind::cse_reassessment;
    const std::string kind_name{workflow::to_string(kind)};
    const std::string action = reassessment ? "child.cse_reassessment" : "child.repeat_review";
    return run_audited(env, who, {action, "child", std::string{id}}, [&](db::unit_of_work& uow) {
        if (reassessment) {
            require_role(who, {role::social_worker, role::manager, role::cse_champion},
                         "record a CSE reassessment");
        } else {
            require_role(who, {role::manager, role::cse_champion}, "record a multi-agency review");
        }
        const auto authorities = db::child_authorities_of(uow, id, scope_of(who));
        if (!authorities) {
            throw failure(failure_kind::not_found, "no such child");
        }
        const auto now = env.now();
        const std::vector<std::string_view> fields =
            reassessment ? std::vector<std::string_view>{"held_at", "cse_risk", "notes"}
                         : std::vector<std::string_view>{"held_at", "notes"};
        input_reader input{body, std::span<const std::string_view>{fields}};
        const auto held_at = input.required_time("held_at");
        if (held_at && *held_at > now) {
            input.add("held_at", "must not be in the future");
        }
        std::optional<workflow::cse_risk> risk;
        if (reassessment) {
            risk = input.choice<workflow::cse_risk>("cse_risk", workflow::parse_cse_risk,
                                                    "none, low, medium, high");
        }
        const auto notes = input.optional_text("notes", 10000).value_or("");
        input.finish();

        const std::optional<std::string> risk_name =
            risk ? std::optional{std::string{workflow::to_string(*risk)}} : std::nullopt;
        const auto review_id = db::insert_child_review(
            uow, {std::string{id}, kind_name, *held_at, risk_name, notes, who.user_id});
        if (reassessment) {
            const auto holder =
                who.role == role::social_worker ? std::optional{who.user_id} : std::nullopt;
            note_cse_assessment(
                env, uow,
                {std::string{id}, authorities->responsible_authority_id, holder, *held_at, *risk});
            if (*risk == workflow::cse_risk::medium || *risk == workflow::cse_risk::high) {
                db::notify(uow, {authorities->responsible_authority_id, "cse_champion",
                                 std::nullopt, "cse_risk_raised", std::nullopt, std::string{id},
                                 "CSE reassessment records risk " + *risk_name,
                                 boost::json::serialize(boost::json::object{
                                     {"child_id", id}, {"cse_risk", *risk_name}}),
                                 "cse_risk_raised:review:" + review_id});
            }
        } else if (db::meet_child_clocks(uow, id, kind_name, *held_at) == 0) {
            throw failure(failure_kind::state_conflict,
                          "no multi-agency review is open for this child from before " +
                              format_rfc3339(*held_at));
        }
        audit_success(uow, who, {action, "child", std::string{id}},
                      {{"review_id", review_id}, {"held_at", format_rfc3339(*held_at)}});
        return child_view(env, uow, who, id);
    });
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
            auto child = child_view(env, uow, who, id);
            audit_success(uow, who, {"child.read", "child", std::string{id}});
            return child;
        });
}

boost::json::object record_repeat_review(const environment& env, const actor& who,
                                         std::string_view id, const boost::json::object& body) {
    return record_review(env, who, id, body, workflow::clock_kind::repeat_missing_review);
}

boost::json::object record_cse_reassessment(const environment& env, const actor& who,
                                            std::string_view id, const boost::json::object& body) {
    return record_review(env, who, id, body, workflow::clock_kind::cse_reassessment);
}

boost::json::object search_children(const environment& env, const actor& who,
                                    std::string_view query, int limit,
                                    std::optional<std::string> date_of_birth) {
    return run_audited(env, who, {"child.search", "child", ""}, [&](db::unit_of_work& uow) {
        require_role(who, {role::police, role::social_worker, role::manager, role::cse_champion},
                     "search children");
        if (query.size() < 2 || query.size() > 100) {
            refuse_query({{"q", "must be 2 to 100 characters"}});
        }
        if (date_of_birth && !parse_date(*date_of_birth)) {
            refuse_query({{"date_of_birth", "must be a date, YYYY-MM-DD"}});
        }
        boost::json::object result;
        result["items"] = boost::json::parse(
            db::search_children_json(uow, query, scope_of(who), limit, date_of_birth));
        result["next_cursor"] = nullptr;
        audit_success(uow, who, {"child.search", "child", ""}, {{"q", query}});
        return result;
    });
}

} // namespace homeward::services
