-- Loads a realistic volume for the overdue queue: 5 forces, 20 authorities, 200,000 children,
-- 1,000,000 episodes over two years (100,000 open across the open states, the rest closed or
-- cancelled) and their clocks (open ones for open episodes, met ones for closed). Used by
-- ops/bench/overdue; every row satisfies the schema's constraints.
\set ON_ERROR_STOP on
begin;
insert into organisations (code, name, kind)
select 'BF' || g, 'Bench Force ' || g, 'police' from generate_series(1, 5) g;
insert into organisations (code, name, kind)
select 'BA' || g, 'Bench Authority ' || g, 'local_authority' from generate_series(1, 20) g;

create temporary table forces as
select row_number() over (order by code) - 1 as n, id from organisations where code like 'BF%';
create temporary table authorities as
select row_number() over (order by code) - 1 as n, id from organisations where code ~ '^BA[0-9]+$';

insert into users (username, password_hash, role, organisation_id)
select 'bench-sw-' || a.n || '-' || g, 'unusable', 'social_worker', a.id
from authorities a, generate_series(0, 9) g;
insert into users (username, password_hash, role, organisation_id)
select 'bench-pc-' || f.n, 'unusable', 'police', f.id from forces f;

create temporary table workers as
select row_number() over (order by u.username) - 1 as n, u.id, a.n as authority_n
from users u join authorities a on a.id = u.organisation_id where u.username like 'bench-sw-%';
create temporary table officers as
select f.n, u.id from users u join forces f on f.id = u.organisation_id where u.username like 'bench-pc-%';

insert into children (given_name, family_name, date_of_birth, sex, looked_after,
                      responsible_authority_id, host_authority_id, created_by)
select 'Child' || g, 'Family' || (g % 5000), date '2009-01-01' + (g % 3000), 'unknown', g % 3 = 0,
       a.id, case when g % 7 = 0 then h.id end, w.id
from generate_series(0, 199999) g
join authorities a on a.n = g % 20
join authorities h on h.n = (g + 1) % 20
join workers w on w.n = (g % 20) * 10;

create temporary table child_numbers as
select row_number() over (order by id) - 1 as n, id, responsible_authority_id, host_authority_id
from children where given_name like 'Child%';

-- state by i: i % 10 = 0 open (missing, returned, interview_offered, interviewed, follow_up in
-- turn), i % 20 = 1 cancelled, the rest closed.
insert into episodes (child_id, state, version, police_force_id, responsible_authority_id,
                      host_authority_id, reported_at, reported_by, last_seen_at,
                      last_seen_location, circumstances, risk_level, police_reference,
                      absence_kind, returned_at, found_location, returned_to,
                      assigned_worker_id, interview_offered_at, interview_scheduled_for,
                      interviewer_independent, closed_at, close_summary, cancelled_at,
                      cancel_reason, updated_at)
select c.id, s.state, 3, f.id, c.responsible_authority_id, c.host_authority_id, t.reported,
       o.id, t.reported - interval '2 hours', 'Somewhere', 'Generated', (array['low', 'medium', 'high'])[1 + i % 3],
       'B-' || i, case when i % 9 = 0 then 'away' else 'missing' end,
       case when s.state not in ('missing', 'cancelled') then t.reported + interval '20 hours' end,
       case when s.state not in ('missing', 'cancelled') then 'Found' end,
       case when s.state not in ('missing', 'cancelled') then 'Home' end,
       w.id,
       case when s.state = 'interview_offered' then t.reported + interval '30 hours' end,
       case when s.state = 'interview_offered' then t.reported + interval '60 hours' end,
       case when s.state = 'interview_offered' then true end,
       case when s.state = 'closed' then t.reported + interval '10 days' end,
       case when s.state = 'closed' then 'Closed' end,
       case when s.state = 'cancelled' then t.reported + interval '1 hour' end,
       case when s.state = 'cancelled' then 'Duplicate' end,
       t.reported
from generate_series(0, 999999) i
cross join lateral (select now() - ((i % 730) * interval '1 day') - ((i % 24) * interval '1 hour')
                    - interval '1 hour' as reported) t
cross join lateral (select case when i % 10 = 0 then (array['missing', 'returned', 'interview_offered',
                    'interviewed', 'follow_up'])[1 + (i / 10) % 5] when i % 20 = 1 then 'cancelled'
                    else 'closed' end as state) s
join child_numbers c on c.n = i % 200000
join forces f on f.n = i % 5
join officers o on o.n = i % 5
join workers w on w.n = (i % 200) ;

-- Clocks: open episodes hold open ones (due from their return, or long missing from the report),
-- closed ones hold met ones.
insert into clocks (episode_id, child_id, kind, subject, starts_at, due_at, met_at, stopped_at,
                    holder_organisation_id, holder_user_id)
select e.id, e.child_id, k.kind, '', coalesce(e.returned_at, e.reported_at),
       coalesce(e.returned_at, e.reported_at) + k.due,
       case when e.state = 'closed' then coalesce(e.returned_at, e.reported_at) + k.due / 2 end,
       case when e.state = 'cancelled' then e.cancelled_at end,
       case when k.kind in ('safe_and_well', 'long_missing') then e.police_force_id
            else e.responsible_authority_id end,
       case when k.kind in ('safe_and_well', 'long_missing') then null else e.assigned_worker_id end
from episodes e
cross join lateral (values ('long_missing', interval '24 hours'), ('safe_and_well', interval '24 hours'),
                           ('interview_held', interval '72 hours')) k(kind, due)
where (k.kind = 'long_missing' and e.state in ('missing', 'cancelled'))
   or (k.kind <> 'long_missing' and e.state not in ('missing', 'cancelled'));
commit;
analyze;
