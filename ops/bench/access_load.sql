-- ops/bench/access_load.sql: an audit trail of AUDIT_ROWS entries (psql variable `rows`, default
-- 10,000,000) of which `child_rows` (default 10,000) are about one child, for GET
-- /api/v1/children/{id}/access. Loaded with generate_series in a few statements, not row by row.
-- The child's entries are what the service writes: reads and writes of the child and of their 5
-- episodes (entity_type/entity_id), and lists that answered with them among 19 other ids
-- (child_ids, episode_ids). The others are the same shapes about 1,000,000 other ids. Actors are
-- 1,000 users of a force and two authorities. The trail's indexes (the GIN index of migration
-- 0016 among them) are dropped for the load and built again after it (each one's time is
-- printed), as a restore would.
\set ON_ERROR_STOP on
\if :{?rows} \else \set rows 10000000 \endif
\if :{?child_rows} \else \set child_rows 10000 \endif

insert into organisations (code, name, kind) values
    ('BENCH-FORCE', 'Bench Constabulary', 'police'),
    ('BENCH-LA', 'Bench Council', 'local_authority'),
    ('BENCH-HOST', 'Bench Host Council', 'local_authority');
insert into teams (organisation_id, name)
    select o.id, 'Team ' || t from organisations o, generate_series(1, 5) t
    where o.code like 'BENCH-%';
insert into users (username, password_hash, role, organisation_id, team_id)
    select 'bench-user-' || i, 'x',
           case i % 4 when 0 then 'police' when 1 then 'social_worker' when 2 then 'manager'
                      else 'cse_champion' end,
           o.id, (select t.id from teams t where t.organisation_id = o.id order by t.name
                  limit 1 offset i % 5)
    from generate_series(1, 1000) i
    join organisations o on o.code = case i % 4 when 0 then 'BENCH-FORCE'
                                               when 1 then 'BENCH-HOST' else 'BENCH-LA' end;
insert into children (id, given_name, family_name, date_of_birth, sex, looked_after,
                      responsible_authority_id, host_authority_id, created_by)
    select '00000000-0000-4000-8000-000000000001', 'Bench', 'Child', date '2011-03-09', 'female',
           true, (select id from organisations where code = 'BENCH-LA'),
           (select id from organisations where code = 'BENCH-HOST'),
           (select id from users where username = 'bench-user-2');
insert into episodes (id, child_id, state, police_force_id, responsible_authority_id, host_authority_id,
                      reported_at, reported_by, last_seen_at, last_seen_location, circumstances,
                      risk_level, police_reference, absence_kind)
    select ('00000000-0000-4000-8000-00000000010' || e)::uuid,
           '00000000-0000-4000-8000-000000000001', 'missing',
           (select id from organisations where code = 'BENCH-FORCE'),
           (select id from organisations where code = 'BENCH-LA'),
           (select id from organisations where code = 'BENCH-HOST'),
           date_trunc('second', now()) - make_interval(days => 400 - e * 60),
           (select id from users where username = 'bench-user-4'),
           date_trunc('second', now()) - make_interval(days => 400 - e * 60, hours => 1),
           'Station Road', 'Bench', 'medium',
           'BENCH-' || e, 'missing'
    from generate_series(1, 5) e;
insert into episode_history (episode_id, version, at, actor_id, actor_role, event, to_state)
    select e.id, 1, e.reported_at, e.reported_by, 'police', 'report', 'missing'
    from episodes e where e.child_id = '00000000-0000-4000-8000-000000000001';

-- The trail's indexes are built after the load, and foreign keys are not checked row by row (the
-- actors and organisations are the ones above), as a restore does.
drop index audit_events_subjects_idx, audit_events_entity_idx, audit_events_actor_idx,
    audit_events_organisation_at_idx, audit_events_at_idx;
set session_replication_role = replica;
create temporary table bench_actors as
    select row_number() over (order by u.id) - 1 n, u.id, u.role, u.organisation_id
    from users u where u.username like 'bench-user-%';
create temporary table bench_ids as
    select '00000000-0000-4000-8000-000000000001' id union all
    select '00000000-0000-4000-8000-00000000010' || e from generate_series(1, 5) e;

\timing on
-- Everyone else's entries, spread over the past year: 70% reads and writes of one record, 30%
-- lists of 20 ids (of 1,000,000 other children and episodes).
insert into audit_events (at, request_id, actor_id, actor_username, actor_role, organisation_id,
                          action, entity_type, entity_id, outcome, detail)
    select now() - make_interval(secs => (:rows - i) * 3.15),
           md5(i::text), a.id, null, a.role, a.organisation_id,
           case when i % 10 < 7 then (array['episode.read', 'child.read', 'episode.history',
                                            'child.profile_read', 'episode.return'])[1 + i % 5]
                else 'episode.list' end,
           case when i % 10 < 7 then (array['episode', 'child', 'episode', 'child',
                                            'episode'])[1 + i % 5] else 'episode' end,
           case when i % 10 < 7 then md5('other' || (i % 1000000))::uuid::text else '' end,
           'success',
           case when i % 10 < 7 then '{}'::jsonb
                else jsonb_build_object('episode_ids', (select jsonb_agg(md5('other' ||
                     ((i::bigint * 7919 + k) % 1000000))::uuid::text) from generate_series(1, 20) k))
           end
    from generate_series(1, :rows - :child_rows) i
    join bench_actors a on a.n = i % 1000;
-- The child's own: reads and writes of the child and their episodes, and lists that showed them.
insert into audit_events (at, request_id, actor_id, actor_username, actor_role, organisation_id,
                          action, entity_type, entity_id, outcome, detail)
    select now() - make_interval(secs => (:child_rows - i) * 3000),
           md5('child' || i), a.id, null, a.role, a.organisation_id,
           case when i % 4 = 3 then 'child.list'
                else (array['episode.read', 'child.read', 'episode.risk'])[1 + i % 3] end,
           case when i % 4 = 3 then 'child'
                else (array['episode', 'child', 'episode'])[1 + i % 3] end,
           case when i % 4 = 3 then ''
                when i % 3 = 1 then '00000000-0000-4000-8000-000000000001'
                else '00000000-0000-4000-8000-00000000010' || (1 + i % 5) end,
           'success',
           case when i % 4 = 3 then jsonb_build_object('child_ids',
                     (select jsonb_agg(md5('other' || k)::uuid::text) from generate_series(1, 19) k)
                     || '["00000000-0000-4000-8000-000000000001"]'::jsonb)
                when i % 3 = 2 then jsonb_build_object('event', 'risk', 'version', 1)
                else '{}'::jsonb end
    from generate_series(1, :child_rows) i
    join bench_actors a on a.n = (i * 13) % 1000;
set session_replication_role = origin;
set maintenance_work_mem = '512MB';
create index audit_events_entity_idx on audit_events (entity_id, id);
create index audit_events_actor_idx on audit_events (actor_id, id);
create index audit_events_organisation_at_idx on audit_events (organisation_id, at);
create index audit_events_at_idx on audit_events (at);
-- The index of GET /children/{id}/access, as migration 0016 makes it.
create index audit_events_subjects_idx on audit_events
    using gin (hw_audit_subjects(entity_type, entity_id, detail));
\timing off
analyze;
