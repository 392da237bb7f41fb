-- Deployment-wide admins. An organisation's own admins manage their organisation: its accounts,
-- its name and (a police force's) the authorities it works with. A deployment-wide admin, made
-- only from the command line (`homeward user add --role admin --deployment-wide`), manages every
-- organisation's accounts and adds organisations; no one can make one through the API.
alter table users
    add column deployment_admin boolean not null default false,
    add constraint users_deployment_admin_is_admin check (not deployment_admin or role = 'admin');
