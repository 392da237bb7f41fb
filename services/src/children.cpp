// Children: added by police or social work, read with their episodes and own clocks, searched by
// name; and the child's own reviews.

#include "child_clocks.hpp"
#include "episode_view.hpp"
#include "notify.hpp"
#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/children.hpp"
#include "homeward/db/clocks.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/db/privacy.hpp"
#include "homeward/services/children.hpp"
#include "homeward/workflow/time_text.hpp"

#include <array>

namespace homeward::services {
namespace {

using workflow::role;

constexpr std::string_view child_fields[] = {
    "given_name",    "family_name",           "date_of_birth",  "sex",
    "looked_after",  "responsible_authority", "host_authority", "ethnicity",
    "placement_type"};

// An authority named by its code: must exist and be a local authority.
std::optional<std::string> authority_id(db::unit_of_work& uow, workflow::input_reader& input,
                                        std::string_view field, const std::string& code) {
    const auto organisation = db::organisations::by_code(uow, code);
    if (!organisation || organisation->kind != workflow::organisation_kind::local_authority) {
        input.add(field, "must be the code of a local authority");
        return std::nullopt;
    }
    return organisation->id;
}

// The child as the caller may see it, with the episodes in scope, the repeat-missing count and
// the child's own clocks.
child_view view_of(const environment& env, db::unit_of_work& uow, const actor& who,
                   std::string_view id) {
    const auto scope = scope_of(who);
    auto child = db::children::find(uow, id, scope);
    if (!child) {
        throw failure(failure_kind::not_found, "no such child");
    }
    child_view view;
    view.child = std::move(*child);
    view.episodes = db::children::episodes_of(uow, id, scope);
    const auto now = env.now();
    view.recent_episodes =
        workflow::recent_reports(env.policy, db::children::report_times(uow, id), now);
    view.repeat_missing = view.recent_episodes >= env.policy.repeat_threshold;
    view.repeat_window_days = static_cast<int>(env.policy.repeat_window.count());
    view.legal_hold = db::privacy::legal_hold_of(uow, id);
    // The child's own clocks and reviews are social work's (a CSE reassessment tells that an
    // authority graded CSE risk): police never see them.
    if (who.role != role::police) {
        view.clocks = clock_views(env, db::clocks::of_child(uow, id), now);
        view.reviews = db::children::reviews(uow, id);
    }
    return view;
}

// A multi-agency review after repeat missing, or a CSE reassessment: recorded, and the child's
// clock of that kind met (a reassessment that still finds risk opens the next).
child_view record_review(const environment& env, const actor& who, std::string_view id,
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
        const auto child = db::children::find(uow, id, scope_of(who));
        if (!child) {
            throw failure(failure_kind::not_found, "no such child");
        }
        const auto now = env.now();
        static constexpr std::string_view reassessment_fields[] = {"held_at", "cse_risk", "notes"};
        static constexpr std::string_view review_fields[] = {"held_at", "notes"};
        workflow::input_reader input{
            body, reassessment ? std::span<const std::string_view>{reassessment_fields}
                               : std::span<const std::string_view>{review_fields}};
        const auto held_at = input.required_time("held_at");
        if (held_at && *held_at > now) {
            input.add("held_at", "must not be in the future");
        }
        std::optional<workflow::cse_risk> risk;
        if (reassessment) {
            risk = input.choice<workflow::cse_risk>("cse_risk", workflow::parse_cse_risk,
                                                    choices_of(workflow::cse_risk{}));
        }
        const auto notes = input.optional_text("notes", 10000).value_or("");
        finish(input);

        const auto review_id = db::clocks::insert_review(
            uow, {std::string{id}, kind_name, *held_at, risk, notes, who.user_id});
        if (reassessment) {
            const auto holder =
                who.role == role::social_worker ? std::optional{who.user_id} : std::nullopt;
            note_cse_assessment(
                env, uow,
                {std::string{id}, child->responsible_authority_id, holder, *held_at, *risk});
            if (workflow::needs_champion(*risk)) {
                const std::string level{workflow::to_string(*risk)};
                notify_champions(
                    uow, authorities_of(child->responsible_authority_id, child->host_authority_id),
                    std::nullopt, std::string{id}, "cse_risk_raised",
                    "CSE reassessment records risk " + level,
                    {{"child_id", id}, {"cse_risk", level}}, "cse_risk_raised:review:" + review_id);
            }
        } else if (db::clocks::meet_child_clocks(uow, id, kind_name, *held_at) == 0) {
            throw failure(failure_kind::state_conflict,
                          "no multi-agency review is open for this child from before " +
                              workflow::format_rfc3339(*held_at));
        }
        audit_success(uow, who, {action, "child", std::string{id}},
                      {{"review_id", review_id}, {"held_at", workflow::format_rfc3339(*held_at)}});
        return view_of(env, uow, who, id);
    });
}

} // namespace

child_record create_child(const environment& env, const actor& who,
                          const boost::json::object& body) {
    return run_audited(env, who, {"child.create", "child", ""}, [&](db::unit_of_work& uow) {
        require_role(who, {role::police, role::social_worker, role::manager}, "add a child");
        workflow::input_reader input{body, child_fields};
        db::new_child child;
        child.given_name = input.text("given_name", 100);
        child.family_name = input.text("family_name", 100);
        child.date_of_birth = input.date("date_of_birth");
        if (input.ok() && child.date_of_birth > std::chrono::floor<std::chrono::days>(env.now())) {
            input.add("date_of_birth", "is in the future");
        }
        child.child_sex =
            input.choice<workflow::sex>("sex", workflow::parse_sex, choices_of(workflow::sex{}))
                .value_or(workflow::sex::unknown);
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
        finish(input);
        child.created_by = who.user_id;
        const std::string id = db::children::insert(uow, child);
        audit_success(uow, who, {"child.create", "child", id});
        return db::children::inserted(uow, id);
    });
}

child_view get_child(const environment& env, const actor& who, std::string_view id) {
    return run_read(env, who, {"child.read", "child", std::string{id}},
                    [&](db::unit_of_work& uow, read_audit& audit) {
                        require_role(
                            who,
                            {role::police, role::social_worker, role::manager, role::cse_champion},
                            "read a child's record");
                        auto child = view_of(env, uow, who, id);
                        audit.read({"child.read", "child", std::string{id}});
                        return child;
                    });
}

child_view record_repeat_review(const environment& env, const actor& who, std::string_view id,
                                const boost::json::object& body) {
    return record_review(env, who, id, body, workflow::clock_kind::repeat_missing_review);
}

child_view record_cse_reassessment(const environment& env, const actor& who, std::string_view id,
                                   const boost::json::object& body) {
    return record_review(env, who, id, body, workflow::clock_kind::cse_reassessment);
}

page<child_record> children_in_scope(const environment& env, const actor& who, int limit,
                                     const std::optional<std::string>& cursor) {
    return run_read(
        env, who, {"child.list", "child", ""}, [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who,
                         {role::police, role::social_worker, role::manager, role::cse_champion},
                         "list children");
            check_limit(limit);
            if (cursor && !workflow::is_uuid(*cursor)) {
                refuse_query({{"cursor", "is not a cursor this server gave"}});
            }
            auto result = page_of(db::children::in_scope(uow, scope_of(who), cursor, limit), limit,
                                  [](const child_record& last) { return last.id; });
            boost::json::array ids;
            for (const auto& child : result.items) {
                ids.emplace_back(child.id);
            }
            audit.read({"child.list", "child", ""}, {{"child_ids", std::move(ids)}});
            return result;
        });
}

page<child_record> search_children(const environment& env, const actor& who, std::string_view query,
                                   int limit, const std::optional<std::string>& date_of_birth) {
    return run_read(
        env, who, {"child.search", "child", ""}, [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who,
                         {role::police, role::social_worker, role::manager, role::cse_champion},
                         "search children");
            page<child_record> result;
            if (who.role == role::police) {
                // Police look a child up by exact name and date of birth to report them; beyond
                // that they see only children their force has reported.
                result.items = children_by_exact_name(uow, query, date_of_birth, limit,
                                                      std::nullopt, "police");
            } else {
                check_limit(limit);
                check_name_query(query);
                const auto born = date_of_birth_in_query(date_of_birth);
                result.items = db::children::search(uow, query, scope_of(who), limit, born);
            }
            boost::json::array ids;
            for (const auto& child : result.items) {
                ids.emplace_back(child.id);
            }
            // What was searched for is a name: the trail keeps the ids it returned, not the text.
            audit.read({"child.search", "child", ""}, {{"child_ids", std::move(ids)}});
            return result;
        });
}

page<child_at_risk> children_at_risk(const environment& env, const actor& who,
                                     const std::string& levels, int limit) {
    return run_read(
        env, who, {"child.list_at_risk", "child", ""},
        [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, {role::social_worker, role::manager, role::cse_champion},
                         "list children by CSE risk");
            check_limit(limit);
            std::vector<workflow::cse_risk> wanted;
            std::size_t start = 0;
            while (true) {
                const auto comma = levels.find(',', start);
                const auto level = workflow::parse_cse_risk(levels.substr(
                    start, comma == std::string::npos ? std::string::npos : comma - start));
                if (!level) {
                    refuse_query(
                        {{"cse_risk", "must be none, low, medium or high, or a list of them "
                                      "separated by commas"}});
                }
                wanted.push_back(*level);
                if (comma == std::string::npos) {
                    break;
                }
                start = comma + 1;
            }
            page<child_at_risk> result;
            result.items = db::children::at_risk(uow, scope_of(who), wanted, limit);
            boost::json::array ids;
            for (const auto& item : result.items) {
                ids.emplace_back(item.child.id);
            }
            audit.read({"child.list_at_risk", "child", ""}, {{"child_ids", std::move(ids)}});
            return result;
        });
}

} // namespace homeward::services
