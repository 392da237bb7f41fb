// The retention schedule: what falls due, the authority's rule, and the job that anonymises the
// records of every child past it.

#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/retention.hpp"
#include "homeward/services/retention.hpp"
#include "homeward/workflow/time_text.hpp"

#include <charconv>

namespace homeward::services {
namespace {

using workflow::role;
namespace json = boost::json;

// Children due read a batch at a time (each read works out every child's due day), then
// anonymised one transaction each.
constexpr int retention_batch = 5000;
// Ten years ahead at most.
constexpr int longest_horizon = 3650;

std::chrono::sys_days today(const environment& env) {
    return std::chrono::floor<std::chrono::days>(env.now());
}

int days_in_query(const std::optional<std::string>& text) {
    if (!text) {
        return 90;
    }
    int days = -1;
    const auto* end = text->data() + text->size();
    const auto [at, error] = std::from_chars(text->data(), end, days);
    if (text->empty() || error != std::errc{} || at != end || days < 0 || days > longest_horizon) {
        refuse_query({{"days", "must be a whole number of days, 0 to 3650"}});
    }
    return days;
}

// The system anonymising a child of `authority`: no user, the authority's organisation.
actor retention_actor(const db::retention::due_child& child) {
    actor system;
    system.role = role::data_protection_officer;
    system.organisation_id = child.authority_id;
    system.organisation_code = child.authority_code;
    system.request_id = "retention";
    return system;
}

// The cursor of a due list: "<due day as epoch seconds>.<child id>".
std::string due_cursor(const db::retention::due_child& last) {
    return cursor_text(workflow::time_point{last.due_on}, last.child_id);
}

} // namespace

retention_report run_retention(const environment& env, std::chrono::sys_days as_of, bool dry_run,
                               const std::atomic<bool>* stopping) {
    retention_report report;
    report.as_of = as_of;
    report.dry_run = dry_run;
    db::retention::due_filter filter;
    filter.until = as_of;
    filter.held = false;
    filter.limit = retention_batch;
    while (stopping == nullptr || !*stopping) {
        std::vector<db::retention::due_child> batch;
        {
            db::unit_of_work uow{env.pool};
            batch = db::retention::due(uow, filter);
            uow.commit();
        }
        for (const auto& child : batch) {
            if (dry_run) {
                report.children.push_back(child);
                continue;
            }
            if (stopping != nullptr && *stopping) {
                break;
            }
            db::unit_of_work uow{env.pool};
            const auto done = db::retention::anonymise(uow, child.child_id, as_of, env.now());
            if (!done) {
                continue; // anonymised by another process, or no longer due (a hold placed)
            }
            // Ids, the rule and the dates: nothing that names the child.
            audit_success(uow, retention_actor(done->child),
                          {"child.anonymised", "child", done->child.child_id},
                          {{"due_on", workflow::format_date(done->child.due_on)},
                           {"rule", done->child.rule},
                           {"as_of", workflow::format_date(as_of)},
                           {"episodes", done->episodes}});
            uow.commit();
            report.children.push_back(done->child);
            report.episodes += done->episodes;
        }
        if (static_cast<int>(batch.size()) < filter.limit) {
            break;
        }
        filter.after_on = batch.back().due_on;
        filter.after_child = batch.back().child_id;
    }
    return report;
}

page<db::retention::due_child> retention_due(const environment& env, const actor& who,
                                             const retention_due_query& query) {
    const audit_target target{"retention.due", "", ""};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, {role::data_protection_officer}, "read the retention schedule");
        check_limit(query.limit);
        const int days = days_in_query(query.days);
        db::retention::due_filter filter;
        filter.until = today(env) + std::chrono::days{days};
        filter.authority_id = who.organisation_id;
        filter.limit = query.limit;
        if (query.cursor) {
            const auto after = parse_cursor(*query.cursor, cursor_key::uuid);
            filter.after_on = std::chrono::floor<std::chrono::days>(after.at);
            filter.after_child = after.key;
        }
        auto items = db::retention::due(uow, filter);
        json::array child_ids;
        for (const auto& item : items) {
            child_ids.emplace_back(item.child_id);
        }
        audit.read(target, {{"days", days}, {"child_ids", std::move(child_ids)}});
        return page_of(std::move(items), query.limit, due_cursor);
    });
}

db::retention::policy retention_policy(const environment& env, const actor& who) {
    const audit_target target{"retention.policy_read", "organisation", who.organisation_id};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, {role::data_protection_officer, role::admin},
                     "read the retention schedule");
        auto rule = db::retention::policy_of(uow, who.organisation_id);
        audit.read(target);
        return rule;
    });
}

db::retention::policy set_retention_policy(const environment& env, const actor& who,
                                           const boost::json::object& body) {
    const audit_target target{"retention.policy_set", "organisation", who.organisation_id};
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        require_role(who, {role::data_protection_officer, role::admin},
                     "set the retention schedule");
        std::vector<field_error> errors;
        for (const auto& [key, value] : body) {
            if (key != "keep_until_age" && key != "years_after_last_closed") {
                errors.push_back({std::string{key}, "is not a field of the retention policy"});
            }
        }
        const auto number = [&](std::string_view field, int most) {
            const auto* value = body.if_contains(field);
            if (value == nullptr) {
                errors.push_back({std::string{field}, "is required"});
                return 0;
            }
            if (!value->is_int64() || value->as_int64() < 0 || value->as_int64() > most) {
                errors.push_back({std::string{field},
                                  "must be a whole number from 0 to " + std::to_string(most)});
                return 0;
            }
            return static_cast<int>(value->as_int64());
        };
        db::retention::policy rule;
        rule.keep_until_age = number("keep_until_age", 120);
        rule.years_after_last_closed = number("years_after_last_closed", 100);
        if (!errors.empty()) {
            throw failure(failure_kind::invalid_input, "the retention policy is not valid",
                          std::move(errors));
        }
        if (!db::retention::set_policy(uow, who.organisation_id, rule, who.user_id, env.now())) {
            throw failure(failure_kind::forbidden,
                          "only a local authority sets a retention policy for its children");
        }
        audit_success(uow, who, target,
                      {{"keep_until_age", rule.keep_until_age},
                       {"years_after_last_closed", rule.years_after_last_closed}});
        return db::retention::policy_of(uow, who.organisation_id);
    });
}

} // namespace homeward::services
