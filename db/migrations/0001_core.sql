-- 0001_core.sql: Homeward's core schema (PostgreSQL 15, core features only).
--
-- Applied by `homeward migrate` inside one transaction; the runner creates and fills
-- schema_migrations itself, so this file has no BEGIN/COMMIT and does not create it.
--
-- Tables
--   organisations        police forces and local authorities; optional signed webhook
--   users                accounts: role, organisation, lockout counters
--   sessions             bearer sessions, stored only as the SHA-256 of the token
--   login_attempts       log-in attempts, for per-account and per-address throttling
--   children             the child: identity, looked-after status, responsible/host authority
--   child_profiles       the profile a carer keeps ready for police (Philomena Protocol)
--   child_photos         the child's photograph (JPEG or PNG, at most 5 MiB)
--   episodes             one missing/away episode and its lifecycle; `state` is the truth
--   episode_history      every transition of an episode, one row per version
--   interviews           the return interview held, or the child's refusal
--   observed_indicators  CSE indicators observed at the interview (codes from the catalogue file)
--   actions              follow-up actions and referrals
--   clocks               deadlines (episode-level, or child-level when episode_id is null)
--   notifications        in-app notifications, raised once each (dedupe_key)
--   notification_reads   who has read which notification
--   outbox               webhook deliveries, written in the same transaction as the change
--   idempotency_keys     Idempotency-Key of episode reports, per user
--   audit_log            hash-chained, gap-free audit trail
--   audit_head           one row: the latest seq and hash, locked to serialise appends
--   entities             people, addresses and vehicles of concern
--   episode_entities     links between entities and episodes
--
-- Conventions: uuid ids from gen_random_uuid(), every time a timestamptz, every enumeration a
-- text column with a CHECK of its exact values (the text forms of homeward::workflow's enums).
-- Rows are never deleted in normal operation, so foreign keys use the default NO ACTION unless
-- noted. Keyset-paginated lists order by (time desc, id desc); their indexes match that order.

-- ---------------------------------------------------------------------------------------------
-- Organisations and users
-- ---------------------------------------------------------------------------------------------

create table organisations (
    id             uuid primary key default gen_random_uuid(),
    code           text not null unique
                   check (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
    name           text not null check (btrim(name) <> ''),
    kind           text not null check (kind in ('police', 'local_authority')),
    webhook_url    text,
    -- HMAC key for signing deliveries; kept in clear because signing needs it.
    webhook_secret text,
    created_at     timestamptz not null default now(),
    -- Webhooks are always signed: a URL without a secret is unusable.
    constraint organisations_webhook_signed check (webhook_url is null or webhook_secret is not null)
);

create table users (
    id              uuid primary key default gen_random_uuid(),
    username        text not null
                    check (length(username) between 1 and 128 and username = btrim(username)),
    password_hash   text not null,                      -- Argon2id PHC string
    role            text not null
                    check (role in ('police', 'social_worker', 'manager', 'cse_champion', 'admin')),
    organisation_id uuid not null references organisations (id),
    active          boolean not null default true,
    failed_logins   integer not null default 0 check (failed_logins >= 0),
    locked_until    timestamptz,
    created_at      timestamptz not null default now()
);
-- Log-in lookup and uniqueness: usernames are case-insensitive (query with lower(username) = lower($1)).
create unique index users_username_lower_key on users (lower(username));
-- Admin: list the users of an organisation; managers: list workers to assign.
create index users_organisation_idx on users (organisation_id, role);

create table sessions (
    token_hash   bytea primary key check (octet_length(token_hash) = 32),  -- sha-256 of the token
    user_id      uuid not null references users (id),
    created_at   timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),    -- idle expiry is measured from here
    expires_at   timestamptz not null,                  -- absolute expiry
    revoked_at   timestamptz,
    constraint sessions_expiry_after_creation check (expires_at > created_at)
);
-- Revoke every session of a user (deactivation, password change).
create index sessions_user_idx on sessions (user_id);
-- Purge of expired sessions.
create index sessions_expires_idx on sessions (expires_at);

create table login_attempts (
    id             bigserial primary key,
    username       text not null,                       -- as typed; the user may not exist
    client_address text not null,
    at             timestamptz not null default now(),
    succeeded      boolean not null
);
-- Per-account throttling: count recent failures for lower(username) = lower($1) and at > $2.
create index login_attempts_username_idx on login_attempts (lower(username), at);
-- Per-address throttling: count recent failures from one client address.
create index login_attempts_address_idx on login_attempts (client_address, at);
-- Purge of old attempts.
create index login_attempts_at_idx on login_attempts (at);

-- ---------------------------------------------------------------------------------------------
-- Children
-- ---------------------------------------------------------------------------------------------

create table children (
    id                       uuid primary key default gen_random_uuid(),
    given_name               text not null check (btrim(given_name) <> ''),
    family_name              text not null check (btrim(family_name) <> ''),
    date_of_birth            date not null,             -- "not in the future" is checked by the service
    sex                      text not null check (sex in ('female', 'male', 'other', 'unknown')),
    looked_after             boolean not null,
    responsible_authority_id uuid not null references organisations (id),
    host_authority_id        uuid references organisations (id),
    ethnicity                text,
    placement_type           text,
    created_at               timestamptz not null default now(),
    created_by               uuid not null references users (id),
    updated_at               timestamptz not null default now(),
    version                  integer not null default 1 check (version > 0)
);
-- GET /children?q=NAME: prefix search, lower(family_name) LIKE lower($1) || '%'.
create index children_family_name_prefix_idx on children (lower(family_name) text_pattern_ops);
create index children_given_name_prefix_idx on children (lower(given_name) text_pattern_ops);
-- Scope of a local authority: the children it is responsible for or hosts; looked-after share.
create index children_responsible_idx on children (responsible_authority_id);
create index children_host_idx on children (host_authority_id) where host_authority_id is not null;

create table child_profiles (
    child_id     uuid primary key references children (id),
    description  text,
    associates   text,
    places       text,
    medical      text,
    phone        text,
    social_media text,
    updated_at   timestamptz not null default now(),
    updated_by   uuid not null references users (id),
    version      integer not null default 1 check (version > 0)
);

create table child_photos (
    child_id     uuid primary key references children (id),
    content_type text not null check (content_type in ('image/jpeg', 'image/png')),
    data         bytea not null check (octet_length(data) between 1 and 5242880),  -- <= 5 MiB
    updated_at   timestamptz not null default now(),
    updated_by   uuid not null references users (id)
);

-- ---------------------------------------------------------------------------------------------
-- Episodes
-- ---------------------------------------------------------------------------------------------

create table episodes (
    id                       uuid primary key default gen_random_uuid(),
    child_id                 uuid not null references children (id),
    state                    text not null
                             check (state in ('missing', 'returned', 'interview_offered', 'interviewed',
                                              'follow_up', 'closed', 'cancelled')),
    version                  integer not null default 1 check (version > 0),

    -- Scope, fixed at report: the reporting force, and the child's authorities at that time.
    police_force_id          uuid not null references organisations (id),
    responsible_authority_id uuid not null references organisations (id),
    host_authority_id        uuid references organisations (id),

    -- Report.
    reported_at              timestamptz not null default now(),
    reported_by              uuid not null references users (id),
    last_seen_at             timestamptz not null,
    last_seen_location       text not null,
    circumstances            text not null,
    risk_level               text not null check (risk_level in ('low', 'medium', 'high')),
    police_reference         text not null,
    absence_kind             text not null check (absence_kind in ('missing', 'away')),

    -- Return (police).
    returned_at              timestamptz,
    found_location           text,
    returned_to              text,
    found_by                 text,

    -- Police safe-and-well check.
    safe_and_well_at         timestamptz,
    safe_and_well_by         uuid references users (id),
    safe_and_well_notes      text,
    safe_and_well_concerns   text,

    -- Social work.
    assigned_worker_id       uuid references users (id),
    assigned_at              timestamptz,

    -- Interview offer (the interview itself is in `interviews`).
    interview_offered_at     timestamptz,
    interview_scheduled_for  timestamptz,
    interviewer_id           uuid references users (id),
    interviewer_independent  boolean,
    further_offer_at         timestamptz,               -- scotland: a further offer after a refusal

    -- CSE champion's sign-off (needed before closing when CSE risk is medium or high).
    signed_off_at            timestamptz,
    signed_off_by            uuid references users (id),
    sign_off_note            text,

    closed_at                timestamptz,               -- the latest close (kept after a reopen)
    close_summary            text,
    cancelled_at             timestamptz,
    cancel_reason            text,
    reopened_at              timestamptz,               -- the latest reopen
    reopen_reason            text,

    updated_at               timestamptz not null default now(),

    -- Target of clocks' (episode_id, child_id) foreign key.
    constraint episodes_id_child_key unique (id, child_id),

    -- A report cannot precede the last sighting.
    constraint episodes_last_seen_before_report check (last_seen_at <= reported_at),

    -- Returned exactly in the states after return; missing and cancelled (only before return) have none.
    constraint episodes_return_matches_state
        check ((returned_at is null) = (state in ('missing', 'cancelled'))),
    constraint episodes_return_complete
        check ((returned_at is null) = (found_location is null)
               and (returned_at is null) = (returned_to is null)
               and (found_by is null or returned_at is not null)),
    constraint episodes_return_after_last_seen check (returned_at >= last_seen_at),

    constraint episodes_safe_and_well_complete
        check ((safe_and_well_at is null) = (safe_and_well_by is null)
               and (safe_and_well_notes is null and safe_and_well_concerns is null
                    or safe_and_well_at is not null)),
    constraint episodes_safe_and_well_after_return check (safe_and_well_at >= returned_at),

    constraint episodes_offer_in_state
        check (state <> 'interview_offered' or interview_offered_at is not null),
    constraint episodes_offer_complete
        check (interview_offered_at is null
               or (interview_scheduled_for is not null and interviewer_independent is not null)),
    constraint episodes_offer_after_return check (interview_offered_at >= returned_at),
    constraint episodes_interview_scheduled_after_offer
        check (interview_scheduled_for >= interview_offered_at),
    constraint episodes_further_offer_after_return check (further_offer_at >= returned_at),

    constraint episodes_sign_off_complete
        check ((signed_off_at is null) = (signed_off_by is null)),
    constraint episodes_sign_off_after_return check (signed_off_at >= returned_at),

    constraint episodes_closed_complete
        check (state <> 'closed' or (closed_at is not null and close_summary is not null)),
    constraint episodes_closed_after_return check (closed_at >= returned_at),

    -- Cancelled is terminal, so cancelled_at is set exactly when the state is cancelled.
    constraint episodes_cancelled_complete
        check ((state = 'cancelled') = (cancelled_at is not null)
               and (cancelled_at is null or cancel_reason is not null)),
    constraint episodes_cancelled_after_last_seen check (cancelled_at >= last_seen_at),

    constraint episodes_reopen_complete
        check (reopened_at is null or (reopen_reason is not null and reopened_at >= returned_at))
);
-- A child's episodes (GET /children/{id}) and repeat-missing counts (reports within the window).
create index episodes_child_idx on episodes (child_id, reported_at desc, id desc);
-- GET /episodes for police: their force's episodes, by state, keyset on (reported_at, id).
create index episodes_police_state_idx
    on episodes (police_force_id, state, reported_at desc, id desc);
create index episodes_police_idx on episodes (police_force_id, reported_at desc, id desc);
-- GET /episodes for an authority (responsible side), by state or not; figures by report period.
create index episodes_responsible_state_idx
    on episodes (responsible_authority_id, state, reported_at desc, id desc);
create index episodes_responsible_idx
    on episodes (responsible_authority_id, reported_at desc, id desc);
-- The same for the host authority of a child placed across a boundary.
create index episodes_host_state_idx
    on episodes (host_authority_id, state, reported_at desc, id desc)
    where host_authority_id is not null;
create index episodes_host_idx
    on episodes (host_authority_id, reported_at desc, id desc)
    where host_authority_id is not null;
-- Open episodes: a child's open episode (warning on a new report, child page).
create index episodes_open_idx on episodes (child_id, reported_at)
    where state not in ('closed', 'cancelled');
-- Still missing, oldest first (sweeper's long-missing check, police dashboard).
create index episodes_missing_idx on episodes (reported_at) where state = 'missing';
-- A social worker's own cases.
create index episodes_assigned_idx on episodes (assigned_worker_id, reported_at desc, id desc)
    where assigned_worker_id is not null;
-- Figures: returns in a period.
create index episodes_returned_idx on episodes (returned_at) where returned_at is not null;

create table episode_history (
    id         bigserial primary key,
    episode_id uuid not null references episodes (id),
    version    integer not null check (version > 0),    -- the version this transition produced
    at         timestamptz not null default now(),
    actor_id   uuid not null references users (id),
    actor_role text not null
               check (actor_role in ('police', 'social_worker', 'manager', 'cse_champion', 'admin')),
    event      text not null check (event ~ '^[a-z][a-z_-]*$'),  -- the workflow's event name
    from_state text
               check (from_state in ('missing', 'returned', 'interview_offered', 'interviewed',
                                     'follow_up', 'closed', 'cancelled')),
    to_state   text not null
               check (to_state in ('missing', 'returned', 'interview_offered', 'interviewed',
                                   'follow_up', 'closed', 'cancelled')),
    detail     jsonb not null default '{}',             -- e.g. the reason for a regrade or reopen
    -- Only the report (version 1) has no prior state.
    constraint episode_history_from_state_iff_not_report check ((from_state is null) = (version = 1)),
    -- GET /episodes/{id}/history, oldest first.
    constraint episode_history_episode_version_key unique (episode_id, version)
);

-- ---------------------------------------------------------------------------------------------
-- Return interview, indicators and actions
-- ---------------------------------------------------------------------------------------------

create table interviews (
    episode_id              uuid primary key references episodes (id),
    outcome                 text not null check (outcome in ('held', 'declined')),
    conducted_at            timestamptz not null,       -- when held, or when the child declined
    recorded_by             uuid not null references users (id),
    recorded_at             timestamptz not null default now(),
    interviewer_id          uuid references users (id),
    interviewer_independent boolean,
    location                text,
    where_stayed            text,
    with_whom               text,
    push_factors            text[] not null default '{}',
    pull_factors            text[] not null default '{}',
    harm_disclosed          boolean,
    harm_details            text,
    cse_risk                text check (cse_risk in ('none', 'low', 'medium', 'high')),
    suggested_cse_risk      text check (suggested_cse_risk in ('none', 'low', 'medium', 'high')),
    indicator_score         integer check (indicator_score >= 0),  -- catalogue weights are >= 0
    risk_rationale          text,
    child_views             text,
    police_intelligence     text,
    declined_reason         text,
    attempts                text,
    carers_account          text,
    constraint interviews_held_complete
        check (outcome <> 'held'
               or (cse_risk is not null and suggested_cse_risk is not null
                   and indicator_score is not null and harm_disclosed is not null
                   and location is not null and declined_reason is null)),
    constraint interviews_declined_complete
        check (outcome <> 'declined' or declined_reason is not null),
    -- A judgement lower than the suggested level needs a rationale.
    constraint interviews_rationale_when_below_suggestion
        check (cse_risk is null or suggested_cse_risk is null
               or array_position(array['none', 'low', 'medium', 'high'], cse_risk)
                  >= array_position(array['none', 'low', 'medium', 'high'], suggested_cse_risk)
               or coalesce(btrim(risk_rationale), '') <> '')
);
-- Figures: interviews held/declined in a period, median hours from return to interview.
create index interviews_conducted_idx on interviews (conducted_at);

create table observed_indicators (
    episode_id     uuid not null references episodes (id),
    indicator_code text not null check (indicator_code ~ '^[a-z0-9_]+$'),
    primary key (episode_id, indicator_code)
);
-- Figures: the most frequent indicators (count by code).
create index observed_indicators_code_idx on observed_indicators (indicator_code);

create table actions (
    id           uuid primary key default gen_random_uuid(),
    episode_id   uuid not null references episodes (id),
    type         text not null
                 check (type in ('child_protection_referral', 'cse_referral', 'health', 'education',
                                 'police_intelligence', 'safety_plan', 'multi_agency_meeting')),
    description  text not null,
    owner_id     uuid not null references users (id),
    raised_by    uuid not null references users (id),
    raised_at    timestamptz not null default now(),
    due_at       timestamptz not null,
    status       text not null default 'open' check (status in ('open', 'done', 'cancelled')),
    outcome      text,
    completed_at timestamptz,
    completed_by uuid references users (id),
    -- Done or cancelled always says when, by whom and with what outcome (the reason if cancelled);
    -- an open action has none of these.
    constraint actions_completion_matches_status
        check ((status = 'open') = (completed_at is null)
               and (status = 'open') = (outcome is null)
               and (status = 'open') = (completed_by is null)),
    constraint actions_completed_after_raised check (completed_at >= raised_at)
);
-- An episode's actions (GET /episodes/{id}; "all actions done" before close).
create index actions_episode_idx on actions (episode_id);
-- A worker's open actions, soonest due first.
create index actions_owner_open_idx on actions (owner_id, due_at) where status = 'open';

-- ---------------------------------------------------------------------------------------------
-- Clocks
-- ---------------------------------------------------------------------------------------------

create table clocks (
    id                     bigserial primary key,
    episode_id             uuid references episodes (id),  -- null for a child-level clock
    child_id               uuid not null references children (id),
    kind                   text not null
                           check (kind in ('safe_and_well', 'interview_offered', 'interview_held',
                                           'further_offer', 'follow_up_action', 'long_missing',
                                           'repeat_missing_review', 'cse_reassessment')),
    subject                text not null default '',        -- the action id for follow_up_action
    starts_at              timestamptz not null,
    due_at                 timestamptz not null,
    met_at                 timestamptz,
    stopped_at             timestamptz,                     -- closed/cancelled before met
    holder_organisation_id uuid references organisations (id),
    holder_user_id         uuid references users (id),
    due_soon_notified_at   timestamptz,
    overdue_notified_at    timestamptz,
    -- An episode clock belongs to the episode's own child.
    constraint clocks_episode_child_fkey
        foreign key (episode_id, child_id) references episodes (id, child_id),
    constraint clocks_due_after_start check (due_at >= starts_at),
    constraint clocks_action_has_subject check (kind <> 'follow_up_action' or subject <> ''),
    -- One clock of each kind per episode (per action for follow-up); serves an episode's deadlines.
    constraint clocks_episode_kind_subject_key unique (episode_id, kind, subject)
);
-- Child-level clocks (repeat missing review): one per trigger; serves a child's clocks.
create unique index clocks_child_kind_start_key on clocks (child_id, kind, starts_at)
    where episode_id is null;
-- Overdue queue and due-soon list (most overdue first), and the sweeper's scan.
create index clocks_open_due_idx on clocks (due_at)
    where met_at is null and stopped_at is null;
-- Overdue queue for an organisation (manager, champion, police force).
create index clocks_open_holder_org_idx on clocks (holder_organisation_id, due_at)
    where met_at is null and stopped_at is null;
-- Overdue queue for a social worker's own work.
create index clocks_open_holder_user_idx on clocks (holder_user_id, due_at)
    where met_at is null and stopped_at is null;

-- ---------------------------------------------------------------------------------------------
-- Notifications and webhook outbox
-- ---------------------------------------------------------------------------------------------

create table notifications (
    id                uuid primary key default gen_random_uuid(),
    organisation_id   uuid not null references organisations (id),   -- recipient organisation
    recipient_role    text                                            -- null: everyone with access
                      check (recipient_role in ('police', 'social_worker', 'manager',
                                                'cse_champion', 'admin')),
    recipient_user_id uuid references users (id),
    kind              text not null
                      check (kind in ('episode_reported', 'child_returned', 'clock_due_soon',
                                      'clock_overdue', 'long_missing', 'repeat_missing',
                                      'cse_risk_raised', 'entity_linked')),
    episode_id        uuid references episodes (id),
    child_id          uuid references children (id),
    title             text not null,
    body              jsonb not null default '{}',
    dedupe_key        text not null unique,              -- raised exactly once (insert … on conflict do nothing)
    created_at        timestamptz not null default now()
);
-- GET /notifications: an organisation's inbox, newest first (filtered by role/user).
create index notifications_org_idx on notifications (organisation_id, created_at desc, id desc);
-- Notifications addressed to one user, newest first.
create index notifications_user_idx on notifications (recipient_user_id, created_at desc, id desc)
    where recipient_user_id is not null;

create table notification_reads (
    notification_id uuid not null references notifications (id) on delete cascade,
    user_id         uuid not null references users (id),
    read_at         timestamptz not null default now(),
    primary key (notification_id, user_id)               -- unread = no row (anti-join on the key)
);

create table outbox (
    id              bigserial primary key,
    delivery_id     uuid not null unique default gen_random_uuid(),  -- sent to the receiver for dedupe
    organisation_id uuid not null references organisations (id),
    topic           text not null check (topic <> ''),
    payload         jsonb not null,
    created_at      timestamptz not null default now(),
    status          text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
    attempts        integer not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    delivered_at    timestamptz,
    constraint outbox_delivered_iff_status check ((status = 'delivered') = (delivered_at is not null))
);
-- The delivery worker: pending messages due for an attempt (… for update skip locked).
create index outbox_pending_idx on outbox (next_attempt_at) where status = 'pending';

create table idempotency_keys (
    user_id      uuid not null references users (id),
    key          text not null check (length(key) between 1 and 200),
    request_hash bytea not null,                         -- a retry with another body is refused
    episode_id   uuid not null references episodes (id), -- the first result
    created_at   timestamptz not null default now(),
    primary key (user_id, key)
);
-- Purge of expired keys.
create index idempotency_keys_created_idx on idempotency_keys (created_at);

-- ---------------------------------------------------------------------------------------------
-- Audit trail
-- ---------------------------------------------------------------------------------------------

create table audit_log (
    seq             bigint primary key check (seq > 0),  -- assigned by the application, gap-free
    at              timestamptz not null default now(),
    request_id      text,
    actor_id        uuid references users (id),          -- null for the system or the CLI
    actor_username  text,
    actor_role      text check (actor_role in ('police', 'social_worker', 'manager',
                                               'cse_champion', 'admin')),
    organisation_id uuid references organisations (id),
    action          text not null,
    entity_type     text,
    entity_id       text,
    outcome         text not null
                    check (outcome in ('success', 'denied', 'not_found', 'invalid', 'conflict',
                                       'error')),
    detail          jsonb not null default '{}',
    prev_hash       bytea not null check (octet_length(prev_hash) = 32),
    hash            bytea not null unique check (octet_length(hash) = 32),
    -- A chain, not a tree: each hash is the predecessor of at most one entry.
    constraint audit_log_prev_hash_key unique (prev_hash)
);
-- GET /audit?entity_id=
create index audit_log_entity_idx on audit_log (entity_id, seq);
-- GET /audit?actor=
create index audit_log_actor_idx on audit_log (actor_id, seq);
-- GET /audit for a champion: their authority, by period.
create index audit_log_org_at_idx on audit_log (organisation_id, at);
-- GET /audit for an admin: everything, by period.
create index audit_log_at_idx on audit_log (at);

create table audit_head (
    id   boolean primary key default true check (id),
    seq  bigint not null check (seq >= 0),
    hash bytea not null check (octet_length(hash) = 32)
);
insert into audit_head (id, seq, hash) values (true, 0, decode(repeat('00', 32), 'hex'));

-- ---------------------------------------------------------------------------------------------
-- People, places and vehicles of concern
-- ---------------------------------------------------------------------------------------------

create table entities (
    id                    uuid primary key default gen_random_uuid(),
    kind                  text not null check (kind in ('person', 'address', 'vehicle')),
    label                 text not null check (btrim(label) <> ''),
    identifier            text,                          -- as given
    identifier_normalised text check (identifier_normalised <> ''),
    notes                 text,
    created_at            timestamptz not null default now(),
    created_by            uuid not null references users (id)
);
-- Matching on link: the same kind and normalised identifier is one entity, never a twin.
create unique index entities_kind_identifier_key on entities (kind, identifier_normalised)
    where identifier_normalised is not null;

create table episode_entities (
    episode_id uuid not null references episodes (id),
    entity_id  uuid not null references entities (id),
    linked_at  timestamptz not null default now(),
    linked_by  uuid not null references users (id),
    primary key (episode_id, entity_id)
);
-- GET /entities?min_children= (distinct children per entity) and GET /entities/{id}.
create index episode_entities_entity_idx on episode_entities (entity_id, episode_id);
