-- After ops/bench/overdue_load.sql (5 forces, 20 authorities, 200,000 children, 1,000,000
-- episodes): 100,000 people, places and vehicles of concern and 1,000,000 links, one per episode,
-- to an entity drawn with a long tail (entity n with probability rising steeply towards n = 0),
-- so that a few entities link hundreds of children, many link a handful and most link one. Used
-- by ops/bench/entities; every row satisfies the schema's constraints.
\set ON_ERROR_STOP on
begin;
select setseed(0.16);
create temporary table bench_user as
select id from users where username like 'bench-sw-%' order by username limit 1;

insert into entities (kind, label, label_normalised, identifier, identifier_normalised, details,
                      names_normalised, created_at, created_by)
select k.kind, 'Bench ' || k.kind || ' ' || g, 'bench ' || k.kind || ' ' || g,
       case k.kind when 'vehicle' then 'BE' || g when 'place' then 'ZZ' || (g % 99 + 1) || ' ' ||
            (g % 10) || 'AB' else '07700' || lpad(g::text, 6, '0') end,
       case k.kind when 'vehicle' then 'BE' || g when 'place' then 'ZZ' || (g % 99 + 1) || ' ' ||
            (g % 10) || 'AB' else '07700' || lpad(g::text, 6, '0') end,
       '{}', array['bench ' || k.kind || ' ' || g], now() - interval '2 years', u.id
from generate_series(0, 99999) g
cross join lateral (select (array['person', 'place', 'vehicle'])[1 + g % 3] as kind) k
cross join bench_user u;

create temporary table entity_numbers as
select row_number() over (order by label_normalised) - 1 as n, id from entities
where label like 'Bench %';
create index on entity_numbers (n);

insert into episode_entities (episode_id, entity_id, link, linked_at, linked_by)
select e.id, x.id, (array['seen_with', 'picked_up_by', 'stayed_at', 'found_at', 'gave_gifts',
                          'other'])[1 + e.i % 6],
       e.reported_at + interval '1 day', u.id
from (select id, reported_at, row_number() over () as i,
             floor(100000 * power(random(), 3))::int as n
      from episodes where police_reference like 'B-%') e
join entity_numbers x on x.n = e.n
cross join bench_user u;

-- What the link's transaction keeps (db/src/entities.cpp): each entity's distinct children and
-- their count.
insert into entity_children (entity_id, child_id)
select distinct l.entity_id, e.child_id from episode_entities l join episodes e on e.id = l.episode_id;
update entities n set children = c.children
from (select entity_id, count(*)::int as children from entity_children group by entity_id) c
where c.entity_id = n.id;
commit;
analyze;
