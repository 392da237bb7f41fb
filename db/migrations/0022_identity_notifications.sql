-- Sessions cached by serve are dropped when who they belong to changes, in any process.
--
-- serve keeps a session it has checked for a few seconds, so that most requests cost no statement
-- for it. What it kept must not outlive a change to what authentication reads: a session signed
-- out or ended, an account's role, team, activity, password or lock, its two-step enrolment, its
-- organisation's code. serve drops what it kept when its own writes of these commit; these
-- triggers announce the writes of every other process (another serve, the command line, an
-- administrator's SQL) on the channel homeward_identity, which each serve listens on. NOTIFY is
-- sent when the transaction commits, and never for one that rolls back.

create function hw_identity_changed() returns trigger
    language plpgsql as $$
begin
    perform pg_notify('homeward_identity', '');
    return null;
end $$;

create trigger users_identity_changed after update or delete on users
    for each statement execute function hw_identity_changed();

-- Not for the idle clock (last_seen_at), which moves on every active session once a minute.
create trigger sessions_identity_changed after update of revoked_at, expires_at, user_id on sessions
    for each statement execute function hw_identity_changed();
create trigger sessions_identity_removed after delete on sessions
    for each statement execute function hw_identity_changed();

create trigger two_factor_identity_changed after insert or delete or update of secret
    on two_factor for each statement execute function hw_identity_changed();

create trigger organisations_identity_changed after update of code or delete on organisations
    for each statement execute function hw_identity_changed();
