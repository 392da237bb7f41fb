#include "homeward/db/entities.hpp"

#include "sql.hpp"

namespace homeward::db::entities {
namespace {

// An entity's own columns (alias n); then its distinct children in any scope (entities.children,
// kept on link and merge).
const std::string entity_fields =
    "n.id::text, n.kind, n.label, n.label_normalised, n.identifier, n.identifier_normalised, "
    "n.details::text, n.names_normalised, n.merged_into::text, extract(epoch from "
    "n.merged_at)::bigint, extract(epoch from n.created_at)::bigint";
const std::string entity_columns = entity_fields + ", n.children";

// A link's columns: the link (l), its episode (e), the episode's child (c), who linked it (u).
#define LINK_COLUMNS                                                                               \
    "l.id::text, l.entity_id::text, l.episode_id::text, e.child_id::text, c.given_name, "          \
    "c.family_name, l.link, extract(epoch from l.linked_at)::bigint, u.username, extract(epoch "   \
    "from e.reported_at)::bigint, l.moved_from::text"
#define LINK_JOINS                                                                                 \
    " from episode_entities l join episodes e on e.id = l.episode_id join children c on c.id = "   \
    "e.child_id join users u on u.id = l.linked_by "

const statement lock_sql{"entities_lock", "select pg_advisory_xact_lock(hashtextextended($1, 0))"};
const statement candidates_sql{
    "entities_candidates",
    "select " + entity_columns +
        " from entities n where n.kind = $1 and n.merged_into is null and "
        "(n.identifier_normalised = $2 or n.names_normalised && $3::text[]) order by n.created_at, "
        "n.id limit 50"};
const statement find_sql{"entities_find",
                         "select " + entity_columns + " from entities n where n.id = $1::uuid"};
// In scope when a link in scope names the entity, or was moved from it by a merge: two EXISTS, so
// that each walks its own index (an OR of the two columns read every link).
std::string link_in_scope(std::string_view column) {
    return "exists (select 1 from episode_entities l join episodes e on e.id = l.episode_id where "
           "l." +
           std::string{column} + " = n.id and " + episode_scope("e", 2, 3) + ")";
}
const statement find_in_scope_sql{
    "entities_find_in_scope",
    "select " + entity_columns + " from entities n where n.id = $1::uuid and (" +
        link_in_scope("entity_id") + " or " + link_in_scope("moved_from") + ")"};
const statement insert_sql{
    "entities_insert",
    "insert into entities (kind, label, label_normalised, identifier, identifier_normalised, "
    "details, names_normalised, created_at, created_by) values ($1, $2, $3, $4, $5, $6::jsonb, "
    "$7::text[], to_timestamp($8), $9::uuid) returning id::text"};
const statement link_sql{
    "entities_link",
    "insert into episode_entities (episode_id, entity_id, link, linked_at, linked_by) values "
    "($1::uuid, $2::uuid, $3, to_timestamp($4), $5::uuid) on conflict (entity_id, episode_id, "
    "link) do nothing returning id::text"};
// The link's child, counted once per entity; the entity row's lock orders concurrent counts.
const statement count_child_sql{
    "entities_count_child",
    "with added as (insert into entity_children (entity_id, child_id) select $1::uuid, e.child_id "
    "from episodes e where e.id = $2::uuid on conflict do nothing returning 1) update entities set "
    "children = children + (select count(*) from added)::int where id = $1::uuid"};
const statement links_child_sql{
    "entities_links_child",
    "select exists (select 1 from episode_entities l join episodes e on e.id = l.episode_id where "
    "l.entity_id = $1::uuid and e.child_id = $2::uuid)"};
const statement children_sql{
    "entities_children",
    "select distinct on (e.child_id) e.child_id::text, e.id::text, "
    "e.responsible_authority_id::text, e.host_authority_id::text from episode_entities l join "
    "episodes e on e.id = l.episode_id where l.entity_id = $1::uuid order by e.child_id, "
    "l.linked_at, l.id"};
const statement authorities_sql{
    "entities_authorities",
    "select distinct a::text from episode_entities l join episodes e on e.id = l.episode_id, "
    "unnest(array[e.responsible_authority_id, e.host_authority_id]) a where l.entity_id = "
    "$1::uuid and a is not null order by 1"};
const statement record_sql{
    "entities_record",
    "insert into entity_history (entity_id, action, detail, at, by_user) values ($1::uuid, $2, "
    "$3::jsonb, to_timestamp($4), $5::uuid)"};
const statement for_episode_sql{"entities_for_episode",
                                "select " + entity_columns +
                                    ", " LINK_COLUMNS LINK_JOINS
                                    "join entities n on n.id = l.entity_id where l.episode_id = "
                                    "$1::uuid and " +
                                    episode_scope("e", 2, 3) + " order by l.linked_at, l.id"};
// Entities by their count of children (any scope), most first, walking entities_children_idx:
// each is listed when one of its links is to an episode in the caller's scope (EXISTS), so only
// the page's entities and those skipped before it are read. The children the caller sees are not
// counted here (that reads every link of each entity: 2 s for a page of the 50 largest at
// 1,000,000 links); GET /entities/{id} counts them for one entity.
const statement list_sql{
    "entities_list",
    "select " + entity_fields +
        ", n.children from entities n where n.merged_into is null and n.children >= $4 and "
        "($3::text is null or n.kind = $3) and exists (select 1 from episode_entities l join "
        "episodes e on e.id = l.episode_id where l.entity_id = n.id and " +
        episode_scope("e", 1, 2) + ") order by n.children desc, n.created_at, n.id limit $5"};
const statement links_sql{"entities_links",
                          "select " LINK_COLUMNS LINK_JOINS "where l.entity_id = $1::uuid and " +
                              episode_scope("e", 2, 3) +
                              " order by e.reported_at desc, l.linked_at desc, l.id"};
const statement lock_entity_sql{"entities_lock_entity",
                                "select id from entities where id = $1::uuid for update"};
const statement drop_duplicates_sql{
    "entities_drop_duplicates",
    "delete from episode_entities l where l.entity_id = $1::uuid and exists (select 1 from "
    "episode_entities k where k.entity_id = $2::uuid and k.episode_id = l.episode_id and k.link "
    "= l.link) returning l.id::text"};
const statement move_links_sql{
    "entities_move_links",
    "update episode_entities set entity_id = $2::uuid, moved_from = coalesce(moved_from, "
    "$1::uuid) where entity_id = $1::uuid returning id::text"};
// The merged entity's children become the other's (each once); its count goes to 0.
const statement move_children_sql{
    "entities_move_children",
    "with gone as (delete from entity_children where entity_id = $1::uuid returning child_id), "
    "added as (insert into entity_children (entity_id, child_id) select $2::uuid, child_id from "
    "gone on conflict do nothing returning 1) update entities set children = case when id = "
    "$1::uuid then 0 else children + (select count(*) from added)::int end where id in ($1::uuid, "
    "$2::uuid)"};
const statement mark_merged_sql{
    "entities_mark_merged",
    "update entities set merged_into = $2::uuid, merged_at = to_timestamp($3), merged_by = "
    "$4::uuid where id = $1::uuid and merged_into is null"};

entity_record read_entity(fields& f) {
    entity_record e;
    e.id = f.text();
    e.kind = f.value<workflow::entity_kind>(workflow::parse_entity_kind);
    e.label = f.text();
    e.label_normalised = f.text();
    e.identifier = f.optional_text();
    e.identifier_normalised = f.optional_text();
    e.details_json = f.text();
    e.names = f.list();
    e.merged_into = f.optional_text();
    e.merged_at = f.optional_time();
    e.created_at = f.time();
    e.children = f.integer();
    return e;
}

entity_link_record read_link(fields& f) {
    entity_link_record l;
    l.id = f.text();
    l.entity_id = f.text();
    l.episode_id = f.text();
    l.child_id = f.text();
    l.child_given_name = f.text();
    l.child_family_name = f.text();
    l.link = f.value<workflow::entity_link>(workflow::parse_entity_link);
    l.linked_at = f.time();
    l.linked_by_username = f.text();
    l.reported_at = f.time();
    l.moved_from = f.optional_text();
    return l;
}

std::vector<std::string> ids(const pqxx::result& result) {
    std::vector<std::string> list;
    for (const auto& row : result) {
        list.push_back(row[0].as<std::string>());
    }
    return list;
}

} // namespace

void lock_key(unit_of_work& uow, const std::string& key) { run(uow, lock_sql, key); }

std::vector<entity_record> candidates(unit_of_work& uow, workflow::entity_kind kind,
                                      const std::optional<std::string>& identifier,
                                      const std::vector<std::string>& names) {
    std::vector<entity_record> list;
    for (const auto& row : run(uow, candidates_sql, text_of(kind), identifier, text_array(names))) {
        fields f{row};
        list.push_back(read_entity(f));
    }
    return list;
}

std::optional<entity_record> find(unit_of_work& uow, std::string_view id) {
    const auto row = row_by_id(uow, find_sql, id);
    if (!row) {
        return std::nullopt;
    }
    fields f{*row};
    return read_entity(f);
}

std::optional<entity_record> find_in_scope(unit_of_work& uow, std::string_view id,
                                           const scope& who) {
    const auto row = row_by_id(uow, find_in_scope_sql, id, text_of(who.who), who.organisation_id);
    if (!row) {
        return std::nullopt;
    }
    fields f{*row};
    return read_entity(f);
}

std::string insert(unit_of_work& uow, const new_entity& entity) {
    return run(uow, insert_sql, text_of(entity.kind), entity.label, entity.label_normalised,
               entity.identifier, entity.identifier_normalised, entity.details_json,
               text_array(entity.names), epoch(entity.at), entity.by)[0][0]
        .as<std::string>();
}

std::optional<std::string> link(unit_of_work& uow, const std::string& episode_id,
                                const std::string& entity_id, workflow::entity_link nature,
                                time_point at, const std::string& by) {
    const auto result = run(uow, link_sql, episode_id, entity_id, text_of(nature), epoch(at), by);
    if (result.empty()) {
        return std::nullopt;
    }
    run(uow, count_child_sql, entity_id, episode_id);
    return result[0][0].as<std::string>();
}

bool links_child(unit_of_work& uow, const std::string& entity_id, const std::string& child_id) {
    return run(uow, links_child_sql, entity_id, child_id)[0][0].as<bool>();
}

std::vector<linked_child> children(unit_of_work& uow, const std::string& entity_id) {
    std::vector<linked_child> list;
    for (const auto& row : run(uow, children_sql, entity_id)) {
        fields f{row};
        linked_child child;
        child.child_id = f.text();
        child.episode_id = f.text();
        child.responsible_authority_id = f.text();
        child.host_authority_id = f.optional_text();
        list.push_back(std::move(child));
    }
    return list;
}

std::vector<std::string> authorities(unit_of_work& uow, const std::string& entity_id) {
    return ids(run(uow, authorities_sql, entity_id));
}

void record(unit_of_work& uow, const std::string& entity_id, std::string_view action,
            const std::string& detail_json, time_point at, const std::string& by) {
    run(uow, record_sql, entity_id, std::string{action}, detail_json, epoch(at), by);
}

std::vector<episode_entity> for_episode(unit_of_work& uow, std::string_view episode_id,
                                        const scope& who) {
    std::vector<episode_entity> list;
    if (!workflow::is_uuid(episode_id)) {
        return list;
    }
    for (const auto& row : run(uow, for_episode_sql, std::string{episode_id}, text_of(who.who),
                               who.organisation_id)) {
        fields f{row};
        episode_entity item;
        item.entity = read_entity(f);
        item.link = read_link(f);
        list.push_back(std::move(item));
    }
    return list;
}

std::vector<entity_record> list(unit_of_work& uow, const scope& who,
                                std::optional<workflow::entity_kind> kind, int min_children,
                                int limit) {
    std::vector<entity_record> items;
    for (const auto& row : run(uow, list_sql, text_of(who.who), who.organisation_id, text_of(kind),
                               min_children, limit)) {
        fields f{row};
        items.push_back(read_entity(f));
    }
    return items;
}

std::vector<entity_link_record> links(unit_of_work& uow, std::string_view entity_id,
                                      const scope& who) {
    std::vector<entity_link_record> list;
    if (!workflow::is_uuid(entity_id)) {
        return list;
    }
    for (const auto& row :
         run(uow, links_sql, std::string{entity_id}, text_of(who.who), who.organisation_id)) {
        fields f{row};
        list.push_back(read_link(f));
    }
    return list;
}

merge_result merge(unit_of_work& uow, const std::string& from, const std::string& into,
                   time_point at, const std::string& by) {
    // Both rows locked in one order, so two merges of the same pair cannot deadlock.
    for (const auto& id : from < into ? std::vector{from, into} : std::vector{into, from}) {
        run(uow, lock_entity_sql, id);
    }
    merge_result result;
    result.dropped = ids(run(uow, drop_duplicates_sql, from, into));
    result.moved = ids(run(uow, move_links_sql, from, into));
    run(uow, move_children_sql, from, into);
    run(uow, mark_merged_sql, from, into, epoch(at), by);
    return result;
}

} // namespace homeward::db::entities
