-- The optional second factor (src/discussion/totp.rs): a moderator's TOTP secret (base32), the
-- last time step a code was used for (so a code works once), and one-time recovery codes kept as
-- SHA-256 hashes. Set up with `backcare moderator totp NAME`.
ALTER TABLE moderators ADD COLUMN totp_secret TEXT;
ALTER TABLE moderators ADD COLUMN totp_last_step INTEGER;
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY,
    moderator TEXT NOT NULL REFERENCES moderators (name) ON DELETE CASCADE,
    used_at INTEGER
);
