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

-- PL/pgSQL, each statement planned for the place at hand (force_custom_plan): a generic plan
-- expects any key to match as many rows as the commonest does, and scans the whole table for a
-- key no other episode has.
create function hw_retained_place(place text, child uuid) returns text
    language plpgsql stable parallel safe set plan_cache_mode = force_custom_plan as $$
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

-- Anonymises one child's records (the job's caller has locked the child's row and found it due,
-- not held and not anonymised), in one call: one round trip a child. Returns the child's number of
-- episodes. Kept: every count, state, time, clock, history row and audit entry; the date of
-- birth, sex, ethnicity and looked-after status (the statutory return and the figures count by
-- them); a place another child was also at (hw_retained_place).
create function hw_anonymise_child(child uuid, at timestamptz) returns integer
    language plpgsql as $$
declare
    episode_ids uuid[] := array(select id from episodes where child_id = child);
    entity_ids  uuid[];
begin
    -- A notification's title becomes its kind's words (a title may name a person or a place), its
    -- body and its webhook copies lose their free text.
    update notifications n set body = hw_scrub_text(n.body),
                               title = initcap(replace(n.kind, '_', ' '))
        where n.child_id = child or n.episode_id = any(episode_ids);
    update outbox m set payload = hw_scrub_text(m.payload), last_error = null
        where m.payload ->> 'child_id' = child::text
           or m.payload ->> 'episode_id' = any(episode_ids::text[]);
    update children set given_name = 'Anonymised', family_name = 'Anonymised',
                        anonymised_at = at, updated_at = at, version = version + 1
        where id = child;
    update child_profiles set height = null, build = null, hair = null, eyes = null,
                              distinguishing_marks = null, clothing = null, languages = null,
                              medical_needs = null, medication = null, phone_numbers = null,
                              social_media = null, places = null, associates = null,
                              missing_history = null, completed_by = 'anonymised'
        where child_id = child;
    delete from child_photos where child_id = child;
    update child_reviews set notes = '' where child_id = child;
    update interviews i
        set location = case when i.location is not null then 'anonymised' end,
            where_stayed = hw_retained_place(i.where_stayed, child), with_whom = null,
            push_factors = '{}', pull_factors = '{}', harm_details = null,
            risk_rationale = case when i.risk_rationale is not null then 'anonymised' end,
            child_views = null, police_intelligence = null,
            declined_reason = case when i.declined_reason is not null then 'anonymised' end,
            attempts = null, carers_account = null
        where i.episode_id = any(episode_ids);
    update episodes
        set last_seen_location = hw_retained_place(last_seen_location, child),
            found_location = hw_retained_place(found_location, child),
            circumstances = 'anonymised', police_reference = 'anonymised',
            returned_to = case when returned_to is not null then 'anonymised' end,
            found_by = null, safe_and_well_notes = null, safe_and_well_concerns = null,
            sign_off_note = null,
            close_summary = case when close_summary is not null then 'anonymised' end,
            cancel_reason = case when cancel_reason is not null then 'anonymised' end,
            reopen_reason = case when reopen_reason is not null then 'anonymised' end
        where child_id = child;
    update episode_history set detail = hw_scrub_text(detail) where episode_id = any(episode_ids);
    update actions set description = 'anonymised',
                       outcome = case when outcome is not null then 'anonymised' end
        where episode_id = any(episode_ids);
    delete from idempotency_keys where episode_id = any(episode_ids);
    -- The links of the child's episodes to people, places and vehicles, and the entities' count of
    -- the child; an entity that no longer concerns any child loses its names, identifier and
    -- details (a private address, an associate's name) and its history's free text.
    with links as (delete from episode_entities where episode_id = any(episode_ids)
                   returning entity_id),
         counted as (delete from entity_children where child_id = child returning entity_id)
    select array(select entity_id from links union select entity_id from counted)
        into entity_ids;
    if cardinality(entity_ids) > 0 then
        update entities n set children = (select count(*) from entity_children c
                                          where c.entity_id = n.id)
            where n.id = any(entity_ids) and n.merged_into is null;
        with orphans as (
            select n.id from entities n
            where n.id = any(entity_ids)
              and not exists (select from entity_children c where c.entity_id = n.id)
              and not exists (select from episode_entities l
                              where l.entity_id = n.id or l.moved_from = n.id)),
             named as (
            update entities n set label = 'anonymised', label_normalised = 'anonymised',
                                  identifier = null, identifier_normalised = null,
                                  details = '{}', names_normalised = '{}'
            from orphans o where n.id = o.id)
        update entity_history h set detail = hw_scrub_text(h.detail)
            from orphans o where h.entity_id = o.id;
    end if;
    return cardinality(episode_ids);
end $$;
