-- Webhook delivery from the outbox. A delivery worker claims due messages for a lease (so that a
-- worker that dies mid-send gives its messages back), posts them signed, and records the result:
-- delivered, or retried with exponential back-off, or dead after the last attempt. An admin lists
-- dead messages and replays them.
alter table outbox
    add column last_attempt_at timestamptz,
    add column last_status     integer check (last_status between 100 and 599), -- HTTP status
    add column dead_at         timestamptz,
    add column replays         integer not null default 0 check (replays >= 0);
alter table outbox
    add constraint outbox_dead_iff_status check ((status = 'dead') = (dead_at is not null));

-- The admin's list: by status, newest first.
create index outbox_status_idx on outbox (status, id desc);

-- When the webhook was last set, for the admin's view.
alter table organisations add column webhook_updated_at timestamptz;
