-- People, places and vehicles of concern, which 0001 made as placeholders that nothing read or
-- wrote: both tables are replaced (they can hold no rows).
--
-- An entity is one person, place or vehicle however many episodes name it. Its identifier (a
-- person's phone, a place's postcode, a vehicle's registration) is kept as given and normalised
-- for matching; a person's name and aliases are kept normalised too. A merged entity is kept with
-- a pointer to the one it was merged into: its links moved there, its history stays.
drop table episode_entities;
drop table entities;

create table entities (
    id                    uuid primary key default gen_random_uuid(),
    kind                  text not null check (kind in ('person', 'place', 'vehicle')),
    label                 text not null check (btrim(label) <> '' and length(label) <= 200),
    label_normalised      text not null check (label_normalised <> ''),
    identifier            text check (length(identifier) <= 100),
    identifier_normalised text check (identifier_normalised <> ''),
    -- Person: aliases, approximate_age, description; place: address; vehicle: make, colour.
    details               jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
    -- The normalised name and aliases of a person (the label alone for the other kinds).
    names_normalised      text[] not null,
    merged_into           uuid references entities (id),
    merged_at             timestamptz,
    merged_by             uuid references users (id),
    created_at            timestamptz not null,
    created_by            uuid not null references users (id),
    -- The distinct children its episodes concern, in any scope: the rows of entity_children,
    -- kept in the transaction that links or merges (0 once merged into another).
    children              integer not null default 0 check (children >= 0),
    check ((merged_into is null) = (merged_at is null) and (merged_into is null) = (merged_by is null)),
    check (merged_into is distinct from id)
);
-- A vehicle is its registration: one live entity per registration.
create unique index entities_vehicle_registration_key on entities (identifier_normalised)
    where kind = 'vehicle' and merged_into is null and identifier_normalised is not null;
-- Matching on link: by normalised identifier, and by normalised name or alias.
create index entities_identifier_idx on entities (kind, identifier_normalised)
    where merged_into is null;
create index entities_names_idx on entities using gin (names_normalised)
    where merged_into is null;
-- The list (most children first) walks this index and stops at the page's end.
create index entities_children_idx on entities (children desc, created_at, id)
    where merged_into is null;

-- One link of an entity to an episode, with its nature. The same entity may be linked to one
-- episode in two ways (seen with, then gave gifts), never twice in the same way.
create table episode_entities (
    id          uuid primary key default gen_random_uuid(),
    episode_id  uuid not null references episodes (id),
    entity_id   uuid not null references entities (id),
    link        text not null
                check (link in ('seen_with', 'picked_up_by', 'stayed_at', 'found_at',
                                'gave_gifts', 'other')),
    linked_at   timestamptz not null,
    linked_by   uuid not null references users (id),
    -- Set when a merge moved the link here from another entity.
    moved_from  uuid references entities (id),
    unique (entity_id, episode_id, link)
);
-- An episode's entities (the episode page).
create index episode_entities_episode_idx on episode_entities (episode_id);

-- The distinct children an entity's links concern (any scope): a row is added when a link
-- concerns a child the entity had not linked, and a merge moves the rows; entities.children is
-- their count.
create table entity_children (
    entity_id uuid not null references entities (id),
    child_id  uuid not null references children (id),
    primary key (entity_id, child_id)
);

-- What happened to each entity: made, linked, merged (both sides), in order.
create table entity_history (
    id         bigint generated always as identity primary key,
    entity_id  uuid not null references entities (id),
    action     text not null check (action in ('created', 'linked', 'merged_into', 'merged_from')),
    detail     jsonb not null default '{}',
    at         timestamptz not null,
    by_user    uuid not null references users (id)
);
create index entity_history_entity_idx on entity_history (entity_id, id);

-- (homeward_app's rights come from 0008's default privileges.)
