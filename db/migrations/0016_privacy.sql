-- Privacy: the data-protection officer's role.
--
-- A new role, data_protection_officer: the authority's data-protection officer, who sees who read
-- or changed a child's record, answers subject-access requests and holds a child's records against
-- the retention schedule, and does no other case work (the audit trail's events already allowed
-- it since 0008). The constraints that list roles take it; those of large tables are added NOT
-- VALID: every existing row satisfies the old, narrower list and so the new one, and no scan of
-- the table is needed.

alter table users drop constraint users_role_check;
alter table users add constraint users_role_check
    check (role in ('police', 'social_worker', 'manager', 'cse_champion', 'admin',
                    'data_protection_officer'));

alter table episode_history drop constraint episode_history_actor_role_check;
alter table episode_history add constraint episode_history_actor_role_check
    check (actor_role in ('police', 'social_worker', 'manager', 'cse_champion', 'admin',
                          'data_protection_officer')) not valid;

alter table notifications drop constraint notifications_recipient_role_check;
alter table notifications add constraint notifications_recipient_role_check
    check (recipient_role in ('police', 'social_worker', 'manager', 'cse_champion', 'admin',
                              'data_protection_officer')) not valid;

-- Who saw this child (GET /children/{id}/access): every audit entry that names the child or one of
-- their episodes, directly (entity_type and entity_id) or among the ids a list, search, queue or
-- figure answered with (detail's child_ids and episode_ids: every read is audited with the ids
-- it showed). One GIN index over those ids, as a JSON array of strings (`?|` finds the entries
-- naming any of a child's ids), finds a child's entries among millions without reading the
-- others. A plain SQL expression: the planner inlines it alike in the index and in the query, and
-- it costs an audit insert next to nothing.
create function hw_audit_subjects(entity_type text, entity_id text, detail jsonb) returns jsonb
    language sql immutable parallel safe
    return (case when entity_type in ('child', 'episode') and entity_id <> ''
                 then jsonb_build_array(entity_id) else '[]'::jsonb end)
        || (case when jsonb_typeof(detail -> 'child_ids') = 'array'
                 then detail -> 'child_ids' else '[]'::jsonb end)
        || (case when jsonb_typeof(detail -> 'episode_ids') = 'array'
                 then detail -> 'episode_ids' else '[]'::jsonb end);

create index audit_events_subjects_idx on audit_events
    using gin (hw_audit_subjects(entity_type, entity_id, detail));

-- The subject-access export: every notification about the child or one of their episodes.
create index notifications_child_idx on notifications (child_id) where child_id is not null;
create index notifications_episode_idx on notifications (episode_id) where episode_id is not null;

-- A legal hold on a child: their records are kept whatever the retention schedule says, until the
-- data-protection officer lifts it (PUT/DELETE /children/{id}/legal-hold; the audit trail keeps
-- every placing and lifting).
create table legal_holds (
    child_id  uuid primary key references children (id),
    placed_at timestamptz not null,
    placed_by uuid not null references users (id),
    reason    text not null check (btrim(reason) <> '' and length(reason) <= 2000)
);
