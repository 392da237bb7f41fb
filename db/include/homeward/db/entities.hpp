#pragma once
// People, places and vehicles of concern and their links to episodes. Matching finds the live
// (unmerged) entities of a kind that share a normalised identifier or name; the services decide
// which is the same entity and which only a possible match. Lists and reads are in the caller's
// scope of episodes (the episode scope, in SQL); a count of children may include children out
// of scope, a child's name never does.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/workflow/entities.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db {

struct entity_record {
    std::string id;
    workflow::entity_kind kind{workflow::entity_kind::person};
    std::string label;
    std::string label_normalised;
    std::optional<std::string> identifier;
    std::optional<std::string> identifier_normalised;
    std::string details_json{"{}"};
    std::vector<std::string> names; // the normalised name and aliases
    std::optional<std::string> merged_into;
    std::optional<time_point> merged_at;
    time_point created_at{};
    int children{0}; // distinct children linked, in any scope
};

struct new_entity {
    workflow::entity_kind kind{workflow::entity_kind::person};
    std::string label;
    std::string label_normalised;
    std::optional<std::string> identifier;
    std::optional<std::string> identifier_normalised;
    std::string details_json{"{}"};
    std::vector<std::string> names;
    time_point at{};
    std::string by;
};

// One link of an entity to an episode, as the caller may see it.
struct entity_link_record {
    std::string id;
    std::string entity_id;
    std::string episode_id;
    std::string child_id;
    std::string child_given_name;
    std::string child_family_name;
    workflow::entity_link link{workflow::entity_link::other};
    time_point linked_at{};
    std::string linked_by_username;
    time_point reported_at{};
    std::optional<std::string> moved_from;
};

namespace entities {

// Serialises the links that could make or match the entity with this key (kind and normalised
// identifier or name) until the transaction ends.
void lock_key(unit_of_work& uow, const std::string& key);
// Live entities of the kind sharing the normalised identifier or any of the names, oldest first.
std::vector<entity_record> candidates(unit_of_work& uow, workflow::entity_kind kind,
                                      const std::optional<std::string>& identifier,
                                      const std::vector<std::string>& names);
// Any entity, merged or not (no scope: entities are shared across organisations; their links
// are not).
std::optional<entity_record> find(unit_of_work& uow, std::string_view id);
// The entity when at least one of its links (or of the links a merge moved from it) is to an
// episode in the caller's scope.
std::optional<entity_record> find_in_scope(unit_of_work& uow, std::string_view id,
                                           const scope& who);
std::string insert(unit_of_work& uow, const new_entity& entity);
// Links the entity to the episode; unset when it was already linked to it in this way.
std::optional<std::string> link(unit_of_work& uow, const std::string& episode_id,
                                const std::string& entity_id, workflow::entity_link nature,
                                time_point at, const std::string& by);
// Whether any episode of the child is linked to the entity.
bool links_child(unit_of_work& uow, const std::string& entity_id, const std::string& child_id);
// A child the entity links (any scope), with the episode first linked and its authorities.
struct linked_child {
    std::string child_id;
    std::string episode_id;
    std::string responsible_authority_id;
    std::optional<std::string> host_authority_id;
};
// The distinct children of the entity's episodes (any scope), each with its first linked episode.
std::vector<linked_child> children(unit_of_work& uow, const std::string& entity_id);
// The authorities (responsible and host) of the entity's episodes.
std::vector<std::string> authorities(unit_of_work& uow, const std::string& entity_id);
// Appends to the entity's history.
void record(unit_of_work& uow, const std::string& entity_id, std::string_view action,
            const std::string& detail_json, time_point at, const std::string& by);

// The entities linked to an episode in the caller's scope, with each link.
struct episode_entity {
    entity_record entity;
    entity_link_record link;
};
std::vector<episode_entity> for_episode(unit_of_work& uow, std::string_view episode_id,
                                        const scope& who);
// Entities with a link in the caller's scope and at least `min_children` distinct children (any
// scope), most children first.
std::vector<entity_record> list(unit_of_work& uow, const scope& who,
                                std::optional<workflow::entity_kind> kind, int min_children,
                                int limit);
// The entity's links to episodes in the caller's scope, newest first.
std::vector<entity_link_record> links(unit_of_work& uow, std::string_view entity_id,
                                      const scope& who);

// Moves every link of `from` to `into` (a link `into` already has in the same way is dropped)
// and marks `from` merged into `into`. Answers the ids of the links moved and dropped.
struct merge_result {
    std::vector<std::string> moved;
    std::vector<std::string> dropped;
};
merge_result merge(unit_of_work& uow, const std::string& from, const std::string& into,
                   time_point at, const std::string& by);

} // namespace entities
} // namespace homeward::db
