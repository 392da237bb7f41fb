-- Two-step secrets sealed at rest.
--
-- With HOMEWARD_TWO_FACTOR_KEY set, serve keeps each TOTP secret sealed with AES-256-GCM under a
-- key held in a file outside the database (bound to its user's id): a version byte, the 12-byte
-- nonce, the 20 bytes encrypted and the 16-byte tag, 49 bytes in all. A copy of the database (a
-- backup, a dump, the replica) then holds no secret that makes codes. Secrets stored before the
-- deployment had a key (20 bytes) are sealed by serve when it starts with one.

alter table two_factor drop constraint two_factor_secret_check,
    drop constraint two_factor_pending_secret_check,
    add constraint two_factor_secret_check
        check (secret is null or octet_length(secret) in (20, 49)),
    add constraint two_factor_pending_secret_check
        check (pending_secret is null or octet_length(pending_secret) in (20, 49));
