-- Idempotent posting without per-browser forms: each post keeps a keyed digest of (client,
-- article, name, text, 12-hour window), so the same post sent again within a day (a retry after
-- a lost answer, a resend after a crash) is recognised and stored once. The digest is an
-- HMAC with the server secret, so it names no client; the daily purge clears it after two days.
-- NULL for older posts and once cleared; NULLs never conflict in a unique index.
ALTER TABLE posts ADD COLUMN post_digest TEXT;
CREATE UNIQUE INDEX posts_post_digest ON posts (post_digest);
