-- The sweeper looks only at open clocks it has not announced yet. Without these, a pass with
-- nothing new still walks every open clock already announced (at 1M episodes: ~180k rows,
-- ~200 ms a minute); with them it reads only what is new.
create index clocks_unannounced_overdue_idx on clocks (due_at)
    where met_at is null and stopped_at is null and overdue_notified_at is null;
create index clocks_unannounced_due_soon_idx on clocks (due_at)
    where met_at is null and stopped_at is null and due_soon_notified_at is null;
