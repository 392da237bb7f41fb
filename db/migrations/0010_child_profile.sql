-- The child's profile (the Philomena Protocol) and photograph, which 0001 made as placeholders
-- that nothing read or wrote: both are replaced (they can hold no rows), and the profile's
-- six-monthly review becomes a clock.

-- Every version of the profile is kept, with who recorded it and when: the current profile is the
-- child's highest version. Each field is free text, as carers and police write it.
drop table child_profiles;
create table child_profiles (
    child_id             uuid not null references children (id),
    version              integer not null check (version > 0),
    height               text check (length(height) <= 100),
    build                text check (length(build) <= 200),
    hair                 text check (length(hair) <= 200),
    eyes                 text check (length(eyes) <= 200),
    distinguishing_marks text check (length(distinguishing_marks) <= 2000),
    clothing             text check (length(clothing) <= 2000),
    languages            text check (length(languages) <= 500),
    medical_needs        text check (length(medical_needs) <= 4000),
    medication           text check (length(medication) <= 4000),
    phone_numbers        text check (length(phone_numbers) <= 500),
    social_media         text check (length(social_media) <= 2000),
    places               text check (length(places) <= 4000),
    associates           text check (length(associates) <= 4000),
    missing_history      text check (length(missing_history) <= 4000),
    completed_by         text not null check (btrim(completed_by) <> '' and length(completed_by) <= 200),
    completed_on         date not null,
    recorded_at          timestamptz not null,
    recorded_by          uuid not null references users (id),
    primary key (child_id, version)
);

-- The photograph as Homeward re-encoded it (no metadata survives), with a thumbnail of the same
-- type. One per child; a new upload replaces it.
drop table child_photos;
create table child_photos (
    child_id     uuid primary key references children (id),
    content_type text not null check (content_type in ('image/jpeg', 'image/png')),
    data         bytea not null check (octet_length(data) between 1 and 33554432),
    thumbnail    bytea not null check (octet_length(thumbnail) between 1 and 1048576),
    width        integer not null check (width between 1 and 10000),
    height       integer not null check (height between 1 and 10000),
    updated_at   timestamptz not null,
    updated_by   uuid not null references users (id)
);

-- The profile review: due a policy's months after the profile was last recorded.
alter table clocks drop constraint clocks_kind_check;
alter table clocks add constraint clocks_kind_check
    check (kind in ('safe_and_well', 'interview_offered', 'interview_held', 'further_offer',
                    'follow_up_action', 'long_missing', 'repeat_missing_review',
                    'cse_reassessment', 'profile_review'));
