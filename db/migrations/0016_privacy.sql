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
