-- The audit trail at the speed of the disk.
--
-- Until now every append locked the single audit_head row until its transaction's commit was on
-- disk, so the whole service ran one durable commit at a time. Now an entry is an insert-only
-- row of audit_events, written without any lock (in the transaction of the write it records, or
-- by the read batcher, which shares one durable commit among many reads), and marked
-- unchained. A sequencer (audit_sequence, run by `homeward serve` several times a second) then
-- takes what has committed, in id order, gives each entry the next sequence number and its hash
-- over the previous hash and the entry, and writes those as rows of audit_chain, again insert-
-- only. The trail is totally ordered by seq, hash-chained as before (audit_entry_hash, unchanged,
-- so entries written before this migration keep their hashes), and nothing in it is ever updated:
-- the application's role may insert into it and read it, never update or delete it.

create table audit_events (
    id              bigserial primary key,
    at              timestamptz not null default clock_timestamp(),
    request_id      text,
    actor_id        uuid references users (id),
    actor_username  text,
    actor_role      text check (actor_role in ('police', 'social_worker', 'manager',
                                               'cse_champion', 'admin', 'data_protection_officer')),
    organisation_id uuid references organisations (id),
    action          text not null,
    entity_type     text,
    entity_id       text,
    outcome         text not null
                    check (outcome in ('success', 'denied', 'not_found', 'invalid', 'conflict',
                                       'error')),
    detail          jsonb not null default '{}'
);
create index audit_events_entity_idx on audit_events (entity_id, id);
create index audit_events_actor_idx on audit_events (actor_id, id);
create index audit_events_organisation_at_idx on audit_events (organisation_id, at);
create index audit_events_at_idx on audit_events (at);

-- Committed entries not yet chained. The sequencer deletes a row here when it chains its entry:
-- the only deletion in the audit trail's tables, and `audit verify` reports any entry neither
-- chained nor waiting here.
create table audit_unchained (
    event_id bigint primary key references audit_events (id)
);

create table audit_chain (
    seq        bigint primary key check (seq > 0),
    event_id   bigint not null unique references audit_events (id),
    prev_hash  bytea not null check (octet_length(prev_hash) = 32),
    hash       bytea not null unique check (octet_length(hash) = 32),
    chained_at timestamptz not null default clock_timestamp()
);

-- The entries written before, with their sequence numbers and hashes as they were.
insert into audit_events (id, at, request_id, actor_id, actor_username, actor_role,
                          organisation_id, action, entity_type, entity_id, outcome, detail)
    select seq, at, request_id, actor_id, actor_username, actor_role, organisation_id, action,
           entity_type, entity_id, outcome, detail from audit_log order by seq;
insert into audit_chain (seq, event_id, prev_hash, hash)
    select seq, seq, prev_hash, hash from audit_log order by seq;
select setval('audit_events_id_seq', greatest((select max(id) from audit_events), 1));
drop table audit_log;
drop table audit_head;

-- The trail as its readers see it: every entry, with its place in the chain once it has one.
create view audit_log as
    select e.id, c.seq, e.at, e.request_id, e.actor_id, e.actor_username, e.actor_role,
           e.organisation_id, e.action, e.entity_type, e.entity_id, e.outcome, e.detail,
           c.prev_hash, c.hash, c.chained_at
    from audit_events e left join audit_chain c on c.event_id = e.id;

-- Chains up to `batch` committed entries, oldest id first; returns how many. Serialised by an
-- advisory lock, so several serve processes may all call it. SECURITY DEFINER: the application's
-- role may call it but may not itself write the chain or delete from audit_unchained.
create function audit_sequence(batch integer) returns integer
    language plpgsql security definer set search_path = public as $$
declare
    last_seq  bigint;
    last_hash bytea;
    seqs      bigint[] := '{}';
    ids       bigint[] := '{}';
    prevs     bytea[] := '{}';
    hashes    bytea[] := '{}';
    e         record;
begin
    perform pg_advisory_xact_lock(hashtext('homeward audit sequencer'));
    select c.seq, c.hash into last_seq, last_hash from audit_chain c order by c.seq desc limit 1;
    if last_seq is null then
        last_seq := 0;
        last_hash := decode(repeat('00', 32), 'hex');
    end if;
    for e in select ev.* from audit_unchained u join audit_events ev on ev.id = u.event_id
             order by u.event_id limit batch loop
        last_seq := last_seq + 1;
        seqs := seqs || last_seq;
        ids := ids || e.id;
        prevs := prevs || last_hash;
        last_hash := audit_entry_hash(last_hash, last_seq, e.at, e.request_id, e.actor_id,
                                      e.actor_username, e.actor_role, e.organisation_id,
                                      e.action, e.entity_type, e.entity_id, e.outcome, e.detail);
        hashes := hashes || last_hash;
    end loop;
    if cardinality(ids) = 0 then
        return 0;
    end if;
    insert into audit_chain (seq, event_id, prev_hash, hash)
        select * from unnest(seqs, ids, prevs, hashes);
    delete from audit_unchained where event_id = any(ids);
    return cardinality(ids);
end $$;

-- Signed checkpoints of the chain's head, kept beside the witness copies sent elsewhere.
create table audit_checkpoints (
    id         bigserial primary key,
    seq        bigint not null references audit_chain (seq),
    hash       bytea not null check (octet_length(hash) = 32),
    signed_at  timestamptz not null,
    key_id     text not null,
    signature  bytea not null,
    document   text not null
);

-- The application's own role, where the deployment made one (ops/run and ops/test do): it reads
-- and writes what the service needs, inserts into the audit trail, and never updates or deletes it.
do $$
begin
    if exists (select from pg_roles where rolname = 'homeward_app') then
        grant usage on schema public to homeward_app;
        grant select, insert, update, delete on all tables in schema public to homeward_app;
        grant usage, select on all sequences in schema public to homeward_app;
        revoke update, delete, truncate on audit_events, audit_chain, audit_checkpoints
            from homeward_app;
        revoke insert, update, delete, truncate on audit_chain from homeward_app;
        revoke update, truncate on audit_unchained from homeward_app;
        revoke delete on audit_unchained from homeward_app;
        grant execute on function audit_sequence(integer) to homeward_app;
        revoke all on schema_migrations from homeward_app;
        grant select on schema_migrations to homeward_app;
        -- Tables later migrations make: the same by default (each audit table revokes anew).
        alter default privileges in schema public
            grant select, insert, update, delete on tables to homeward_app;
        alter default privileges in schema public grant usage, select on sequences to homeward_app;
    end if;
end $$;
