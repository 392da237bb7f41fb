-- Administration through the API: accounts and organisations.
--
-- A password an admin resets is a temporary one: the user must change it at their first sign-in
-- (their session may do nothing else until then). An admin's unlock ends a lockout at once and
-- the failures before it no longer count towards the next one. A police force works with the
-- local authorities it reports to: the relation an admin keeps, shown to both sides.

alter table users
    add column must_change_password boolean not null default false,
    add column unlocked_at          timestamptz;

-- An admin's list of their organisation's users, by username.
create index users_organisation_username_idx on users (organisation_id, lower(username), id);

create table police_force_authorities (
    police_force_id uuid not null references organisations (id),
    authority_id    uuid not null references organisations (id),
    primary key (police_force_id, authority_id)
);
-- The forces that report to an authority.
create index police_force_authorities_authority_idx on police_force_authorities (authority_id);
