#include "representation.hpp"

#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>

namespace homeward {
namespace {

namespace json = boost::json;
using workflow::role;

json::value time_json(std::optional<workflow::time_point> at) {
    return at ? json::value(workflow::format_rfc3339(*at)) : json::value(nullptr);
}

json::value text_json(const std::optional<std::string>& text) {
    return text ? json::value(*text) : json::value(nullptr);
}

template <typename Enum>
json::value enum_json(const std::optional<Enum>& value) {
    return value ? json::value(workflow::to_string(*value)) : json::value(nullptr);
}

json::value bool_json(const std::optional<bool>& value) {
    return value ? json::value(*value) : json::value(nullptr);
}

json::array list_json(const std::vector<std::string>& items) {
    json::array list;
    for (const auto& item : items) {
        list.emplace_back(item);
    }
    return list;
}

// Stored JSON text (a history entry's or notification's detail), as a value.
json::value stored_json(const std::string& text) {
    json::error_code error;
    auto value = json::parse(text, error);
    return error ? json::value(json::object{}) : value;
}

std::string date_text(std::chrono::sys_days day) { return workflow::format_date(day); }

// What police may read of an interview: its outcome, the CSE risk found and the section written
// for them. Everyone else with access reads all of it.
json::object interview_json(const db::interview_record& i, role audience) {
    json::object out{{"outcome", workflow::to_string(i.outcome)},
                     {"conducted_at", workflow::format_rfc3339(i.conducted_at)},
                     {"cse_risk", enum_json(i.risk)},
                     {"police_intelligence", text_json(i.police_intelligence)}};
    if (audience == role::police) {
        return out;
    }
    out["recorded_by"] = i.recorded_by;
    out["interviewer_id"] = text_json(i.interviewer_id);
    out["independent"] = bool_json(i.interviewer_independent);
    out["location"] = text_json(i.location);
    out["where_stayed"] = text_json(i.where_stayed);
    out["with_whom"] = text_json(i.with_whom);
    out["push_factors"] = list_json(i.push_factors);
    out["pull_factors"] = list_json(i.pull_factors);
    out["harm_disclosed"] = bool_json(i.harm_disclosed);
    out["harm_details"] = text_json(i.harm_details);
    out["indicators"] = list_json(i.indicators);
    out["indicator_score"] =
        i.indicator_score ? json::value(*i.indicator_score) : json::value(nullptr);
    out["suggested_cse_risk"] = enum_json(i.suggested_cse_risk);
    out["risk_rationale"] = text_json(i.risk_rationale);
    out["child_views"] = text_json(i.child_views);
    out["declined_at"] = time_json(i.declined_at);
    out["declined_reason"] = text_json(i.declined_reason);
    out["attempts"] = text_json(i.attempts);
    out["carers_account"] = text_json(i.carers_account);
    return out;
}

// What police may read of a history entry's detail, by event: what police wrote themselves and
// the outcome of social work's events, never the free text written for social work (summaries,
// notes, reasons) nor the level the indicators suggested.
json::object police_detail(std::string_view event, const json::value& detail) {
    // Arrays, not initializer lists: an initializer_list held in a pair outlives its elements
    // (they die with the statement that built the pair), and reading them was undefined.
    struct shown_keys {
        std::string_view event;
        std::array<std::string_view, 3> keys; // unused places are empty
    };
    static constexpr shown_keys allowed[] = {
        {"risk", {"from_risk", "to_risk", "reason"}},
        {"cancel", {"reason"}},
        {"assign", {"worker_id"}},
        {"interview-offer", {"further_offer"}},
        {"interview", {"cse_risk"}},
        {"actions", {"type", "owner_id"}},
        {"action-complete", {"action_id"}},
        {"action-cancel", {"action_id"}},
        {"action-reassign", {"action_id", "owner_id"}},
    };
    json::object shown;
    if (!detail.is_object()) {
        return shown;
    }
    for (const auto& [name, keys] : allowed) {
        if (name != event) {
            continue;
        }
        for (const auto key : keys) {
            if (key.empty()) {
                continue;
            }
            if (const auto* value = detail.as_object().if_contains(key)) {
                shown[key] = *value;
            }
        }
    }
    return shown;
}

} // namespace

namespace db {

void tag_invoke(const json::value_from_tag&, json::value& out, const child_record& c) {
    out = json::object{{"id", c.id},
                       {"given_name", c.given_name},
                       {"family_name", c.family_name},
                       {"date_of_birth", date_text(c.date_of_birth)},
                       {"sex", workflow::to_string(c.child_sex)},
                       {"looked_after", c.looked_after},
                       {"responsible_authority", c.responsible_authority},
                       {"host_authority", text_json(c.host_authority)},
                       {"ethnicity", text_json(c.ethnicity)},
                       {"placement_type", text_json(c.placement_type)},
                       {"created_at", workflow::format_rfc3339(c.created_at)},
                       {"version", c.version},
                       {"anonymised_at", time_json(c.anonymised_at)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const episode_summary& e) {
    out = json::object{{"id", e.id},
                       {"child_id", e.child_id},
                       {"child", json::object{{"id", e.child_id},
                                              {"given_name", e.child_given_name},
                                              {"family_name", e.child_family_name}}},
                       {"state", workflow::to_string(e.state)},
                       {"version", e.version},
                       {"reported_at", workflow::format_rfc3339(e.reported_at)},
                       {"last_seen_at", workflow::format_rfc3339(e.last_seen_at)},
                       {"last_seen_location", e.last_seen_location},
                       {"risk_level", workflow::to_string(e.risk)},
                       {"missing_or_away", workflow::to_string(e.absence)},
                       {"returned_at", time_json(e.returned_at)},
                       {"police_reference", e.police_reference},
                       {"assigned_worker_id", text_json(e.assigned_worker_id)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const action_record& a) {
    out = json::object{{"id", a.id},
                       {"episode_id", a.episode_id},
                       {"type", workflow::to_string(a.type)},
                       {"description", a.description},
                       {"owner_id", a.owner_id},
                       {"raised_by", a.raised_by},
                       {"raised_at", workflow::format_rfc3339(a.raised_at)},
                       {"due_at", workflow::format_rfc3339(a.due_at)},
                       {"status", workflow::to_string(a.status)},
                       {"outcome", text_json(a.outcome)},
                       {"completed_at", time_json(a.completed_at)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const notification_item& n) {
    out = json::object{{"id", n.id},
                       {"kind", n.kind},
                       {"title", n.title},
                       {"episode_id", text_json(n.episode_id)},
                       {"child_id", text_json(n.child_id)},
                       {"body", stored_json(n.body_json)},
                       {"created_at", workflow::format_rfc3339(n.created_at)},
                       {"read", n.read}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const audit_item& a) {
    out = json::object{{"id", a.id},
                       {"seq", a.seq ? json::value(*a.seq) : json::value(nullptr)},
                       {"at", workflow::format_rfc3339(a.at)},
                       {"request_id", text_json(a.request_id)},
                       {"actor_id", text_json(a.actor_id)},
                       {"actor_username", text_json(a.actor_username)},
                       {"actor_role", enum_json(a.actor_role)},
                       {"organisation_id", text_json(a.organisation_id)},
                       {"action", a.action},
                       {"entity_type", text_json(a.entity_type)},
                       {"entity_id", text_json(a.entity_id)},
                       {"outcome", a.outcome},
                       {"detail", stored_json(a.detail_json)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const webhook_row& w) {
    out = json::object{{"organisation", w.organisation},
                       {"url", text_json(w.url)},
                       {"configured", w.url.has_value()},
                       {"updated_at", time_json(w.updated_at)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const delivery_item& d) {
    out = json::object{
        {"sequence", d.sequence},
        {"delivery_id", d.delivery_id},
        {"organisation", d.organisation},
        {"topic", d.topic},
        {"status", d.status},
        {"attempts", d.attempts},
        {"created_at", workflow::format_rfc3339(d.created_at)},
        {"next_attempt_at", time_json(d.next_attempt_at)},
        {"last_attempt_at", time_json(d.last_attempt_at)},
        {"last_status", d.last_status ? json::value(*d.last_status) : json::value(nullptr)},
        {"last_error", text_json(d.last_error)},
        {"delivered_at", time_json(d.delivered_at)},
        {"dead_at", time_json(d.dead_at)},
        {"replays", d.replays}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const user_row& u) {
    out = json::object{{"id", u.id},
                       {"username", u.username},
                       {"role", workflow::to_string(u.user_role)},
                       {"organisation", u.organisation_code},
                       {"team", u.team_id ? json::value(json::object{{"id", *u.team_id},
                                                                     {"name", text_json(u.team)}})
                                          : json::value(nullptr)},
                       {"email", text_json(u.email)},
                       {"email_alerts", u.email_alerts},
                       {"active", u.active},
                       {"password_change_required", u.must_change_password},
                       {"two_factor", u.two_factor_enrolled},
                       {"locked_until", time_json(u.locked_until)},
                       {"deployment_admin", u.deployment_admin}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const organisation_row& o) {
    out = json::object{{"code", o.code}, {"name", o.name}, {"kind", workflow::to_string(o.kind)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const team_row& t) {
    out = json::object{{"id", t.id}, {"name", t.name}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const child_review& r) {
    out = json::object{{"kind", r.kind},
                       {"held_at", workflow::format_rfc3339(r.held_at)},
                       {"cse_risk", enum_json(r.risk)},
                       {"notes", r.notes},
                       {"recorded_by", r.recorded_by}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const profile_record& p) {
    json::object profile{{"child_id", p.child_id}, {"version", p.version}};
    for (std::size_t i = 0; i < profile_text_fields.size(); ++i) {
        profile[profile_text_fields[i].name] = text_json(p.content.texts[i]);
    }
    profile["completed_by"] = p.content.completed_by;
    profile["completed_on"] = date_text(p.content.completed_on);
    profile["recorded_at"] = workflow::format_rfc3339(p.recorded_at);
    profile["recorded_by"] = {{"id", p.recorded_by}, {"username", p.recorded_by_username}};
    out = std::move(profile);
}

// The photo's description; its bytes are answered apart, as the image itself.
void tag_invoke(const json::value_from_tag&, json::value& out, const photo_record& p) {
    out = json::object{{"child_id", p.child_id},
                       {"content_type", p.content_type},
                       {"width", p.width},
                       {"height", p.height},
                       {"updated_at", workflow::format_rfc3339(p.updated_at)},
                       {"updated_by", p.updated_by}};
}

// An entity: what it is, its identifier as given and normalised, its kind's details, and how many
// distinct children its episodes concern in any scope (one entity's view adds children_in_scope).
void tag_invoke(const json::value_from_tag&, json::value& out, const entity_record& e) {
    json::object entity{{"id", e.id},
                        {"kind", workflow::to_string(e.kind)},
                        {"label", e.label},
                        {"identifier", text_json(e.identifier)},
                        {"identifier_normalised", text_json(e.identifier_normalised)},
                        {"details", stored_json(e.details_json)},
                        {"children", e.children},
                        {"merged_into", text_json(e.merged_into)},
                        {"merged_at", time_json(e.merged_at)},
                        {"created_at", workflow::format_rfc3339(e.created_at)}};
    out = std::move(entity);
}

// One link, read in the caller's scope: the child is named because the episode is theirs.
void tag_invoke(const json::value_from_tag&, json::value& out, const entity_link_record& l) {
    out = json::object{{"id", l.id},
                       {"entity_id", l.entity_id},
                       {"episode_id", l.episode_id},
                       {"child",
                        {{"id", l.child_id},
                         {"given_name", l.child_given_name},
                         {"family_name", l.child_family_name}}},
                       {"link", workflow::to_string(l.link)},
                       {"linked_at", workflow::format_rfc3339(l.linked_at)},
                       {"linked_by", l.linked_by_username},
                       {"reported_at", workflow::format_rfc3339(l.reported_at)},
                       {"moved_from", text_json(l.moved_from)}};
}

namespace entities {
void tag_invoke(const json::value_from_tag&, json::value& out, const episode_entity& item) {
    out = json::object{{"entity", json::value_from(item.entity)},
                       {"link", json::value_from(item.link)}};
}
} // namespace entities

namespace children {
void tag_invoke(const json::value_from_tag&, json::value& out, const child_at_risk& item) {
    auto child = json::value_from(item.child).as_object();
    child["cse_risk"] = workflow::to_string(item.risk);
    child["assessed_at"] = workflow::format_rfc3339(item.assessed_at);
    out = std::move(child);
}
} // namespace children

} // namespace db

namespace db::privacy {

void tag_invoke(const json::value_from_tag&, json::value& out, const legal_hold& hold) {
    out =
        json::object{{"placed_at", workflow::format_rfc3339(hold.placed_at)},
                     {"placed_by", {{"id", hold.placed_by}, {"username", hold.placed_by_username}}},
                     {"reason", hold.reason}};
}

} // namespace db::privacy

namespace db::retention {

void tag_invoke(const json::value_from_tag&, json::value& out, const due_child& child) {
    out =
        json::object{{"child_id", child.child_id},
                     {"authority", {{"id", child.authority_id}, {"code", child.authority_code}}},
                     {"due_on", workflow::format_date(child.due_on)},
                     {"rule", child.rule},
                     {"keep_until_age", child.keep_until_age},
                     {"years_after_last_closed", child.years_after_last_closed},
                     {"legal_hold", child.held},
                     // A held child is kept whatever the schedule says: listed as held, not as due.
                     {"status", child.held ? "held" : "due"}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const policy& rule) {
    out = json::object{{"keep_until_age", rule.keep_until_age},
                       {"years_after_last_closed", rule.years_after_last_closed},
                       {"source", rule.authority_own ? "authority" : "deployment"},
                       {"updated_at", rule.updated_at
                                          ? json::value(workflow::format_rfc3339(*rule.updated_at))
                                          : json::value(nullptr)}};
}

} // namespace db::retention

namespace services {

void tag_invoke(const json::value_from_tag&, json::value& out, const clock_view& c) {
    out = json::object{{"kind", c.kind},
                       {"subject", text_json(c.subject)},
                       {"starts_at", workflow::format_rfc3339(c.starts_at)},
                       {"due_at", workflow::format_rfc3339(c.due_at)},
                       {"met_at", time_json(c.met_at)},
                       {"status", workflow::to_string(c.status)},
                       {"overdue", c.status == workflow::clock_status::overdue},
                       {"holder_user_id", text_json(c.holder_user_id)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const episode_view& view) {
    const auto& e = view.episode;
    json::object o{{"id", e.id},
                   {"state", workflow::to_string(e.state)},
                   {"version", e.version},
                   {"child_id", e.child.id},
                   {"child", json::value_from(e.child)},
                   {"police_force", e.police_force},
                   {"responsible_authority", e.responsible_authority},
                   {"host_authority", text_json(e.host_authority)},
                   {"reported_at", workflow::format_rfc3339(e.reported_at)},
                   {"reported_by", e.reported_by},
                   {"last_seen_at", workflow::format_rfc3339(e.last_seen_at)},
                   {"last_seen_location", e.last_seen_location},
                   {"circumstances", e.circumstances},
                   {"risk_level", workflow::to_string(e.risk)},
                   {"police_reference", e.police_reference},
                   {"missing_or_away", workflow::to_string(e.absence)},
                   {"returned_at", time_json(e.returned_at)},
                   {"found_location", text_json(e.found_location)},
                   {"returned_to", text_json(e.returned_to)},
                   {"found_by", text_json(e.found_by)}};
    o["safe_and_well"] =
        e.safe_and_well
            ? json::value(json::object{
                  {"conducted_at", workflow::format_rfc3339(e.safe_and_well->conducted_at)},
                  {"by", e.safe_and_well->by},
                  {"notes", e.safe_and_well->notes},
                  {"concerns", text_json(e.safe_and_well->concerns)}})
            : json::value(nullptr);
    o["assigned_worker_id"] = text_json(e.assigned_worker_id);
    o["assigned_at"] = time_json(e.assigned_at);
    o["interview_offer"] =
        e.offer ? json::value(json::object{
                      {"offered_at", workflow::format_rfc3339(e.offer->offered_at)},
                      {"scheduled_for", workflow::format_rfc3339(e.offer->scheduled_for)},
                      {"interviewer_id", text_json(e.offer->interviewer_id)},
                      {"independent", e.offer->independent},
                      {"further_offer_at", time_json(e.offer->further_offer_at)}})
                : json::value(nullptr);
    o["interview"] =
        e.interview ? json::value(interview_json(*e.interview, view.audience)) : nullptr;
    o["actions"] = json::value_from(view.actions);
    if (view.audience == role::police) {
        // Police see each action (type, description, owner, due, status), not its outcome.
        for (auto& action : o["actions"].as_array()) {
            action.as_object()["outcome"] = nullptr;
        }
    }
    o["sign_off"] =
        e.sign_off ? json::value(json::object{
                         {"signed_off_at", workflow::format_rfc3339(e.sign_off->signed_off_at)},
                         {"by", e.sign_off->by},
                         {"note", e.sign_off->note}})
                   : json::value(nullptr);
    o["closed_at"] = time_json(e.closed_at);
    o["close_summary"] = text_json(e.close_summary);
    o["cancelled_at"] = time_json(e.cancelled_at);
    o["cancel_reason"] = text_json(e.cancel_reason);
    o["reopened_at"] = time_json(e.reopened_at);
    o["reopen_reason"] = text_json(e.reopen_reason);
    if (view.audience == role::police) {
        // Written by and for social work: police see that they happened, not what was written.
        o["close_summary"] = nullptr;
        o["reopen_reason"] = nullptr;
        if (e.sign_off) {
            o["sign_off"].as_object()["note"] = nullptr;
        }
    }
    o["updated_at"] = workflow::format_rfc3339(e.updated_at);
    o["deadlines"] = json::value_from(view.deadlines);
    json::array allowed;
    for (const auto event : view.allowed_events) {
        allowed.emplace_back(workflow::to_string(event));
    }
    o["allowed_events"] = std::move(allowed);
    out = std::move(o);
}

void tag_invoke(const json::value_from_tag&, json::value& out, const history_view& history) {
    json::array items;
    for (const auto& h : history.items) {
        items.push_back(json::object{
            {"at", workflow::format_rfc3339(h.at)},
            {"actor", h.actor_id},
            {"actor_username", h.actor_username},
            {"role", workflow::to_string(h.actor_role)},
            {"event", h.event},
            {"from_state", enum_json(h.from_state)},
            {"to_state", workflow::to_string(h.to_state)},
            {"version", h.version},
            {"detail", history.audience == role::police
                           ? json::value(police_detail(h.event, stored_json(h.detail_json)))
                           : stored_json(h.detail_json)}});
    }
    out = json::object{{"items", std::move(items)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const profile_view& view) {
    auto profile = json::value_from(view.profile).as_object();
    profile["review_due_at"] = workflow::format_rfc3339(view.review_due_at);
    out = std::move(profile);
}

void tag_invoke(const json::value_from_tag&, json::value& out, const possible_match& match) {
    auto entity = json::value_from(match.entity).as_object();
    entity["reason"] = match.reason;
    out = std::move(entity);
}

void tag_invoke(const json::value_from_tag&, json::value& out, const entity_link_result& r) {
    out = json::object{{"entity", json::value_from(r.entity)},
                       {"link", json::value_from(r.link)},
                       {"matched", to_string(r.matched)},
                       {"linked", r.linked},
                       {"possible_matches", json::value_from(r.possible_matches)}};
}

// One entity and its links in the caller's scope, with the children they concern (each once).
void tag_invoke(const json::value_from_tag&, json::value& out, const entity_view& view) {
    auto entity = json::value_from(view.entity).as_object();
    json::array children;
    std::vector<std::string> seen;
    for (const auto& link : view.links) {
        if (std::find(seen.begin(), seen.end(), link.child_id) == seen.end()) {
            seen.push_back(link.child_id);
            children.push_back({{"id", link.child_id},
                                {"given_name", link.child_given_name},
                                {"family_name", link.child_family_name}});
        }
    }
    entity["children_in_scope"] = static_cast<std::int64_t>(seen.size());
    entity["linked_children"] = std::move(children);
    entity["links"] = json::value_from(view.links);
    out = std::move(entity);
}

void tag_invoke(const json::value_from_tag&, json::value& out, const child_view& view) {
    auto child = json::value_from(view.child).as_object();
    child["episodes"] = json::value_from(view.episodes);
    child["recent_episodes"] = view.recent_episodes;
    child["repeat_missing"] = view.repeat_missing;
    child["repeat_window_days"] = view.repeat_window_days;
    child["clocks"] = json::value_from(view.clocks);
    child["reviews"] = json::value_from(view.reviews);
    child["legal_hold"] = view.legal_hold ? json::value_from(*view.legal_hold) : nullptr;
    out = std::move(child);
}

void tag_invoke(const json::value_from_tag&, json::value& out, const session_view& s) {
    json::object session{{"expires_at", workflow::format_rfc3339(s.expires_at)},
                         {"idle_timeout_seconds", s.idle_timeout_seconds},
                         {"user",
                          {{"id", s.user.id},
                           {"username", s.user.username},
                           {"role", workflow::to_string(s.user.user_role)},
                           {"organisation", s.user.organisation_code}}}};
    // Until it is true no more: the session may only change the password (PATCH /api/v1/me).
    session["password_change_required"] = s.user.must_change_password;
    // An admin of every organisation: the web application offers them every organisation.
    if (s.user.deployment_admin) {
        session["user"].as_object()["deployment_admin"] = true;
    }
    // Until it is true no more: the session may only enrol in two-step sign-in.
    session["enrolment_required"] = s.enrolment_required;
    // The token only where it was just made (a session answered to a script); never again.
    if (!s.token.empty()) {
        session["token"] = s.token;
    }
    out = std::move(session);
}

void tag_invoke(const json::value_from_tag&, json::value& out, const overdue_view& line) {
    const auto& c = line.item;
    const double hours = static_cast<double>((line.now - c.due_at).count()) / 3600.0;
    out = json::object{{"clock_id", c.clock_id},
                       {"episode_id", text_json(c.episode_id)},
                       {"child",
                        {{"id", c.child_id},
                         {"given_name", c.child_given_name},
                         {"family_name", c.child_family_name}}},
                       {"kind", c.kind},
                       {"subject", text_json(c.subject)},
                       {"due_at", workflow::format_rfc3339(c.due_at)},
                       {"overdue_hours", std::round(hours * 10.0) / 10.0},
                       {"holder",
                        {{"user_id", text_json(c.holder_user_id)},
                         {"username", text_json(c.holder_username)},
                         {"team", text_json(c.holder_team)}}},
                       {"authority", text_json(c.authority)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const overdue_summary& summary) {
    json::array kinds;
    for (const auto& k : summary.by_kind) {
        kinds.push_back(
            json::object{{"kind", k.kind}, {"overdue", k.overdue}, {"due_soon", k.due_soon}});
    }
    json::array workers;
    for (const auto& w : summary.by_worker) {
        workers.push_back(json::object{{"user_id", text_json(w.user_id)},
                                       {"username", text_json(w.username)},
                                       {"team", text_json(w.team)},
                                       {"overdue", w.overdue},
                                       {"due_soon", w.due_soon}});
    }
    out = json::object{{"by_kind", std::move(kinds)}, {"by_worker", std::move(workers)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const organisation_view& entry) {
    out = json::object{{"code", entry.organisation.code},
                       {"name", entry.organisation.name},
                       {"kind", workflow::to_string(entry.organisation.kind)},
                       {"webhook", json::value_from(entry.webhook)},
                       {"works_with", json::value_from(entry.works_with)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const my_account_view& a) {
    auto user = json::value_from(a.user);
    user.as_object()["works_with"] = json::value_from(a.works_with);
    user.as_object()["enrolment_required"] = a.enrolment_required;
    out = std::move(user);
}

void tag_invoke(const json::value_from_tag&, json::value& out, const account_with_password& a) {
    auto user = json::value_from(a.user);
    user.as_object()["temporary_password"] = a.temporary_password;
    out = std::move(user);
}

namespace {

// A figure's value as PostgreSQL wrote it: a count as an integer, a share, median or
// percentile as a number, no value as null.
json::value figure_value(const std::optional<std::string>& decimal) {
    if (!decimal) {
        return nullptr;
    }
    if (decimal->find_first_of(".eE") == std::string::npos) {
        return std::stoll(*decimal);
    }
    return std::stod(*decimal);
}

} // namespace

void tag_invoke(const json::value_from_tag&, json::value& out, const stats_view& view) {
    json::array figures;
    for (const auto& row : view.figures) {
        figures.push_back(json::object{{"figure", row.figure},
                                       {"group", row.group},
                                       {"key", row.key},
                                       {"label", text_json(row.label)},
                                       {"measure", row.measure},
                                       {"current", figure_value(row.current)},
                                       {"previous", figure_value(row.previous)},
                                       {"rank", row.rank}});
    }
    const auto period = [](const db::stats::period& p) {
        return json::object{{"from", workflow::format_date(p.from)},
                            {"to", workflow::format_date(p.to)}};
    };
    out = json::object{{"period", period(view.current)},
                       {"previous_period", period(view.previous)},
                       {"time_zone", view.time_zone},
                       {"authority", view.authority},
                       {"team", text_json(view.team)},
                       {"policy",
                        {{"interview_offer_hours", view.offer_due.count()},
                         {"interview_held_hours", view.held_due.count()}}},
                       {"figures", std::move(figures)}};
}

// Every member always present (null when unknown): the CSV's columns are the members of a
// default item.
// Who the child is and whether a legal hold keeps their records: what a data-protection officer
// needs to answer a request, and nothing of the case.
void tag_invoke(const json::value_from_tag&, json::value& out, const privacy_child& found) {
    out = json::object{{"id", found.child.id},
                       {"given_name", found.child.given_name},
                       {"family_name", found.child.family_name},
                       {"date_of_birth", date_text(found.child.date_of_birth)},
                       {"responsible_authority", found.child.responsible_authority},
                       {"legal_hold", found.legal_hold ? json::value_from(*found.legal_hold)
                                                       : json::value(nullptr)}};
}

void tag_invoke(const json::value_from_tag&, json::value& out, const access_view& view) {
    const auto& e = view.entry;
    out = json::object{
        {"id", e.id},
        {"at", workflow::format_rfc3339(e.at)},
        {"actor",
         {{"id", text_json(e.actor_id)},
          {"name", text_json(e.actor_name)},
          {"role", enum_json(e.actor_role)},
          {"organisation",
           {{"id", text_json(e.organisation_id)},
            {"code", text_json(e.organisation_code)},
            {"name", text_json(e.organisation_name)}}},
          {"team", text_json(e.team)}}},
        {"action", e.action},
        {"route", text_json(view.route)},
        {"entity",
         {{"type", text_json(e.entity_type)},
          {"id", e.entity_id && !e.entity_id->empty() ? json::value(*e.entity_id) : nullptr}}},
        {"record", {{"type", e.record_type}, {"id", e.record_id}}},
        {"listed", e.listed},
        {"outcome", e.outcome},
        {"reason", text_json(e.reason)},
        {"request_id", text_json(e.request_id)}};
}

std::string photo_file_name(const db::photo_record& photo) {
    return photo.content_type == "image/png" ? "photo.png" : "photo.jpg";
}

void tag_invoke(const json::value_from_tag&, json::value& out, const child_export& record) {
    json::array episodes;
    for (const auto& report : record.episodes) {
        episodes.push_back(json::object{{"episode", json::value_from(report.episode)},
                                        {"history", json::value_from(report.history)}});
    }
    json::value photo = nullptr;
    if (record.photo) {
        photo = json::object{{"file", photo_file_name(*record.photo)},
                             {"content_type", record.photo->content_type},
                             {"width", record.photo->width},
                             {"height", record.photo->height},
                             {"bytes", record.photo->data.size()},
                             {"updated_at", workflow::format_rfc3339(record.photo->updated_at)},
                             {"updated_by", record.photo->updated_by}};
    }
    out = json::object{
        {"exported_at", workflow::format_rfc3339(record.exported_at)},
        {"exported_by",
         {{"username", record.exported_by},
          {"role", workflow::to_string(record.exported_by_role)},
          {"organisation", record.exported_by_organisation}}},
        {"child", json::value_from(record.child)},
        {"legal_hold", record.legal_hold ? json::value_from(*record.legal_hold) : nullptr},
        {"reviews", json::value_from(record.reviews)},
        {"profile_versions", json::value_from(record.profile_versions)},
        {"photo", std::move(photo)},
        {"episodes", std::move(episodes)},
        {"notifications", json::value_from(record.notifications)},
        {"access_log", json::value_from(record.access)}};
}

template <typename Item>
void tag_invoke(const json::value_from_tag&, json::value& out, const page<Item>& list) {
    out = json::object{
        {"items", json::value_from(list.items)},
        {"next_cursor", list.next_cursor ? json::value(*list.next_cursor) : json::value(nullptr)}};
}

template void tag_invoke(const json::value_from_tag&, json::value&, const page<episode_summary>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<child_record>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<child_at_risk>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<overdue_view>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<notification_item>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<audit_item>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<access_view>&);
template void tag_invoke(const json::value_from_tag&, json::value&,
                         const page<db::retention::due_child>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<user_row>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<delivery_item>&);
template void tag_invoke(const json::value_from_tag&, json::value&, const page<profile_record>&);

} // namespace services

namespace workflow {

void tag_invoke(const json::value_from_tag&, json::value& out, const indicator_catalogue& c) {
    json::array indicators;
    for (const auto& item : c.indicators()) {
        indicators.push_back(json::object{{"code", item.code},
                                          {"category", to_string(item.category)},
                                          {"label", item.label},
                                          {"weight", item.weight}});
    }
    json::array bands;
    for (const auto& band : c.bands()) {
        bands.push_back(
            json::object{{"min_score", band.min_score}, {"level", to_string(band.level)}});
    }
    out = json::object{{"indicators", std::move(indicators)}, {"bands", std::move(bands)}};
}

} // namespace workflow
} // namespace homeward
