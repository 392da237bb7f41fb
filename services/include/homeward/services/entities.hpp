#pragma once
// People, places and vehicles of concern. Police, social workers, managers and the champion link
// them to episodes in their scope; an entity named again is found by its normalised identifier
// and name and linked, never duplicated, and a weaker likeness is offered as a possible match,
// never merged silently. Police, managers and the champion see the view across children: counts
// of children in any scope, the children and episodes only within theirs. The champion merges.
// When an entity comes to link a second (third, ...) child, the champion of every authority
// involved is told, once per new child.

#include "homeward/db/entities.hpp"
#include "homeward/services/environment.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::services {

using db::entity_link_record;
using db::entity_record;

// A likeness found on linking that was not taken as the same entity, and why.
struct possible_match {
    entity_record entity;
    std::string reason;
};

// How a link found its entity: an existing one by exact match, one the caller chose by id, or a
// new one.
enum class entity_match { existing, chosen, created };

struct entity_link_result {
    entity_record entity;
    entity_link_record link;
    entity_match matched{entity_match::created};
    bool linked{true}; // false: the entity was already linked to the episode in this way
    std::vector<possible_match> possible_matches;
};

// POST /episodes/{id}/entities: body {kind, label, identifier?, details?, link}, or {entity_id,
// link} to link an entity already known (a possible match the caller chose).
entity_link_result link_entity(const environment& env, const actor& who,
                               std::string_view episode_id, const boost::json::object& body);

// The entities linked to an episode the caller may see (any role that sees the episode).
std::vector<db::entities::episode_entity> episode_entities(const environment& env, const actor& who,
                                                           std::string_view episode_id);

// GET /entities: kind (person, place, vehicle) optional, min_children from 1 (default 2).
std::vector<entity_record> list_entities(const environment& env, const actor& who,
                                         const std::optional<std::string>& kind,
                                         const std::optional<std::string>& min_children, int limit);

struct entity_view {
    entity_record entity;
    std::vector<entity_link_record> links; // in the caller's scope
};
// GET /entities/{id}: 404 unless one of its links is in the caller's scope.
entity_view get_entity(const environment& env, const actor& who, std::string_view id);

// POST /entities/{id}/merge {into} (cse_champion): answers the entity merged into.
entity_view merge_entity(const environment& env, const actor& who, std::string_view id,
                         const boost::json::object& body);

std::string_view to_string(entity_match value);

} // namespace homeward::services
