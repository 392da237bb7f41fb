-- The figures (GET /api/v1/stats) and the statutory return.
--
-- Hot spots count a place once however it was typed: the key of a place is its name in lower
-- case, apostrophes dropped ("Mary's" = "Marys"), every other run of punctuation or spacing made
-- one space, trimmed, and a leading "the " removed. "Bus Station", "bus station " and
-- "The bus-station." all have the key "bus station".
create function hw_place_key(place text) returns text
    language sql immutable strict parallel safe
    return regexp_replace(
        btrim(regexp_replace(regexp_replace(lower(place), '[''’`]', '', 'g'), '[^[:alnum:]]+', ' ',
                             'g')),
        '^the ', '');

-- Overdue work at the end of a period (the figures' "overdue by kind, team and worker", this
-- period and the last): the clocks an authority holds, by due time, met or not.
create index clocks_holder_org_due_idx on clocks (holder_organisation_id, due_at);
-- The figures' interviews offered in a period.
create index episodes_offered_idx on episodes (interview_offered_at)
    where interview_offered_at is not null;
