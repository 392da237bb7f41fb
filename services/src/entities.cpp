// People, places and vehicles of concern: matching on link, the view across children in the
// caller's scope, the champion's merge, and telling champions when an entity comes to link
// another child.

#include "notify.hpp"
#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/entities.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/outbox.hpp"
#include "homeward/services/entities.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <unordered_set>

namespace homeward::services {
namespace {

namespace json = boost::json;
using workflow::entity_kind;
using workflow::entity_link;
using workflow::role;

constexpr auto linkers = {role::police, role::social_worker, role::manager, role::cse_champion};
constexpr auto viewers = {role::police, role::manager, role::cse_champion};

// What a body asks to link: a described entity, or one chosen by id.
struct link_request {
    std::optional<std::string> entity_id;
    db::new_entity entity;
    entity_link link{entity_link::other};
};

// A details field's longest text, per kind.
struct detail_field {
    std::string_view name;
    std::size_t max_length;
};
constexpr std::array<detail_field, 1> person_texts{{{"description", 2000}}};
constexpr std::array<detail_field, 2> place_texts{{{"address", 500}, {"description", 2000}}};
constexpr std::array<detail_field, 4> vehicle_texts{
    {{"make", 100}, {"model", 100}, {"colour", 50}, {"description", 2000}}};

std::span<const detail_field> texts_of(entity_kind kind) {
    switch (kind) {
    case entity_kind::person:
        return person_texts;
    case entity_kind::place:
        return place_texts;
    case entity_kind::vehicle:
        return vehicle_texts;
    }
    return {};
}

// The kind's details, checked field by field (errors named details.<field>), as stored JSON; a
// person's normalised aliases are added to `names`.
json::object read_details(workflow::input_reader& input, const json::object& body, entity_kind kind,
                          std::vector<std::string>& names) {
    json::object details;
    const auto* given = body.if_contains("details");
    if (given == nullptr || given->is_null()) {
        return details;
    }
    if (!given->is_object()) {
        input.add("details", "must be an object");
        return details;
    }
    std::vector<std::string_view> known;
    for (const auto& field : texts_of(kind)) {
        known.push_back(field.name);
    }
    if (kind == entity_kind::person) {
        known.insert(known.end(), {"aliases", "approximate_age"});
    }
    json::object texts;
    for (const auto& [key, value] : given->as_object()) {
        if (kind != entity_kind::person || (key != "aliases" && key != "approximate_age")) {
            texts[key] = value;
        }
    }
    workflow::input_reader inner{texts, known};
    for (const auto& field : texts_of(kind)) {
        if (auto text = inner.optional_text(field.name, field.max_length)) {
            details[field.name] = *text;
        }
    }
    const auto& object = given->as_object();
    if (kind == entity_kind::person) {
        if (const auto* aliases = object.if_contains("aliases")) {
            json::object holder{{"aliases", *aliases}};
            workflow::input_reader list{holder, {"aliases"}};
            json::array kept;
            for (const auto& alias : list.text_list("aliases", 20)) {
                const auto name = workflow::normalise_name(alias);
                if (alias.size() > 200 || name.empty()) {
                    list.add("aliases", "each must be a name of at most 200 characters");
                    break;
                }
                kept.emplace_back(alias);
                names.push_back(name);
            }
            for (const auto& error : list.errors()) {
                input.add("details." + error.field, error.message);
            }
            if (!kept.empty()) {
                details["aliases"] = std::move(kept);
            }
        }
        if (const auto* age = object.if_contains("approximate_age"); age && !age->is_null()) {
            if (const auto* n = age->if_int64(); n && *n >= 0 && *n <= 120) {
                details["approximate_age"] = *n;
            } else {
                input.add("details.approximate_age", "must be a whole number of years, 0 to 120");
            }
        }
    }
    for (const auto& error : inner.errors()) {
        input.add("details." + error.field, error.message);
    }
    return details;
}

link_request read_request(const environment& env, const actor& who, const json::object& body) {
    link_request request;
    if (body.contains("entity_id")) {
        workflow::input_reader input{body, {"entity_id", "link"}};
        request.entity_id = input.id("entity_id");
        request.link = input
                           .choice<entity_link>("link", workflow::parse_entity_link,
                                                workflow::choices_of(entity_link{}))
                           .value_or(entity_link::other);
        finish(input);
        return request;
    }
    workflow::input_reader input{body, {"kind", "label", "identifier", "details", "link"}};
    const auto kind = input.choice<entity_kind>("kind", workflow::parse_entity_kind,
                                                workflow::choices_of(entity_kind{}));
    request.link = input
                       .choice<entity_link>("link", workflow::parse_entity_link,
                                            workflow::choices_of(entity_link{}))
                       .value_or(entity_link::other);
    auto& e = request.entity;
    e.label = input.text("label", 200);
    e.label_normalised = workflow::normalise_name(e.label);
    if (!input.has_error("label") && e.label_normalised.empty()) {
        input.add("label", "must contain a letter or a digit");
    }
    e.identifier = input.optional_text("identifier", 100);
    if (kind) {
        e.kind = *kind;
        if (e.identifier) {
            e.identifier_normalised = workflow::normalise_identifier(*kind, *e.identifier);
            if (!e.identifier_normalised) {
                input.add("identifier", std::string{workflow::identifier_rule(*kind)});
            }
        }
        e.names.push_back(e.label_normalised);
        e.details_json = json::serialize(read_details(input, body, *kind, e.names));
        std::sort(e.names.begin(), e.names.end());
        e.names.erase(std::unique(e.names.begin(), e.names.end()), e.names.end());
    }
    finish(input);
    e.at = env.now();
    e.by = who.user_id;
    return request;
}

bool shares_name(const entity_record& a, const std::vector<std::string>& names) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
        return std::find(a.names.begin(), a.names.end(), name) != a.names.end();
    });
}

// Whether a candidate is the same entity, or else why it is only alike.
struct verdict {
    bool same{false};
    std::string reason;
};
verdict judge(const db::new_entity& e, const entity_record& c) {
    const bool same_identifier = e.identifier_normalised && c.identifier_normalised &&
                                 *e.identifier_normalised == *c.identifier_normalised;
    const bool same_name = shares_name(c, e.names);
    switch (e.kind) {
    case entity_kind::vehicle:
        if (same_identifier) {
            return {true, ""};
        }
        return {false, "the same description, another or no registration"};
    case entity_kind::place:
        if (same_identifier && c.label_normalised == e.label_normalised) {
            return {true, ""};
        }
        return {false, same_identifier ? "the same postcode under another name"
                                       : "the same name, another or no postcode"};
    case entity_kind::person:
        if (same_identifier && same_name) {
            return {true, ""};
        }
        return {false, same_identifier ? "the same phone under another name"
                                       : "the same name or alias, another or no phone"};
    }
    return {};
}

// Tells the champion of every authority involved that the entity now links `child_id` too, once
// for this child (the dedupe key), and only when it links more than one child. The authorities of
// the child's own episode also get the episode and child ids; the others only the entity.
void tell_champions(db::unit_of_work& uow, const entity_record& entity,
                    const db::entities::linked_child& child) {
    const auto children = db::entities::children(uow, entity.id);
    if (children.size() < 2) {
        return;
    }
    const json::object body{{"entity_id", entity.id},
                            {"kind", workflow::to_string(entity.kind)},
                            {"label", entity.label},
                            {"children", static_cast<std::int64_t>(children.size())}};
    const std::string title = "A " + std::string{workflow::to_string(entity.kind)} +
                              " of concern (" + entity.label + ") is now linked to " +
                              std::to_string(children.size()) + " children";
    for (const auto& authority : db::entities::authorities(uow, entity.id)) {
        const bool own =
            authority == child.responsible_authority_id || authority == child.host_authority_id;
        notify_champion(uow, authority, own ? std::optional{child.episode_id} : std::nullopt,
                        own ? std::optional{child.child_id} : std::nullopt, "entity_linked", title,
                        body,
                        "entity_linked:" + entity.id + ":" + child.child_id + ":" + authority);
    }
}

std::string key_of(const db::new_entity& e) {
    return "entity:" + std::string{workflow::to_string(e.kind)} + ":" +
           e.identifier_normalised.value_or("name:" + e.label_normalised);
}

entity_record found(std::optional<entity_record> entity) {
    if (!entity) {
        throw failure(failure_kind::not_found, "no such entity");
    }
    return std::move(*entity);
}

} // namespace

std::string_view to_string(entity_match value) {
    switch (value) {
    case entity_match::existing:
        return "existing";
    case entity_match::chosen:
        return "chosen";
    case entity_match::created:
        return "created";
    }
    return "created";
}

entity_link_result link_entity(const environment& env, const actor& who,
                               std::string_view episode_id, const json::object& body) {
    const audit_target target{"episode.entity_link", "episode", std::string{episode_id}};
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        require_role(who, linkers, "link people, places and vehicles to an episode");
        const auto episode = db::episodes::lock(uow, episode_id, scope_of(who));
        if (!episode) {
            throw failure(failure_kind::not_found, "no such episode");
        }
        auto request = read_request(env, who, body);
        const auto now = env.now();
        entity_link_result result;
        if (request.entity_id) {
            // A merged entity's links live on in the one it was merged into.
            auto chosen = db::entities::find(uow, *request.entity_id);
            for (int hops = 0; chosen && chosen->merged_into && hops < 16; ++hops) {
                chosen = db::entities::find(uow, *chosen->merged_into);
            }
            if (!chosen) {
                throw failure(failure_kind::invalid_input, "entity_id: no such entity",
                              {{"entity_id", "no such entity"}});
            }
            result.entity = std::move(*chosen);
            result.matched = entity_match::chosen;
        } else {
            auto& wanted = request.entity;
            db::entities::lock_key(uow, key_of(wanted));
            std::optional<entity_record> same;
            for (auto& candidate : db::entities::candidates(
                     uow, wanted.kind, wanted.identifier_normalised, wanted.names)) {
                auto judged = judge(wanted, candidate);
                if (judged.same && !same) {
                    same = std::move(candidate);
                } else if (!judged.same) {
                    result.possible_matches.push_back(
                        {std::move(candidate), std::move(judged.reason)});
                }
            }
            if (same) {
                result.entity = std::move(*same);
                result.matched = entity_match::existing;
            } else {
                const auto id = db::entities::insert(uow, wanted);
                db::entities::record(uow, id, "created", "{}", now, who.user_id);
                result.entity = found(db::entities::find(uow, id));
                result.matched = entity_match::created;
            }
        }
        const bool new_child = !db::entities::links_child(uow, result.entity.id, episode->child_id);
        const auto link_id =
            db::entities::link(uow, episode->id, result.entity.id, request.link, now, who.user_id);
        result.linked = link_id.has_value();
        const json::object detail{{"entity_id", result.entity.id},
                                  {"kind", workflow::to_string(result.entity.kind)},
                                  {"link", workflow::to_string(request.link)},
                                  {"matched", to_string(result.matched)},
                                  {"linked", result.linked}};
        if (link_id) {
            db::entities::record(
                uow, result.entity.id, "linked",
                json::serialize(json::object{{"link_id", *link_id},
                                             {"episode_id", episode->id},
                                             {"link", workflow::to_string(request.link)}}),
                now, who.user_id);
            // The episode's organisations hear of the link through their webhooks.
            std::vector<std::string> organisations{episode->responsible_authority_id,
                                                   episode->police_force_id};
            if (episode->host_authority_id &&
                *episode->host_authority_id != episode->responsible_authority_id) {
                organisations.push_back(*episode->host_authority_id);
            }
            json::object message = detail;
            message["episode_id"] = episode->id;
            message["link_id"] = *link_id;
            for (const auto& organisation : organisations) {
                db::queue_message(uow, organisation, "entity.linked", json::serialize(message));
            }
            if (new_child) {
                result.entity = found(db::entities::find(uow, result.entity.id));
                tell_champions(uow, result.entity,
                               {episode->child_id, episode->id, episode->responsible_authority_id,
                                episode->host_authority_id});
            }
        }
        for (const auto& link : db::entities::for_episode(uow, episode->id, scope_of(who))) {
            if (link.entity.id == result.entity.id && link.link.link == request.link) {
                result.link = link.link;
            }
        }
        result.entity = found(db::entities::find(uow, result.entity.id));
        json::array offered;
        for (const auto& match : result.possible_matches) {
            offered.emplace_back(match.entity.id);
        }
        auto audited = detail;
        audited["possible_matches"] = std::move(offered);
        audit_success(uow, who, target, audited);
        return result;
    });
}

std::vector<db::entities::episode_entity> episode_entities(const environment& env, const actor& who,
                                                           std::string_view episode_id) {
    const audit_target target{"episode.entities", "episode", std::string{episode_id}};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, linkers, "see an episode's people, places and vehicles");
        if (!db::episodes::visible(uow, episode_id, scope_of(who))) {
            throw failure(failure_kind::not_found, "no such episode");
        }
        auto items = db::entities::for_episode(uow, episode_id, scope_of(who));
        json::array ids;
        for (const auto& item : items) {
            ids.emplace_back(item.entity.id);
        }
        audit.read(target, {{"entity_ids", std::move(ids)}});
        return items;
    });
}

std::vector<entity_record> list_entities(const environment& env, const actor& who,
                                         const std::optional<std::string>& kind,
                                         const std::optional<std::string>& min_children,
                                         int limit) {
    const audit_target target{"entity.list", "entity", ""};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, viewers, "see people, places and vehicles across children");
        std::vector<field_error> errors;
        std::optional<entity_kind> wanted;
        if (kind && !kind->empty()) {
            wanted = workflow::parse_entity_kind(*kind);
            if (!wanted) {
                errors.push_back(
                    {"kind", "must be one of " + std::string{workflow::choices_of(entity_kind{})}});
            }
        }
        int minimum = 2;
        if (min_children) {
            const auto* end = min_children->data() + min_children->size();
            const auto [ptr, ec] = std::from_chars(min_children->data(), end, minimum);
            if (ec != std::errc{} || ptr != end || minimum < 1 || minimum > 1000) {
                errors.push_back({"min_children", "must be a whole number from 1 to 1000"});
            }
        }
        if (limit < 1 || limit > 500) {
            errors.push_back({"limit", "must be from 1 to 500"});
        }
        if (!errors.empty()) {
            refuse_query(std::move(errors));
        }
        auto items = db::entities::list(uow, scope_of(who), wanted, minimum, limit);
        json::array ids;
        for (const auto& item : items) {
            ids.emplace_back(item.id);
        }
        audit.read(target, {{"kind", kind ? json::value(*kind) : nullptr},
                            {"min_children", minimum},
                            {"entity_ids", std::move(ids)}});
        return items;
    });
}

entity_view get_entity(const environment& env, const actor& who, std::string_view id) {
    const audit_target target{"entity.read", "entity", std::string{id}};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, viewers, "see people, places and vehicles across children");
        entity_view view{found(db::entities::find_in_scope(uow, id, scope_of(who))),
                         db::entities::links(uow, id, scope_of(who))};
        json::array episodes;
        json::array children;
        std::unordered_set<std::string_view>
            seen; // a hub links thousands: not a linear search each
        for (const auto& link : view.links) {
            episodes.emplace_back(link.episode_id);
            if (seen.insert(link.child_id).second) {
                children.emplace_back(link.child_id);
            }
        }
        audit.read(target, {{"episode_ids", std::move(episodes)}, {"child_ids", children}});
        return view;
    });
}

entity_view merge_entity(const environment& env, const actor& who, std::string_view id,
                         const json::object& body) {
    const audit_target target{"entity.merge", "entity", std::string{id}};
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        require_role(who, {role::cse_champion}, "merge people, places and vehicles");
        const auto scope = scope_of(who);
        const auto from = found(db::entities::find_in_scope(uow, id, scope));
        workflow::input_reader input{body, {"into"}};
        const auto into_id = input.id("into");
        finish(input);
        const auto into = db::entities::find_in_scope(uow, into_id, scope);
        if (!into) {
            throw failure(failure_kind::invalid_input, "into: no such entity",
                          {{"into", "no such entity"}});
        }
        if (into->id == from.id) {
            throw failure(failure_kind::invalid_input,
                          "into: an entity cannot be merged into itself",
                          {{"into", "must be another entity"}});
        }
        if (into->kind != from.kind) {
            throw failure(failure_kind::invalid_input, "into: must be of the same kind",
                          {{"into", "must be a " + std::string{workflow::to_string(from.kind)}}});
        }
        if (from.merged_into || into->merged_into) {
            throw failure(failure_kind::state_conflict, "the entity was merged already");
        }
        // The children `into` links before the merge: the rest are new to it.
        const auto before = db::entities::children(uow, into->id);
        const auto now = env.now();
        const auto moved = db::entities::merge(uow, from.id, into->id, now, who.user_id);
        const auto as_array = [](const std::vector<std::string>& list) {
            json::array a;
            for (const auto& s : list) {
                a.emplace_back(s);
            }
            return a;
        };
        const json::object detail{{"from", from.id},
                                  {"into", into->id},
                                  {"moved_links", as_array(moved.moved)},
                                  {"dropped_links", as_array(moved.dropped)}};
        db::entities::record(uow, from.id, "merged_into", json::serialize(detail), now,
                             who.user_id);
        db::entities::record(uow, into->id, "merged_from", json::serialize(detail), now,
                             who.user_id);
        audit_success(uow, who, target, detail);
        audit_success(uow, who, {"entity.merge", "entity", into->id}, detail);

        // Children the merge brought to `into` are new to it: their champions are told.
        const auto merged = found(db::entities::find(uow, into->id));
        for (const auto& child : db::entities::children(uow, into->id)) {
            const bool known = std::any_of(before.begin(), before.end(), [&](const auto& b) {
                return b.child_id == child.child_id;
            });
            if (!known) {
                tell_champions(uow, merged, child);
            }
        }
        return entity_view{merged, db::entities::links(uow, into->id, scope)};
    });
}

} // namespace homeward::services
