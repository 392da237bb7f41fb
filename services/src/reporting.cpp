// The report: police make a new episode of a child, missing or away. A retry with the same
// Idempotency-Key returns the first episode. A report that brings the child's reports within the
// policy's window to the threshold opens the repeat-missing review and tells the authority.

#include "episode_view.hpp"
#include "notify.hpp"
#include "use_case.hpp"

#include "homeward/db/actions.hpp"
#include "homeward/db/children.hpp"
#include "homeward/db/clocks.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/idempotency.hpp"
#include "homeward/db/notifications.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/workflow/episode_machine.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json/serialize.hpp>

namespace homeward::services {
namespace {

namespace json = boost::json;
using workflow::time_point;

std::string epoch_text(time_point at) { return std::to_string(at.time_since_epoch().count()); }

// When this report brings the child's reports within the policy's window to the threshold, the
// repeat-missing review clock opens and the managers and champion of the child's authorities
// (responsible and host) are told.
void note_repeat_missing(const environment& env, db::unit_of_work& uow, const db::episode_row& row,
                         time_point now) {
    const auto reports = db::children::report_times(uow, row.child_id);
    if (workflow::recent_reports(env.policy, reports, now) < env.policy.repeat_threshold) {
        return;
    }
    // One review at a time: a further report while one is open adds to it, not another.
    const auto review_kind = workflow::to_string(workflow::clock_kind::repeat_missing_review);
    for (const auto& clock : db::clocks::of_child(uow, row.child_id)) {
        if (clock.kind == review_kind && !clock.met_at && !clock.stopped_at) {
            return;
        }
    }
    const auto review = workflow::repeat_review_deadline(env.policy, now, std::nullopt);
    const db::clock_row clock{std::string{workflow::to_string(review.kind)},
                              "",
                              review.starts_at,
                              review.due_at,
                              std::nullopt,
                              std::nullopt,
                              row.responsible_authority_id,
                              std::nullopt};
    if (!db::clocks::save_child_clock(uow, row.child_id, clock)) {
        return;
    }
    const auto body =
        json::serialize(json::object{{"child_id", row.child_id},
                                     {"episode_id", row.id},
                                     {"reports_in_window", env.policy.repeat_threshold},
                                     {"window_days", env.policy.repeat_window.count()},
                                     {"review_due_at", workflow::format_rfc3339(review.due_at)}});
    for (const auto& authority :
         authorities_of(row.responsible_authority_id, row.host_authority_id)) {
        for (const auto recipient : {workflow::role::manager, workflow::role::cse_champion}) {
            db::notifications::raise(
                uow, {authority, recipient, std::nullopt, "repeat_missing", row.id, row.child_id,
                      "Repeat missing: a multi-agency review is due", body,
                      "repeat_missing:" + row.child_id + ":" + epoch_text(now) + ":" +
                          std::string{workflow::to_string(recipient)} +
                          (authority == row.responsible_authority_id ? "" : ":" + authority)});
        }
    }
}

std::string request_hash(const json::object& body) { return sha256(json::serialize(body)); }

// Thrown (not a failure, so not audited) when another report with the same idempotency key
// committed first: this attempt is rolled back and answered with the first result.
struct idempotency_race {
    db::idempotency::first_result first;
};

// The episode as the reporter now sees it.
episode_view view_of(const environment& env, db::unit_of_work& uow, const actor& who,
                     const std::string& id, time_point now) {
    auto record = db::episodes::record(uow, id);
    auto actions = std::move(record.actions);
    const auto clocks = clocks_of(env, record, actions);
    return make_view(env, who, std::move(record), std::move(actions), clocks, now);
}

} // namespace

episode_view report_episode(const environment& env, const actor& who, const json::object& body,
                            std::optional<std::string> idempotency_key) {
    if (idempotency_key && (idempotency_key->empty() || idempotency_key->size() > 200 ||
                            !workflow::is_clean_text(*idempotency_key))) {
        throw failure(failure_kind::invalid_input,
                      "Idempotency-Key must be 1 to 200 characters of text",
                      {{"Idempotency-Key", "must be 1 to 200 characters of text"}});
    }
    const std::string hash = request_hash(body);
    // The first result of a key, when the key was used before.
    const auto replay = [&](db::unit_of_work& uow,
                            const db::idempotency::first_result& first) -> episode_view {
        if (first.request_hash != hash) {
            throw failure(failure_kind::idempotency_conflict,
                          "this Idempotency-Key was used for a different report");
        }
        if (!db::episodes::find(uow, first.episode_id, scope_of(who))) {
            throw failure(failure_kind::not_found, "no such episode");
        }
        audit_success(uow, who, {"episode.report.replay", "episode", first.episode_id});
        return view_of(env, uow, who, first.episode_id, env.now());
    };
    const auto report = [&](db::unit_of_work& uow) -> episode_view {
        require_role(who, {workflow::role::police}, "report an episode");
        if (idempotency_key) {
            if (const auto first = db::idempotency::find(uow, who.user_id, *idempotency_key)) {
                return replay(uow, *first);
            }
        }
        const time_point now = env.now();
        workflow::input_reader input{body, workflow::events::report::fields};
        const auto event = workflow::events::report::read(input, {now, &env.catalogue});
        std::optional<db::child_record> child;
        if (!event.child_id.empty()) {
            // Any child may be reported (police find a child new to them by an exact lookup);
            // the child stays locked until this report commits, so that two reports of one
            // child made at once each count the other towards repeat missing.
            child = db::children::lock_for_report(uow, event.child_id);
            if (!child) {
                input.add("child_id", "no child has this id");
            }
        }
        const auto decision =
            workflow::decide(std::nullopt, {who.role, who.user_id, now}, {}, event);
        finish(input);
        if (!decision.allowed()) {
            throw failure(failure_kind::invalid_input, decision.reason,
                          {{decision.field, decision.reason}});
        }
        db::new_episode episode;
        episode.child_id = event.child_id;
        episode.police_force_id = who.organisation_id;
        episode.responsible_authority_id = child->responsible_authority_id;
        episode.host_authority_id = child->host_authority_id;
        episode.reported_at = now;
        episode.reported_by = who.user_id;
        episode.last_seen_at = event.last_seen_at;
        episode.last_seen_location = event.last_seen_location;
        episode.circumstances = event.circumstances;
        episode.risk = event.risk;
        episode.police_reference = event.police_reference;
        episode.absence = event.absence;
        const std::string id = db::episodes::insert(uow, episode);
        if (idempotency_key) {
            if (auto first = db::idempotency::claim(uow, who.user_id, *idempotency_key, hash, id)) {
                throw idempotency_race{std::move(*first)};
            }
        }
        db::episode_row row;
        row.id = id;
        row.child_id = episode.child_id;
        row.version = 1;
        row.police_force_id = episode.police_force_id;
        row.responsible_authority_id = episode.responsible_authority_id;
        row.host_authority_id = episode.host_authority_id;
        auto view = view_of(env, uow, who, id, now);
        db::clocks::save(uow, id, row.child_id, clocks_of(env, view.episode, view.actions),
                         success_entry(who, {"episode.report", "episode", id},
                                       {{"child_id", event.child_id},
                                        {"risk_level", workflow::to_string(event.risk)}}));
        note_repeat_missing(env, uow, row, now);
        notify_authorities(uow, row, "episode_reported", "Child reported missing",
                           {{"risk_level", workflow::to_string(event.risk)},
                            {"last_seen_at", workflow::format_rfc3339(event.last_seen_at)}});
        return view;
    };
    const audit_target target{"episode.report", "episode", ""};
    try {
        return run_audited(env, who, target, report);
    } catch (const idempotency_race& race) {
        return run_audited(env, who, target,
                           [&](db::unit_of_work& uow) { return replay(uow, race.first); });
    }
}

} // namespace homeward::services
