// The data-protection officer's work on a child's record: who saw it, the subject-access export
// and the legal hold.

#include "episode_view.hpp"
#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/children.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/privacy.hpp"
#include "homeward/db/profiles.hpp"
#include "homeward/services/privacy.hpp"
#include "homeward/workflow/events.hpp"
#include "homeward/workflow/input.hpp"
#include "homeward/workflow/time_text.hpp"

#include <array>
#include <iterator>
#include <utility>

namespace homeward::services {
namespace {

using workflow::role;
namespace json = boost::json;

// The routes of the actions the audit trail records about children and episodes (events apart:
// their routes come from their declarations).
constexpr std::array<std::pair<std::string_view, std::string_view>, 27> action_routes{{
    {"child.create", "POST /api/v1/children"},
    {"child.read", "GET /api/v1/children/{id}"},
    {"child.list", "GET /api/v1/children"},
    {"child.search", "GET /api/v1/children?q="},
    {"child.list_at_risk", "GET /api/v1/children?cse_risk="},
    {"child.profile_read", "GET /api/v1/children/{id}/profile"},
    {"child.profile_versions", "GET /api/v1/children/{id}/profile/versions"},
    {"child.profile_update", "PUT /api/v1/children/{id}/profile"},
    {"child.photo_read", "GET /api/v1/children/{id}/photo"},
    {"child.photo_update", "PUT /api/v1/children/{id}/photo"},
    {"child.repeat_review", "POST /api/v1/children/{id}/repeat-missing-review"},
    {"child.cse_reassessment", "POST /api/v1/children/{id}/cse-reassessment"},
    {"child.access", "GET /api/v1/children/{id}/access"},
    {"child.export", "GET /api/v1/children/{id}/export"},
    {"child.legal_hold_set", "PUT /api/v1/children/{id}/legal-hold"},
    {"child.legal_hold_clear", "DELETE /api/v1/children/{id}/legal-hold"},
    {"child.legal_hold_read", "GET /api/v1/children/{id}/legal-hold"},
    {"child.privacy_lookup", "GET /api/v1/privacy/children"},
    {"episode.read", "GET /api/v1/episodes/{id}"},
    {"episode.print", "GET /api/v1/episodes/{id}/report"},
    {"episode.history", "GET /api/v1/episodes/{id}/history"},
    {"episode.list", "GET /api/v1/episodes"},
    {"episode.entities", "GET /api/v1/episodes/{id}/entities"},
    {"episode.entity_link", "POST /api/v1/episodes/{id}/entities"},
    {"overdue.read", "GET /api/v1/overdue"},
    {"notification.list", "GET /api/v1/notifications"},
    {"entity.read", "GET /api/v1/entities/{id}"},
}};

// The child's record in the caller's charge (cse_champion or data_protection_officer of the
// child's responsible authority), or failure(not_found).
std::string child_in_charge(db::unit_of_work& uow, const actor& who, std::string_view child_id) {
    auto child = db::privacy::child_in_charge(uow, child_id, scope_of(who));
    if (!child) {
        throw failure(failure_kind::not_found, "no such child");
    }
    return std::move(*child);
}

std::vector<access_view> views_of(std::vector<db::privacy::access_entry> entries) {
    std::vector<access_view> views;
    for (auto& entry : entries) {
        auto route = route_of_action(entry.action);
        views.push_back({std::move(entry), std::move(route)});
    }
    return views;
}

} // namespace

std::optional<std::string> route_of_action(std::string_view action) {
    for (const auto& [name, route] : action_routes) {
        if (name == action) {
            return std::string{route};
        }
    }
    if (action == "stats.read") {
        return "GET /api/v1/stats";
    }
    if (action == "statutory_return.read") {
        return "GET /api/v1/exports/statutory-return";
    }
    if (action == "episode.report" || action == "episode.report.replay") {
        return "POST /api/v1/episodes";
    }
    constexpr std::string_view episode_prefix = "episode.";
    if (action.starts_with(episode_prefix)) {
        if (const auto event =
                workflow::parse_episode_event(action.substr(episode_prefix.size()))) {
            const auto& traits = workflow::traits_of(*event);
            switch (traits.target) {
            case workflow::event_target::new_episode:
                return "POST /api/v1/episodes";
            case workflow::event_target::episode:
                return "POST /api/v1/episodes/{id}/" + std::string{traits.path};
            case workflow::event_target::action:
                return "POST /api/v1/episodes/{id}/actions/{action_id}/" + std::string{traits.path};
            }
        }
    }
    return std::nullopt;
}

page<access_view> child_access(const environment& env, const actor& who, std::string_view child_id,
                               const access_query& query) {
    const audit_target target{"child.access", "child", std::string{child_id}};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, {role::cse_champion, role::data_protection_officer},
                     "read who saw a child's record");
        check_limit(query.limit);
        std::vector<field_error> errors;
        const auto window = audit_window_in_query(query.from, query.to, query.cursor, errors);
        if (query.user && !workflow::is_uuid(*query.user)) {
            errors.push_back({"user", "is not a user id"});
        }
        if (!errors.empty()) {
            refuse_query(std::move(errors));
        }
        const auto child = child_in_charge(uow, who, child_id);
        db::privacy::access_filter filter;
        filter.child_id = child;
        filter.record_ids = db::privacy::record_ids(uow, child);
        filter.from = window.from;
        filter.to = window.to;
        filter.before_id = window.before_id;
        if (query.organisation) {
            filter.organisation_id =
                organisation_in_query(uow, "organisation", *query.organisation);
        }
        filter.user_id = query.user;
        filter.limit = query.limit;
        auto views = views_of(db::privacy::access(uow, filter));
        audit.read(target,
                   {{"entries", static_cast<std::int64_t>(views.size())},
                    {"organisation",
                     query.organisation ? json::value(*query.organisation) : json::value(nullptr)},
                    {"user", query.user ? json::value(*query.user) : json::value(nullptr)}});
        return page_of(std::move(views), query.limit,
                       [](const access_view& last) { return std::to_string(last.entry.id); });
    });
}

child_export export_child(const environment& env, const actor& who, std::string_view child_id) {
    const audit_target target{"child.export", "child", std::string{child_id}};
    return run_read(
        env, who, target,
        [&](db::unit_of_work& uow, read_audit& audit) {
            require_role(who, {role::data_protection_officer}, "export a child's records");
            const auto child = child_in_charge(uow, who, child_id);
            child_export out;
            out.child = db::children::inserted(uow, child);
            out.exported_at = env.now();
            out.exported_by = who.username;
            out.exported_by_role = who.role;
            out.exported_by_organisation = who.organisation_code;
            // The profile and photograph as the responsible authority holds them.
            const db::scope authority{role::cse_champion, out.child.responsible_authority_id,
                                      who.user_id};
            out.legal_hold = db::privacy::legal_hold_of(uow, child);
            out.reviews = db::children::reviews(uow, child);
            out.profile_versions = db::profiles::versions(uow, child, authority, 1000000);
            out.photo = db::profiles::photo(uow, child, authority, false);
            // Every episode, whichever organisation reported or holds it, with every field: the
            // view of a reader who may read all of it.
            const auto ids = db::privacy::record_ids(uow, child);
            json::array episode_ids;
            for (std::size_t i = 1; i < ids.size(); ++i) {
                auto record = db::episodes::record(uow, ids[i]);
                auto actions = std::move(record.actions);
                const auto clocks = clocks_of(env, record, actions);
                out.episodes.push_back({make_view(env, who, std::move(record), std::move(actions),
                                                  clocks, out.exported_at),
                                        {db::episodes::history(uow, ids[i]), who.role},
                                        out.exported_at,
                                        who.username,
                                        who.role,
                                        who.organisation_code});
                episode_ids.emplace_back(ids[i]);
            }
            out.notifications = db::privacy::notifications_about(uow, ids);
            db::privacy::access_filter filter;
            filter.child_id = child;
            filter.record_ids = ids;
            filter.limit = 500;
            while (true) {
                auto page = views_of(db::privacy::access(uow, filter));
                const bool last = static_cast<int>(page.size()) < filter.limit;
                if (!page.empty()) {
                    filter.before_id = page.back().entry.id;
                }
                std::move(page.begin(), page.end(), std::back_inserter(out.access));
                if (last) {
                    break;
                }
            }
            audit.read(target, {{"episode_ids", std::move(episode_ids)},
                                {"photo", out.photo.has_value()},
                                {"access_entries", static_cast<std::int64_t>(out.access.size())}});
            return out;
        },
        // Everything as it was at one moment.
        db::unit_of_work::isolation::snapshot);
}

std::vector<privacy_child> find_children(const environment& env, const actor& who,
                                         std::string_view name,
                                         const std::optional<std::string>& date_of_birth,
                                         int limit) {
    const audit_target target{"child.privacy_lookup", "child", ""};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, {role::data_protection_officer}, "look up a child's records");
        std::vector<privacy_child> found;
        json::array ids;
        for (auto& child :
             children_by_exact_name(uow, name, date_of_birth, limit, who.organisation_id,
                                    "data-protection officers")) {
            ids.emplace_back(child.id);
            auto hold = db::privacy::legal_hold_of(uow, child.id);
            found.push_back({std::move(child), std::move(hold)});
        }
        // The name asked about stays out of the trail: the ids answered are there.
        audit.read(target, {{"child_ids", std::move(ids)}});
        return found;
    });
}

std::optional<db::privacy::legal_hold> legal_hold_on(const environment& env, const actor& who,
                                                     std::string_view child_id) {
    const audit_target target{"child.legal_hold_read", "child", std::string{child_id}};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, {role::data_protection_officer}, "read a legal hold");
        auto hold = db::privacy::legal_hold_of(uow, child_in_charge(uow, who, child_id));
        audit.read(target, {{"held", hold.has_value()}});
        return hold;
    });
}

db::privacy::legal_hold place_legal_hold(const environment& env, const actor& who,
                                         std::string_view child_id,
                                         const boost::json::object& body) {
    const audit_target target{"child.legal_hold_set", "child", std::string{child_id}};
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        require_role(who, {role::data_protection_officer}, "place a legal hold");
        const auto child = child_in_charge(uow, who, child_id);
        static constexpr std::string_view fields[] = {"reason"};
        workflow::input_reader input{body, fields};
        const auto reason = input.text("reason", 2000);
        finish(input);
        const bool held = db::privacy::legal_hold_of(uow, child).has_value();
        auto hold = db::privacy::place_legal_hold(uow, child, who.user_id, env.now(), reason);
        // The reason is free text: the trail keeps when and whether it was new.
        audit_success(
            uow, who, target,
            {{"placed_at", workflow::format_rfc3339(hold.placed_at)}, {"already_held", held}});
        return hold;
    });
}

void lift_legal_hold(const environment& env, const actor& who, std::string_view child_id) {
    const audit_target target{"child.legal_hold_clear", "child", std::string{child_id}};
    run_audited(env, who, target, [&](db::unit_of_work& uow) {
        require_role(who, {role::data_protection_officer}, "lift a legal hold");
        const auto child = child_in_charge(uow, who, child_id);
        if (!db::privacy::lift_legal_hold(uow, child)) {
            throw failure(failure_kind::not_found, "the child has no legal hold");
        }
        audit_success(uow, who, target);
    });
}

} // namespace homeward::services
