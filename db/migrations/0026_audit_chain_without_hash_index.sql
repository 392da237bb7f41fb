-- The chain keeps no index on its hashes.
--
-- audit_chain's hash column was UNIQUE, and so had a B-tree index keyed on SHA-256 values: every
-- entry chained went to a random leaf of an index as long as the trail itself. Nothing looks an
-- entry up by its hash (the head, a checkpoint and `audit verify` all go by sequence number), and
-- the index added nothing to what the chain proves: `audit verify` recomputes every hash from its
-- entry and the hash before it, so two entries could share one only by a SHA-256 collision. Its
-- cost grew with the trail: once the index no longer fits in memory, each entry chained is a
-- random read. The sequence number (the primary key) and the event's id (unique: no entry is
-- chained twice) both grow with each entry, so their indexes are written at their right-hand end.
--
-- Measured on the 2-core machine (30 November 2026) with pg_stat_statements on a cluster holding
-- about 1.5 million chained entries, GET /api/v1/episodes/{id} at 16 connections for 8 s: the
-- sequencer took 70-80 us an entry with the index and 57-60 us without it.

alter table audit_chain drop constraint audit_chain_hash_key;
