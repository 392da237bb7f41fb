-- The sequencer reads the entries waiting, not the trail chained before them.
--
-- audit_sequence() took the queue's oldest entries with a join whose plan PostgreSQL chose from
-- the statistics: once they had seen a long queue (after a backlog, or a bulk load) it planned a
-- merge or hash join over the whole of audit_events, and every pass read the trail again. In
-- ops/bench/audit_verify a pass of 200 new entries behind 1,000,000 took 0.22-0.36 s, where serve
-- runs a pass every 100 ms under load: the sequencer fell behind and the unchained window grew.
-- Now the pass first finds the oldest waiting id and both sides of the join start there, so
-- whichever join is planned it reads the entries from the oldest waiting one on (0.02-0.04 s a
-- pass in the same run; a backlog is still chained at the same rate), and the arrays are filled
-- by index. What it writes is unchanged: the same sequence numbers and hashes
-- (audit_entry_hash), in the same id order, as rows of audit_chain; the queue's rows are deleted
-- as before.

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
    oldest    bigint;
    e         record;
begin
    perform pg_advisory_xact_lock(hashtext('homeward audit sequencer'));
    select c.seq, c.hash into last_seq, last_hash from audit_chain c order by c.seq desc limit 1;
    if last_seq is null then
        last_seq := 0;
        last_hash := decode(repeat('00', 32), 'hex');
    end if;
    select min(u.event_id) into oldest from audit_unchained u;
    if oldest is null then
        return 0;
    end if;
    for e in select ev.* from audit_unchained u join audit_events ev on ev.id = u.event_id
             where u.event_id >= oldest and ev.id >= oldest
             order by u.event_id limit batch loop
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
