-- Teams, and email alerts.
--
-- Every user belongs to a team of their organisation (a social work team, a police unit): the
-- overdue queue and the figures group by it. A user may give an email address and turn email
-- alerts on or off; each notification addressed to them is then also queued as an email, in the
-- statement that raises it, and sent by `homeward serve` like a webhook: claimed under a lease,
-- retried with back-off, sent exactly once. An email carries no case content: the kind of work,
-- how late it is, and a link into the application.

create table teams (
    id              uuid primary key default gen_random_uuid(),
    organisation_id uuid not null references organisations (id),
    name            text not null check (btrim(name) <> '' and length(name) <= 100),
    created_at      timestamptz not null default now(),
    constraint teams_organisation_name_key unique (organisation_id, name)
);

alter table users
    add column team_id      uuid references teams (id),
    add column email        text check (email is null or (length(email) <= 254
                                        and email ~ '^[^@[:space:]]+@[^@[:space:]]+$')),
    add column email_alerts boolean not null default true;

-- A manager's team page: the users of a team.
create index users_team_idx on users (team_id) where team_id is not null;

create table email_outbox (
    id              bigserial primary key,
    notification_id uuid not null references notifications (id) on delete cascade,
    user_id         uuid not null references users (id),
    status          text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
    attempts        integer not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz not null default now(),
    last_attempt_at timestamptz,
    last_error      text,
    sent_at         timestamptz,
    dead_at         timestamptz,
    created_at      timestamptz not null default now(),
    constraint email_outbox_once unique (notification_id, user_id),
    constraint email_outbox_sent_iff_status check ((status = 'sent') = (sent_at is not null)),
    constraint email_outbox_dead_iff_status check ((status = 'dead') = (dead_at is not null))
);

-- The sender's claim: what is due, oldest first.
create index email_outbox_pending_idx on email_outbox (next_attempt_at, id) where status = 'pending';
