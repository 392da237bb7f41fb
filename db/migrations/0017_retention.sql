-- Retention: how long a child's records are kept, as policy data, and the mark of a child whose
-- records the retention job has anonymised.
--
-- The schedule: a child's records are kept until the later of their birthday at keep_until_age
-- and years_after_last_closed years after the last of their episodes closed (or was cancelled);
-- while an episode is open they are never due, and a legal hold (0016) keeps them whatever the
-- schedule says. The deployment's rule is the row without an organisation (25 years of age, or 6
-- years after the last episode closed); a local authority may set its own, which governs the
-- children it is responsible for.
create table retention_policies (
    organisation_id         uuid references organisations (id),  -- null: the deployment's rule
    keep_until_age          integer not null check (keep_until_age between 0 and 120),
    years_after_last_closed integer not null check (years_after_last_closed between 0 and 100),
    updated_at              timestamptz not null default now(),
    updated_by              uuid references users (id)
);
-- One rule per authority, and one deployment rule.
create unique index retention_policies_organisation_key on retention_policies
    (coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid));

insert into retention_policies (organisation_id, keep_until_age, years_after_last_closed)
    values (null, 25, 6);

-- When the retention job anonymised the child's records (null: not anonymised). The job claims a
-- child by locking its row and finding this still null, so it anonymises a child exactly once
-- however many processes run it.
alter table children add column anonymised_at timestamptz;

-- When each child's records fall due, by the rule that governs them: their responsible
-- authority's, else the deployment's. due_on is null while an episode is open (never due);
-- rule says which of the two dates is the later ('age' on a tie, and for a child who never had an
-- episode).
create view retention_schedule as
select c.id as child_id, c.responsible_authority_id, c.anonymised_at,
       p.keep_until_age, p.years_after_last_closed, x.open_episodes, x.last_closed_on,
       (c.date_of_birth + make_interval(years => p.keep_until_age))::date as age_due_on,
       (x.last_closed_on + make_interval(years => p.years_after_last_closed))::date
           as closed_due_on,
       case when x.open_episodes = 0
            then greatest((c.date_of_birth + make_interval(years => p.keep_until_age))::date,
                          (x.last_closed_on
                           + make_interval(years => p.years_after_last_closed))::date) end
           as due_on,
       case when x.last_closed_on is null
                 or (c.date_of_birth + make_interval(years => p.keep_until_age))::date
                    >= (x.last_closed_on + make_interval(years => p.years_after_last_closed))::date
            then 'age' else 'after_last_closed' end as rule,
       exists (select from legal_holds h where h.child_id = c.id) as held
from children c
cross join lateral (
    select count(*) filter (where e.state not in ('closed', 'cancelled')) as open_episodes,
           max((coalesce(e.closed_at, e.cancelled_at) at time zone 'UTC')::date)
               filter (where e.state in ('closed', 'cancelled')) as last_closed_on
    from episodes e where e.child_id = c.id) x
cross join lateral (
    select r.keep_until_age, r.years_after_last_closed from retention_policies r
    where r.organisation_id = c.responsible_authority_id or r.organisation_id is null
    order by r.organisation_id nulls last limit 1) p;

-- What the job finds per child without reading whole tables: the webhook messages about a child or
-- one of their episodes (a notification's copy names both at its top level), and the entities
-- whose count of children includes the child.
create index outbox_child_idx on outbox ((payload ->> 'child_id'));
create index outbox_episode_idx on outbox ((payload ->> 'episode_id'));
create index entity_children_child_idx on entity_children (child_id);

-- Free text in a JSON document made safe to keep: every string that is not an id, a time or a
-- code (lower-case letters, digits, _ . -), and every value under a key that names free text, is
-- replaced by "anonymised"; numbers, booleans and the document's shape are kept, so that readers
-- of notifications and webhook messages still find their ids and kinds.
create function hw_scrub_text(doc jsonb) returns jsonb
    language plpgsql immutable parallel safe as $$
begin
    case jsonb_typeof(doc)
    when 'object' then
        return coalesce(
            (select jsonb_object_agg(k, case when k ~ '(name|title|text|summary|reason|note|notes|location|description|address|details|label|views|account|concerns|with_whom|where_stayed|found_by|returned_to|circumstances)$'
                                            and jsonb_typeof(v) = 'string'
                                       then '"anonymised"'::jsonb else hw_scrub_text(v) end)
             from jsonb_each(doc) d(k, v)), '{}'::jsonb);
    when 'array' then
        return coalesce(
            (select jsonb_agg(hw_scrub_text(v) order by n)
             from jsonb_array_elements(doc) with ordinality a(v, n)), '[]'::jsonb);
    when 'string' then
        if doc #>> '{}' ~ '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9:]+))?|[a-z0-9_.-]{0,40})$' then
            return doc;
        end if;
        return '"anonymised"'::jsonb;
    else
        return doc;
    end case;
end $$;

-- A place the retention job keeps: as written when another child's episode was at the same place
-- too (the same key, hw_place_key of 0009: a public place, a station, a park), so that the hot
-- spots keep their key and their label; a place only this child was at (their home, a friend's
-- flat) becomes a pseudonym that keeps its episodes counted together under no address. The indexes
-- find another child at the place without reading every episode.
create index episodes_last_seen_key_idx on episodes (hw_place_key(last_seen_location), child_id);
create index episodes_found_key_idx on episodes (hw_place_key(found_location), child_id);
create index interviews_stayed_key_idx on interviews (hw_place_key(where_stayed));

-- PL/pgSQL: its statements are planned once a connection, not at every call.
create function hw_retained_place(place text, child uuid) returns text
    language plpgsql stable parallel safe as $$
declare
    k text := hw_place_key(place);
begin
    if place is null then
        return null;
    end if;
    if k = '' then
        return '';
    end if;
    if exists (select from episodes e
               where hw_place_key(e.last_seen_location) = k and e.child_id <> child)
       or exists (select from episodes e
                  where hw_place_key(e.found_location) = k and e.child_id <> child)
       or exists (select from interviews i join episodes e on e.id = i.episode_id
                  where hw_place_key(i.where_stayed) = k and e.child_id <> child) then
        return place;
    end if;
    return 'place ' || left(md5(k), 12);
end $$;
