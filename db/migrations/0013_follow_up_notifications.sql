-- A worker is told when a manager gives them an episode, and an owner when an action is reassigned
-- to them.
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
    check (kind in ('episode_reported', 'child_returned', 'clock_due_soon', 'clock_overdue',
                    'long_missing', 'repeat_missing', 'cse_risk_raised', 'entity_linked',
                    'webhook_changed', 'episode_assigned', 'action_assigned'));
