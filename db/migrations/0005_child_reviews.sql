-- What meets a child's own clocks: the multi-agency review after repeat missing, and each CSE
-- risk reassessment. Both outlive the episodes that led to them.
create table child_reviews (
    id          uuid primary key default gen_random_uuid(),
    child_id    uuid not null references children (id),
    kind        text not null check (kind in ('repeat_missing_review', 'cse_reassessment')),
    held_at     timestamptz not null,
    cse_risk    text check (cse_risk in ('none', 'low', 'medium', 'high')),
    notes       text not null default '' check (length(notes) <= 10000),
    recorded_by uuid not null references users (id),
    recorded_at timestamptz not null default now(),
    constraint child_reviews_risk_iff_reassessment check ((kind = 'cse_reassessment') = (cse_risk is not null))
);
-- A child's reviews, newest first.
create index child_reviews_child_idx on child_reviews (child_id, held_at desc);
-- A child's own clocks (repeat-missing review, CSE reassessment).
create index clocks_child_level_idx on clocks (child_id, kind) where episode_id is null;
