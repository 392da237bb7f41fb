-- Loads a database shaped as a year or two of a county's work, for ops/bench/backup_restore:
-- :episodes episodes (psql -v episodes=100000) of :episodes * 2 / 5 children, each episode whole
-- as the service would have left it: its history one row per version (report, return,
-- safe-and-well check, interview offer, interview, an action raised and completed, close; or a
-- cancel; a tenth still open in each open state), the interview with its indicators, the action,
-- the clocks met or open, the report's notification and webhook message, and an audit entry for
-- every transition and for a read of every episode, chained by audit_sequence as serve would.
-- Free text is a few hundred characters that do not repeat, so the dump compresses as real notes
-- would. Every row satisfies the schema's constraints.
\set ON_ERROR_STOP on
\if :{?episodes}
\else
\set episodes 100000
\endif
begin;
insert into organisations (code, name, kind)
select 'GF' || g, 'Generated Force ' || g, 'police' from generate_series(1, 2) g;
insert into organisations (code, name, kind)
select 'GA' || g, 'Generated Authority ' || g, 'local_authority' from generate_series(1, 6) g;

create temporary table forces as
select row_number() over (order by code) - 1 as n, id from organisations where code ~ '^GF[0-9]+$';
create temporary table authorities as
select row_number() over (order by code) - 1 as n, id from organisations where code ~ '^GA[0-9]+$';

insert into users (username, password_hash, role, organisation_id, email)
select 'gen-sw-' || a.n || '-' || g, 'unusable', 'social_worker', a.id,
       'gen-sw-' || a.n || '-' || g || '@authority.example'
from authorities a, generate_series(0, 9) g;
insert into users (username, password_hash, role, organisation_id)
select 'gen-pc-' || f.n || '-' || g, 'unusable', 'police', f.id
from forces f, generate_series(0, 4) g;

create temporary table workers as
select row_number() over (order by u.username) - 1 as n, u.id, a.n as authority_n, u.username
from users u join authorities a on a.id = u.organisation_id where u.username like 'gen-sw-%';
create temporary table officers as
select row_number() over (order by u.username) - 1 as n, u.id, f.n as force_n, u.username
from users u join forces f on f.id = u.organisation_id where u.username like 'gen-pc-%';

-- Text that reads like notes and does not repeat: a sentence from a few, and a hash.
create function pg_temp.note(seed bigint, sentences int) returns text language sql immutable
return (select string_agg((array[
    'Seen by the carer leaving the placement after an argument about phone use.',
    'Known to spend time near the retail park with older young people.',
    'Said she stayed with a friend whose mother was not at home.',
    'Returned by police from an address not known to the service.',
    'School report attendance has fallen this term; the designated teacher is aware.',
    'Has a new phone nobody bought her and would not say where it came from.',
    'The carer reports the child came home tired and hungry and went to bed.',
    'Agreed a safety plan with the carer and the child; reviewed at the next visit.'
  ])[1 + ((seed * 7 + s * 13) % 8)] || ' Ref ' || left(md5((seed * 31 + s)::text), 10) || '.', ' ')
  from generate_series(1, sentences) s);

insert into children (given_name, family_name, date_of_birth, sex, looked_after,
                      responsible_authority_id, host_authority_id, created_by, ethnicity,
                      placement_type, created_at, updated_at)
select (array['Amy', 'Ben', 'Chloe', 'Dylan', 'Ella', 'Finn', 'Grace', 'Harry', 'Isla', 'Jack'])[1 + g % 10],
       'Generated' || left(md5(g::text), 8), date '2008-01-01' + (g % 3650),
       (array['female', 'male', 'other', 'unknown'])[1 + g % 4], g % 3 <> 0,
       a.id, case when g % 7 = 0 then h.id end, w.id,
       (array['White British', 'Mixed', 'Black British', 'Asian British', 'Not stated'])[1 + g % 5],
       case when g % 3 <> 0 then (array['foster care', 'residential', 'kinship'])[1 + g % 3] end,
       now() - interval '800 days', now() - interval '800 days'
from generate_series(0, :episodes * 2 / 5 - 1) g
join authorities a on a.n = g % 6
join authorities h on h.n = (g + 1) % 6
join workers w on w.n = (g % 6) * 10 + (g / 6) % 10;

create temporary table child_numbers as
select row_number() over (order by created_at, id) - 1 as n, id, responsible_authority_id,
       host_authority_id
from children where family_name like 'Generated%';

-- The paths: each step is an event, the state it leaves the episode in, and who sends it.
create temporary table paths (path text, step int, event text, to_state text, actor text);
insert into paths values
  ('closed', 1, 'report', 'missing', 'police'), ('closed', 2, 'return', 'returned', 'police'),
  ('closed', 3, 'safe-and-well', 'returned', 'police'),
  ('closed', 4, 'interview-offer', 'interview_offered', 'social_worker'),
  ('closed', 5, 'interview', 'interviewed', 'social_worker'),
  ('closed', 6, 'close', 'closed', 'social_worker'),
  ('closed_action', 1, 'report', 'missing', 'police'),
  ('closed_action', 2, 'return', 'returned', 'police'),
  ('closed_action', 3, 'safe-and-well', 'returned', 'police'),
  ('closed_action', 4, 'interview-offer', 'interview_offered', 'social_worker'),
  ('closed_action', 5, 'interview', 'interviewed', 'social_worker'),
  ('closed_action', 6, 'actions', 'follow_up', 'social_worker'),
  ('closed_action', 7, 'action-complete', 'follow_up', 'social_worker'),
  ('closed_action', 8, 'close', 'closed', 'social_worker'),
  ('cancelled', 1, 'report', 'missing', 'police'), ('cancelled', 2, 'cancel', 'cancelled', 'police'),
  ('missing', 1, 'report', 'missing', 'police'),
  ('returned', 1, 'report', 'missing', 'police'), ('returned', 2, 'return', 'returned', 'police'),
  ('returned', 3, 'safe-and-well', 'returned', 'police'),
  ('interview_offered', 1, 'report', 'missing', 'police'),
  ('interview_offered', 2, 'return', 'returned', 'police'),
  ('interview_offered', 3, 'safe-and-well', 'returned', 'police'),
  ('interview_offered', 4, 'interview-offer', 'interview_offered', 'social_worker'),
  ('interviewed', 1, 'report', 'missing', 'police'),
  ('interviewed', 2, 'return', 'returned', 'police'),
  ('interviewed', 3, 'safe-and-well', 'returned', 'police'),
  ('interviewed', 4, 'interview-offer', 'interview_offered', 'social_worker'),
  ('interviewed', 5, 'interview', 'interviewed', 'social_worker'),
  ('follow_up', 1, 'report', 'missing', 'police'), ('follow_up', 2, 'return', 'returned', 'police'),
  ('follow_up', 3, 'safe-and-well', 'returned', 'police'),
  ('follow_up', 4, 'interview-offer', 'interview_offered', 'social_worker'),
  ('follow_up', 5, 'interview', 'interviewed', 'social_worker'),
  ('follow_up', 6, 'actions', 'follow_up', 'social_worker');

-- Episode i: a tenth open (missing, returned, offered, interviewed, follow-up in turn), one in
-- twenty cancelled, the rest closed, a third of those after an action. Times are hours after
-- the report: returned 20, safe-and-well 30, offered 40, interviewed 70, action 71 and done 100,
-- closed 120 (closed without an action: 80).
create temporary table plan as
select i, t.reported, p.path, c.id as child_id, c.responsible_authority_id,
       c.host_authority_id, f.id as force_id, o.id as officer_id, w.id as worker_id,
       gen_random_uuid() as episode_id
from generate_series(0, :episodes - 1) i
cross join lateral (select now() - interval '2 days' - ((i % 700) * interval '1 day')
                    - ((i % 24) * interval '1 hour') as reported) t
cross join lateral (select case when i % 10 = 0 then (array['missing', 'returned',
                    'interview_offered', 'interviewed', 'follow_up'])[1 + (i / 10) % 5]
                    when i % 20 = 1 then 'cancelled' when i % 3 = 0 then 'closed_action'
                    else 'closed' end as path) p
join child_numbers c on c.n = i % (:episodes * 2 / 5)
join forces f on f.n = i % 2
join officers o on o.n = i % 10
join workers w on w.n = (i % 60);
create index on plan (episode_id);

create temporary table plan_steps as
select pl.*, s.step, s.event, s.to_state, s.actor,
       lag(s.to_state) over (partition by pl.episode_id order by s.step) as from_state,
       pl.reported + (case s.event when 'report' then 0 when 'return' then 20
                      when 'safe-and-well' then 30 when 'interview-offer' then 40
                      when 'interview' then 70 when 'actions' then 71
                      when 'action-complete' then 100 when 'cancel' then 1
                      when 'close' then case when pl.path = 'closed' then 80 else 120 end
                      end) * interval '1 hour' as at,
       max(s.step) over (partition by pl.episode_id) as version
from plan pl join paths s on s.path = pl.path;

create temporary table final as
select * from plan_steps where step = version;

insert into episodes (id, child_id, state, version, police_force_id, responsible_authority_id,
                      host_authority_id, reported_at, reported_by, last_seen_at,
                      last_seen_location, circumstances, risk_level, police_reference,
                      absence_kind, returned_at, found_location, returned_to, found_by,
                      safe_and_well_at, safe_and_well_by, safe_and_well_notes,
                      assigned_worker_id, assigned_at, interview_offered_at,
                      interview_scheduled_for, interviewer_id, interviewer_independent,
                      closed_at, close_summary, cancelled_at, cancel_reason, updated_at)
select e.episode_id, e.child_id, e.to_state, e.version, e.force_id, e.responsible_authority_id,
       e.host_authority_id, e.reported, e.officer_id, e.reported - interval '3 hours',
       (array['Bus station', 'Placement', 'School gates', 'Town centre', 'Retail park'])[1 + e.i % 5],
       pg_temp.note(e.i, 3), (array['low', 'medium', 'high'])[1 + e.i % 3],
       'NP-' || to_char(e.reported, 'YYYY') || '-' || lpad(e.i::text, 7, '0'),
       case when e.i % 9 = 0 then 'away' else 'missing' end,
       case when e.version >= 2 and e.path <> 'cancelled' then e.reported + interval '20 hours' end,
       case when e.version >= 2 and e.path <> 'cancelled' then 'Friend''s address' end,
       case when e.version >= 2 and e.path <> 'cancelled' then 'Carer' end,
       case when e.version >= 2 and e.path <> 'cancelled' then 'Police' end,
       case when e.version >= 3 and e.path <> 'cancelled' then e.reported + interval '30 hours' end,
       case when e.version >= 3 and e.path <> 'cancelled' then e.officer_id end,
       case when e.version >= 3 and e.path <> 'cancelled' then pg_temp.note(e.i + 1, 2) end,
       case when e.version >= 4 then e.worker_id end,
       case when e.version >= 4 then e.reported + interval '40 hours' end,
       case when e.version >= 4 then e.reported + interval '40 hours' end,
       case when e.version >= 4 then e.reported + interval '70 hours' end,
       case when e.version >= 4 then e.worker_id end,
       case when e.version >= 4 then e.i % 2 = 0 end,
       case when e.to_state = 'closed' then e.at end,
       case when e.to_state = 'closed' then pg_temp.note(e.i + 2, 2) end,
       case when e.to_state = 'cancelled' then e.at end,
       case when e.to_state = 'cancelled' then 'Reported twice by the carer and the school' end,
       e.at
from final e;

insert into episode_history (episode_id, version, at, actor_id, actor_role, event, from_state,
                             to_state, detail)
select s.episode_id, s.step, s.at,
       case s.actor when 'police' then s.officer_id else s.worker_id end, s.actor, s.event,
       s.from_state, s.to_state,
       case s.event when 'cancel' then jsonb_build_object('reason', 'Reported twice')
                    when 'close' then jsonb_build_object('summary', 'Closed')
                    else '{}'::jsonb end
from plan_steps s;

-- The interview, where the episode had one: none or low risk, its indicators scored.
insert into interviews (episode_id, outcome, conducted_at, recorded_by, recorded_at,
                        interviewer_id, interviewer_independent, location, where_stayed,
                        with_whom, push_factors, pull_factors, harm_disclosed, cse_risk,
                        suggested_cse_risk, indicator_score, child_views, police_intelligence)
select s.episode_id, 'held', s.at, s.worker_id, s.at, s.worker_id, s.i % 2 = 0, 'School',
       pg_temp.note(s.i + 3, 2), pg_temp.note(s.i + 4, 1),
       array['conflict at home'], array['friends', 'older young people'], false,
       case when s.i % 4 = 0 then 'low' else 'none' end,
       case when s.i % 4 = 0 then 'low' else 'none' end,
       case when s.i % 4 = 0 then 6 else 0 end,
       pg_temp.note(s.i + 5, 3), case when s.i % 5 = 0 then pg_temp.note(s.i + 6, 1) end
from plan_steps s where s.event = 'interview';
insert into observed_indicators (episode_id, indicator_code)
select i.episode_id, c.code from interviews i
cross join (values ('unexplained_money_gifts_or_phones'), ('secretive_phone_or_internet_use')) c(code)
where i.cse_risk = 'low' and i.episode_id in (select episode_id from plan);

insert into actions (episode_id, type, description, owner_id, raised_by, raised_at, due_at,
                     status, outcome, completed_at, completed_by)
select s.episode_id, (array['safety_plan', 'education', 'health'])[1 + s.i % 3],
       pg_temp.note(s.i + 7, 1), s.worker_id, s.worker_id, s.at, s.at + interval '14 days',
       case when s.path = 'closed_action' then 'done' else 'open' end,
       case when s.path = 'closed_action' then 'Done as agreed' end,
       case when s.path = 'closed_action' then s.at + interval '29 hours' end,
       case when s.path = 'closed_action' then s.worker_id end
from plan_steps s where s.event = 'actions';

-- Clocks: long missing from the report; safe-and-well and the interview from the return; the
-- action's. Met when their work was done, stopped when the episode closed or was cancelled
-- first, open otherwise.
insert into clocks (episode_id, child_id, kind, subject, starts_at, due_at, met_at, stopped_at,
                    holder_organisation_id, holder_user_id, due_soon_notified_at,
                    overdue_notified_at)
select e.id, e.child_id, k.kind, k.subject, k.starts, k.starts + k.due, k.met,
       case when k.met is null and e.state in ('closed', 'cancelled')
            then coalesce(e.closed_at, e.cancelled_at) end,
       case when k.kind in ('safe_and_well', 'long_missing') then e.police_force_id
            else e.responsible_authority_id end,
       case when k.kind in ('safe_and_well', 'long_missing') then null else e.assigned_worker_id end,
       case when k.met is null and e.state not in ('closed', 'cancelled')
            then k.starts + k.due - interval '24 hours' end,
       case when k.met is null and e.state not in ('closed', 'cancelled')
            then k.starts + k.due end
from episodes e
join plan p on p.episode_id = e.id
cross join lateral (values
    ('long_missing', '', e.reported_at, interval '72 hours', e.returned_at),
    ('safe_and_well', '', e.returned_at, interval '72 hours', e.safe_and_well_at),
    ('interview_offered', '', e.returned_at, interval '72 hours', e.interview_offered_at),
    ('interview_held', '', e.returned_at, interval '72 hours',
     (select conducted_at from interviews i where i.episode_id = e.id))) k(kind, subject, starts, due, met)
where k.starts is not null and (k.kind = 'long_missing' or e.returned_at is not null);
insert into clocks (episode_id, child_id, kind, subject, starts_at, due_at, met_at,
                    holder_organisation_id, holder_user_id)
select a.episode_id, e.child_id, 'follow_up_action', a.id::text, a.raised_at, a.due_at,
       a.completed_at, e.responsible_authority_id, a.owner_id
from actions a join episodes e on e.id = a.episode_id join plan p on p.episode_id = e.id;

-- The report's notification to the authority, and its webhook message (delivered).
insert into notifications (organisation_id, recipient_role, kind, episode_id, child_id, title,
                           body, dedupe_key, created_at)
select p.responsible_authority_id, 'social_worker', 'episode_reported', p.episode_id, p.child_id,
       'A child has been reported missing', jsonb_build_object('risk_level', 'medium'),
       'episode_reported:' || p.episode_id, p.reported
from plan p;
insert into outbox (organisation_id, topic, payload, created_at, status, attempts, delivered_at,
                    url, secret)
select n.organisation_id, 'notification.episode_reported',
       jsonb_build_object('notification_id', n.id, 'episode_id', n.episode_id), n.created_at,
       'delivered', 1, n.created_at + interval '2 seconds', 'https://hooks.authority.example/homeward',
       'generated-secret-generated-secret-0123'
from notifications n join plan p on p.episode_id = n.episode_id;

-- The audit trail: every transition, and a read of every episode, in time order, then chained.
insert into audit_events (at, request_id, actor_id, actor_username, actor_role, organisation_id,
                          action, entity_type, entity_id, outcome, detail)
select a.at, left(md5(a.episode_id::text || a.action), 24), a.actor_id, a.username, a.role,
       a.organisation_id, a.action, 'episode', a.episode_id::text, 'success', '{}'::jsonb
from (
    select s.at, s.episode_id, 'episode.' || s.event as action, s.actor as role,
           case s.actor when 'police' then s.officer_id else s.worker_id end as actor_id,
           case s.actor when 'police' then o.username else w.username end as username,
           case s.actor when 'police' then s.force_id else s.responsible_authority_id end as organisation_id
    from plan_steps s join officers o on o.id = s.officer_id join workers w on w.id = s.worker_id
    union all
    select f.at + interval '5 minutes', f.episode_id, 'episode.read', 'social_worker', f.worker_id,
           w.username, f.responsible_authority_id
    from final f join workers w on w.id = f.worker_id
) a
order by a.at, a.episode_id, a.action;
insert into audit_unchained (event_id)
select id from audit_events e where not exists (select 1 from audit_chain c where c.event_id = e.id)
on conflict do nothing;
commit;

-- Chained as serve's sequencer does it, a batch at a time.
do $$
begin
    while audit_sequence(5000) > 0 loop
        commit;
    end loop;
end $$;
set client_min_messages = error; -- the owner may not analyze the catalogs, and need not
analyze;
