-- The sequencer takes the waiting entries by index, whatever the queue's table has become.
--
-- audit_unchained is a queue: every entry is inserted into it and deleted from it moments later,
-- so between vacuums its table is mostly dead rows (5 MB with no live row after a few minutes of
-- reads at full load, measured). audit_sequence() began each pass with min(event_id) and a join
-- both of which PostgreSQL planned as scans of that table: every pass read all of it, and the
-- longer the load went on the slower each pass became, which is the unchained window growing.
-- Now the pass takes the oldest `batch` ids from the queue's primary key in order and reads
-- their entries from audit_events by primary key: the work of a pass is the entries it chains,
-- not the queue's history, and there is no join for the planner to choose. What it writes is
-- unchanged: the same sequence numbers and hashes (audit_entry_hash), in the same id order, as
-- rows of audit_chain; the queue's rows are deleted as before.
--
-- Measured with wrk on GET /api/v1/episodes/{id} at 16 connections for 10 s, on one live cluster,
-- the two functions swapped in turn (pg_stat_statements, time per entry chained):
-- 78 -> 59 and 73 -> 50 us an entry; the GET 2,601 -> 2,671 and 2,507 -> 2,748 requests/s.
--
-- And autovacuum visits the queue after every 10,000 deletions rather than after a fifth of a
-- table that is nearly always empty, so its dead rows are cleared and its tail truncated.

create or replace function audit_sequence(batch integer) returns integer
    language plpgsql security definer set search_path = public as $$
declare
    last_seq  bigint;
    last_hash bytea;
    seqs      bigint[] := '{}';
    ids       bigint[] := '{}';
    prevs     bytea[] := '{}';
    hashes    bytea[] := '{}';
    n         integer := 0;
    e         record;
begin
    perform pg_advisory_xact_lock(hashtext('homeward audit sequencer'));
    select c.seq, c.hash into last_seq, last_hash from audit_chain c order by c.seq desc limit 1;
    if last_seq is null then
        last_seq := 0;
        last_hash := decode(repeat('00', 32), 'hex');
    end if;
    for e in select ev.* from audit_events ev
             where ev.id = any (array(select u.event_id from audit_unchained u
                                      order by u.event_id limit batch))
             order by ev.id loop
        n := n + 1;
        last_seq := last_seq + 1;
        seqs[n] := last_seq;
        ids[n] := e.id;
        prevs[n] := last_hash;
        last_hash := audit_entry_hash(last_hash, last_seq, e.at, e.request_id, e.actor_id,
                                      e.actor_username, e.actor_role, e.organisation_id,
                                      e.action, e.entity_type, e.entity_id, e.outcome, e.detail);
        hashes[n] := last_hash;
    end loop;
    if n = 0 then
        return 0;
    end if;
    insert into audit_chain (seq, event_id, prev_hash, hash)
        select * from unnest(seqs, ids, prevs, hashes);
    delete from audit_unchained where event_id = any(ids);
    return n;
end $$;

alter table audit_unchained set (autovacuum_vacuum_scale_factor = 0,
                                 autovacuum_vacuum_threshold = 10000);
