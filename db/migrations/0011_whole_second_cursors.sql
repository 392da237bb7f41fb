-- Homeward keeps times to the second (every time the services write is whole seconds), and the
-- keyset cursors of the lists carry a time in whole seconds beside the row's id. A row written
-- with a fraction of a second (a bulk load, an import, a hand-written insert) broke that: its
-- cursor rounded to the next second and the next page began with the row again. The columns the
-- cursors page on now hold whole seconds themselves, so a row's time and its cursor agree.
alter table episodes alter column reported_at type timestamptz(0);
alter table clocks alter column due_at type timestamptz(0);
alter table notifications alter column created_at type timestamptz(0);
