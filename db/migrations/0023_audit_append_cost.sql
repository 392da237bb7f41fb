-- What appending an audit entry costs beyond the row and its B-tree indexes.
--
-- Every read of case content appends an entry, so this is paid on every request that shows a
-- child or an episode. Measured on the 2-core machine with wrk on GET /api/v1/episodes/{id} at 16
-- connections, back to back on one cluster (30 November 2026):
--
-- * The foreign keys from audit_events to users and organisations checked each entry with a query
--   on each, which took a key-share lock on the actor's user row and organisation row until the
--   entry's batch committed. Without them the GET served 9-13% more requests a second (2,655 ->
--   2,884 and 3,036 -> 3,430 in two pairs of runs). The entry keeps the actor's id,
--   username and role as they were, which is what an audit trail must keep; the application only
--   ever writes the id of an account it has just authenticated, and accounts are deactivated,
--   never deleted. The trail must never be refused, or made to wait, by the rows it names.
--
-- * The access log's GIN index is on hw_audit_subjects(...), a SQL function that PostgreSQL
--   inlined, parsing its stored body again, each time a statement inserted into audit_events. As
--   PL/pgSQL it is called as it is, with the same result for every row, so the index is unchanged
--   and stays valid; the queries that use it (db/src/privacy.cpp) match the same expression.

alter table audit_events drop constraint audit_events_actor_id_fkey,
    drop constraint audit_events_organisation_id_fkey;

create or replace function hw_audit_subjects(entity_type text, entity_id text, detail jsonb)
    returns jsonb language plpgsql immutable parallel safe as $$
begin
    return (case when entity_type in ('child', 'episode') and entity_id <> ''
                 then jsonb_build_array(entity_id) else '[]'::jsonb end)
        || (case when jsonb_typeof(detail -> 'child_ids') = 'array'
                 then detail -> 'child_ids' else '[]'::jsonb end)
        || (case when jsonb_typeof(detail -> 'episode_ids') = 'array'
                 then detail -> 'episode_ids' else '[]'::jsonb end);
end $$;
