-- The sequencer reads the trail by index whatever the planner believes of its size.
--
-- A pass reads its entries with `audit_events.id = any(<the oldest waiting ids>)`. PL/pgSQL keeps
-- the plan it made, and a plan made while the trail was small (a new database, or one just
-- restored, before autovacuum has analysed it) read audit_events from end to end, comparing each
-- row with each of up to 5,000 waiting ids. As the trail grew that kept plan became seconds a
-- pass, and entries waited unchained until autovacuum's statistics made PostgreSQL plan again.
-- Measured under wrk on GET /api/v1/episodes/{id} on a new database (30 November 2026): the
-- oldest unchained entry reached 3.3 s at 64 connections and 5.6 s at 16, with 13,243 entries
-- waiting, and then the queue emptied at once; `EXPLAIN` of the pass's read on a new database
-- with 100 entries: Seq Scan on audit_events, Filter: (id = ANY ($0)).
--
-- With sequential scans disabled for the function's own statements, every plan it makes goes by
-- the primary keys (the read of the entries, the queue's oldest ids, the delete from the queue,
-- the chain's head), on a trail of any size and with any statistics. The setting holds only
-- while the function runs.

alter function audit_sequence(integer) set enable_seqscan = off;
