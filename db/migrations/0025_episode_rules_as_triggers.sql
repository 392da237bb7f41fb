-- The rules of an episode's row and of its history's rows, each checked by one trigger function
-- instead of CHECK constraints (22 on episodes, 6 on episode_history).
--
-- The rules are the same, with the same names, the same SQLSTATE (23514, check_violation) and
-- the same message as before; only where PostgreSQL keeps them changes. PostgreSQL prepares a
-- table's CHECK constraints afresh in every statement that writes a row of it: it reads each
-- stored expression back from its text and plans it, every time. Every transition writes one
-- row of each table, in one statement, and for these two tables' 28 constraints that was most
-- of the statement's cost. A PL/pgSQL function prepares its expressions once per database
-- session and keeps them.
--
-- Measured on the 2-core machine (30 November 2026):
-- * pgbench -M prepared, one client, 20 UPDATEs of one row per transaction, on copies of
--   episodes: an UPDATE took 130 us with the constraints, 42 us with this trigger and 35 us with
--   neither;
-- * ops/bench's transition_bench (8 threads regrading their own episodes), pg_stat_statements:
--   the statement that writes the episode and its history row took 298 us a call before this
--   migration and 215 us with the episodes trigger; dropping the history's six constraints as
--   well took it to 149 us.
--
-- What holds is unchanged for everyone who may write: the trigger fires on every INSERT and
-- UPDATE (COPY included), and only the table's owner (the migrations' role) may drop or disable
-- it, as only the owner could drop a constraint. A check passes, as a CHECK constraint does, when
-- its expression is true or null. Every stored row met the constraints until this migration
-- dropped them, so none needs to be checked again. When several rules are broken at once, the
-- first by name is reported, as PostgreSQL reports CHECK constraints.
--
-- A later rule on either table goes into its function (a later migration replaces the function),
-- not into a CHECK.
-- (episode_history's actor_role rule was NOT VALID: rows written before 0016 were not checked
-- against its longer list of roles. A trigger checks only what is written, which is the same.)

-- What a CHECK constraint's violation says, for a rule a trigger function checks.
create function hw_refuse_row(relation text, rule text) returns void language plpgsql as $$
begin
    raise exception 'new row for relation "%" violates check constraint "%"', relation, rule
        using errcode = 'check_violation', constraint = rule, table = relation, schema = 'public';
end $$;

create function episodes_rules() returns trigger
    language plpgsql as $$
declare
    broken text;
begin
    broken := case
        when not (new.absence_kind in ('missing', 'away'))
            then 'episodes_absence_kind_check'
        when not (new.cancelled_at >= new.last_seen_at)
            then 'episodes_cancelled_after_last_seen'
        -- Cancelled is terminal, so cancelled_at is set exactly when the state is cancelled.
        when not ((new.state = 'cancelled') = (new.cancelled_at is not null)
                  and (new.cancelled_at is null or new.cancel_reason is not null))
            then 'episodes_cancelled_complete'
        when not (new.closed_at >= new.returned_at)
            then 'episodes_closed_after_return'
        when not (new.state <> 'closed'
                  or (new.closed_at is not null and new.close_summary is not null))
            then 'episodes_closed_complete'
        when not (new.further_offer_at >= new.returned_at)
            then 'episodes_further_offer_after_return'
        when not (new.interview_scheduled_for >= new.interview_offered_at)
            then 'episodes_interview_scheduled_after_offer'
        -- A report cannot precede the last sighting.
        when not (new.last_seen_at <= new.reported_at)
            then 'episodes_last_seen_before_report'
        when not (new.interview_offered_at >= new.returned_at)
            then 'episodes_offer_after_return'
        when not (new.interview_offered_at is null
                  or (new.interview_scheduled_for is not null
                      and new.interviewer_independent is not null))
            then 'episodes_offer_complete'
        when not (new.state <> 'interview_offered' or new.interview_offered_at is not null)
            then 'episodes_offer_in_state'
        when not (new.reopened_at is null
                  or (new.reopen_reason is not null and new.reopened_at >= new.returned_at))
            then 'episodes_reopen_complete'
        when not (new.returned_at >= new.last_seen_at)
            then 'episodes_return_after_last_seen'
        when not ((new.returned_at is null) = (new.found_location is null)
                  and (new.returned_at is null) = (new.returned_to is null)
                  and (new.found_by is null or new.returned_at is not null))
            then 'episodes_return_complete'
        -- Returned exactly in the states after return; missing and cancelled (only before
        -- return) have none.
        when not ((new.returned_at is null) = (new.state in ('missing', 'cancelled')))
            then 'episodes_return_matches_state'
        when not (new.risk_level in ('low', 'medium', 'high'))
            then 'episodes_risk_level_check'
        when not (new.safe_and_well_at >= new.returned_at)
            then 'episodes_safe_and_well_after_return'
        when not ((new.safe_and_well_at is null) = (new.safe_and_well_by is null)
                  and (new.safe_and_well_notes is null and new.safe_and_well_concerns is null
                       or new.safe_and_well_at is not null))
            then 'episodes_safe_and_well_complete'
        when not (new.signed_off_at >= new.returned_at)
            then 'episodes_sign_off_after_return'
        when not ((new.signed_off_at is null) = (new.signed_off_by is null))
            then 'episodes_sign_off_complete'
        when not (new.state in ('missing', 'returned', 'interview_offered', 'interviewed',
                                'follow_up', 'closed', 'cancelled'))
            then 'episodes_state_check'
        when not (new.version > 0)
            then 'episodes_version_check'
    end;
    if broken is not null then
        perform hw_refuse_row(tg_table_name, broken);
    end if;
    return new;
end $$;

create trigger episodes_rules before insert or update on episodes
    for each row execute function episodes_rules();

create function episode_history_rules() returns trigger
    language plpgsql as $$
declare
    broken text;
begin
    broken := case
        when not (new.actor_role in ('police', 'social_worker', 'manager', 'cse_champion', 'admin',
                                     'data_protection_officer'))
            then 'episode_history_actor_role_check'
        -- The workflow's event name.
        when not (new.event ~ '^[a-z][a-z_-]*$')
            then 'episode_history_event_check'
        when not (new.from_state in ('missing', 'returned', 'interview_offered', 'interviewed',
                                     'follow_up', 'closed', 'cancelled'))
            then 'episode_history_from_state_check'
        -- Only the report (version 1) has no prior state.
        when not ((new.from_state is null) = (new.version = 1))
            then 'episode_history_from_state_iff_not_report'
        when not (new.to_state in ('missing', 'returned', 'interview_offered', 'interviewed',
                                   'follow_up', 'closed', 'cancelled'))
            then 'episode_history_to_state_check'
        when not (new.version > 0)
            then 'episode_history_version_check'
    end;
    if broken is not null then
        perform hw_refuse_row(tg_table_name, broken);
    end if;
    return new;
end $$;

create trigger episode_history_rules before insert or update on episode_history
    for each row execute function episode_history_rules();

alter table episode_history
    drop constraint episode_history_actor_role_check,
    drop constraint episode_history_event_check,
    drop constraint episode_history_from_state_check,
    drop constraint episode_history_from_state_iff_not_report,
    drop constraint episode_history_to_state_check,
    drop constraint episode_history_version_check;

alter table episodes
    drop constraint episodes_absence_kind_check,
    drop constraint episodes_cancelled_after_last_seen,
    drop constraint episodes_cancelled_complete,
    drop constraint episodes_closed_after_return,
    drop constraint episodes_closed_complete,
    drop constraint episodes_further_offer_after_return,
    drop constraint episodes_interview_scheduled_after_offer,
    drop constraint episodes_last_seen_before_report,
    drop constraint episodes_offer_after_return,
    drop constraint episodes_offer_complete,
    drop constraint episodes_offer_in_state,
    drop constraint episodes_reopen_complete,
    drop constraint episodes_return_after_last_seen,
    drop constraint episodes_return_complete,
    drop constraint episodes_return_matches_state,
    drop constraint episodes_risk_level_check,
    drop constraint episodes_safe_and_well_after_return,
    drop constraint episodes_safe_and_well_complete,
    drop constraint episodes_sign_off_after_return,
    drop constraint episodes_sign_off_complete,
    drop constraint episodes_state_check,
    drop constraint episodes_version_check;
