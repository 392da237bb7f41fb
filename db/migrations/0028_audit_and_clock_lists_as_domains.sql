-- The lists a value of the audit trail or of a clock must come from are domains, and the queue of
-- entries to chain does not check its ids against the trail.
--
-- Every statement that writes a table with CHECK constraints reads each constraint back from its
-- stored text and plans it anew: a per-statement cost, paid by every read of case content (its
-- audit entry) and every transition (its clocks and its audit entry). A domain's constraints are
-- planned once per session and kept in PostgreSQL's type cache, so the same rule, refused with the
-- same SQLSTATE (23514) and the same constraint name, costs each statement next to nothing. The
-- columns keep their values: a domain over text is text to every query and every client.
--
-- audit_unchained's foreign key to audit_events checked each queued id with a query that locked
-- the entry just inserted, in the same statement that inserted it and returned its id: it could
-- never fail, and cost a trigger and a query per entry. The chain's own foreign key stays: a
-- chained entry is never deleted while its place in the chain refers to it.

alter table audit_unchained drop constraint audit_unchained_event_id_fkey;

-- The view that shows the trail names both columns; it is made again, the same, below.
drop view audit_log;

create domain audit_actor_role as text;
create domain audit_outcome as text;
create domain clock_kind as text;

-- Over the same base type and, until the constraints are added, without any: no table is
-- rewritten. The constraints then check every existing row once.
alter table audit_events
    drop constraint audit_events_actor_role_check,
    drop constraint audit_events_outcome_check,
    alter column actor_role type audit_actor_role,
    alter column outcome type audit_outcome;
alter table clocks
    drop constraint clocks_kind_check,
    alter column kind type clock_kind;

alter domain audit_actor_role add constraint audit_events_actor_role_check
    check (value in ('police', 'social_worker', 'manager', 'cse_champion', 'admin',
                     'data_protection_officer'));
alter domain audit_outcome add constraint audit_events_outcome_check
    check (value in ('success', 'denied', 'not_found', 'invalid', 'conflict', 'error'));
alter domain clock_kind add constraint clocks_kind_check
    check (value in ('safe_and_well', 'interview_offered', 'interview_held', 'further_offer',
                     'follow_up_action', 'long_missing', 'repeat_missing_review',
                     'cse_reassessment', 'profile_review'));

-- The trail as its readers see it: every entry, with its place in the chain once it has one.
create view audit_log as
    select e.id, c.seq, e.at, e.request_id, e.actor_id, e.actor_username, e.actor_role,
           e.organisation_id, e.action, e.entity_type, e.entity_id, e.outcome, e.detail,
           c.prev_hash, c.hash, c.chained_at
    from audit_events e left join audit_chain c on c.event_id = e.id;

do $$
begin
    if exists (select from pg_roles where rolname = 'homeward_app') then
        revoke all on audit_log from homeward_app;
        grant select on audit_log to homeward_app;
    end if;
end $$;
