-- Reader discussion: posts, per-article post numbers, moderators and their sessions.
-- Times are Unix seconds (UTC). Kept in step with migrations/postgres/0001_discussion.sql.

CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_slug TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    -- "Post N": assigned when approved, never reused or changed.
    number INTEGER,
    created_at INTEGER NOT NULL,
    moderated_by TEXT,
    moderated_at INTEGER
);

-- The article page's one query: approved posts of an article, by number.
CREATE INDEX posts_by_article ON posts (article_slug, status, number);
CREATE UNIQUE INDEX posts_article_number ON posts (article_slug, number);
-- The moderation queue: pending posts, oldest first.
CREATE INDEX posts_by_status ON posts (status, id);

-- The last post number given out per article; its row lock orders concurrent approvals.
CREATE TABLE article_counters (
    article_slug TEXT PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE moderators (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Only a SHA-256 hash of each session token is kept, so a copy of the database logs no one in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    moderator TEXT NOT NULL REFERENCES moderators (name) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
