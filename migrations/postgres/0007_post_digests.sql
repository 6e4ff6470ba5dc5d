-- Idempotent posting without per-browser forms: each post keeps a keyed digest of (client,
-- article, name, text, 12-hour window), so the same post sent again within a day (a retry after
-- a lost answer, a resend after a crash) is recognised and stored once. The digest is an
-- HMAC with the server secret, so it names no client; the daily purge clears it after two days.
-- NULL for older posts and once cleared; NULLs never conflict in a unique index.
ALTER TABLE posts ADD COLUMN post_digest TEXT;
CREATE UNIQUE INDEX posts_post_digest ON posts (post_digest);

-- The server secret when none is given (--secret-file): made by the first instance to start and
-- read by every other, so instances sharing this database sign and key alike and a restart
-- changes nothing. One row.
CREATE TABLE server_secret (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL
);
