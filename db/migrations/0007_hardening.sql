-- What the security review asked of the schema.
--
-- Log-ins are throttled by network (an IPv4 address, or the /64 of an IPv6 address: one host has
-- a whole /64), and every attempt is recorded before any password is checked, so that attempts
-- made at once are all counted.
alter table login_attempts add column client_network text;
update login_attempts set client_network = client_address where client_network is null;
alter table login_attempts alter column client_network set not null;
create index login_attempts_network_idx on login_attempts (client_network, at);
drop index login_attempts_address_idx;
-- A pending attempt (its password not yet checked) counts as a failure until it succeeds.
alter table login_attempts alter column succeeded set default false;

-- A webhook message goes to the URL, signed with the secret, that its organisation had when the
-- message was queued: changing the webhook (an admin's act) redirects only what is queued later.
alter table outbox add column url text, add column secret text;
update outbox m set url = o.webhook_url, secret = o.webhook_secret
    from organisations o where o.id = m.organisation_id and m.status = 'pending';

-- A held interview after the child first declined keeps the refusal: its time, reason, the
-- attempts made and what the carers said.
alter table interviews add column declined_at timestamptz;
update interviews set declined_at = conducted_at where outcome = 'declined';
alter table interviews drop constraint interviews_held_complete;
alter table interviews add constraint interviews_held_complete
    check (outcome <> 'held'
           or (cse_risk is not null and suggested_cse_risk is not null
               and indicator_score is not null and harm_disclosed is not null
               and location is not null));
alter table interviews add constraint interviews_declined_has_time
    check ((declined_reason is null) = (declined_at is null));

-- An organisation's managers are told when an admin changes where its webhook goes.
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
    check (kind in ('episode_reported', 'child_returned', 'clock_due_soon', 'clock_overdue',
                    'long_missing', 'repeat_missing', 'cse_risk_raised', 'entity_linked',
                    'webhook_changed'));
