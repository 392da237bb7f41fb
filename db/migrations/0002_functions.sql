-- Functions shared by the application's statements and by `homeward audit verify`.

-- RFC 3339 in UTC with a Z, as the API gives every time.
create function hw_time(at timestamptz) returns text
    language sql stable strict parallel safe
    return to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

-- The hash of one audit entry: it covers the previous entry's hash and every field of this one,
-- each field kept apart by the unit separator so that no two entries can read the same.
create function audit_entry_hash(prev_hash bytea, seq bigint, at timestamptz, request_id text,
                                 actor_id uuid, actor_username text, actor_role text,
                                 organisation_id uuid, action text, entity_type text,
                                 entity_id text, outcome text, detail jsonb) returns bytea
    language sql stable parallel safe
    return sha256(prev_hash || convert_to(
        seq::text || chr(31) ||
        to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || chr(31) ||
        coalesce(request_id, '') || chr(31) ||
        coalesce(actor_id::text, '') || chr(31) ||
        coalesce(actor_username, '') || chr(31) ||
        coalesce(actor_role, '') || chr(31) ||
        coalesce(organisation_id::text, '') || chr(31) ||
        action || chr(31) ||
        coalesce(entity_type, '') || chr(31) ||
        coalesce(entity_id, '') || chr(31) ||
        outcome || chr(31) ||
        detail::text, 'UTF8'));
