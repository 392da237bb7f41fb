-- Two-step sign-in (RFC 6238 time-based one-time passwords) and its one-time recovery codes.
--
-- A user has at most one row: `secret` is the confirmed secret (null until the first enrolment is
-- confirmed), `pending_secret` the one an enrolment offered and its confirmation will make
-- current (the old one keeps working until then). `last_step` is the time step of the last code
-- accepted: a code is accepted only for a later step, so that no code is used twice. The secret
-- is never shown again once confirmed. Recovery codes are kept only as their SHA-256 (they are
-- random, 60 bits each); each works once.

create table two_factor (
    user_id        uuid primary key references users (id) on delete cascade,
    secret         bytea,
    pending_secret bytea,
    last_step      bigint,
    confirmed_at   timestamptz,
    updated_at     timestamptz not null,
    check (secret is null or octet_length(secret) = 20),
    check (pending_secret is null or octet_length(pending_secret) = 20)
);

create table recovery_codes (
    user_id   uuid not null references users (id) on delete cascade,
    code_hash bytea not null,
    used_at   timestamptz,
    primary key (user_id, code_hash)
);
