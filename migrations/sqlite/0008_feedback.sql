-- "Is this page helpful?": answers counted per article and day, and the optional comments.
-- Nothing here says who answered: no address, cookie or name is ever stored beside them.
-- Comments are deleted by the retention purge; counts are kept.

CREATE TABLE feedback_counts (
    article_slug TEXT NOT NULL,
    -- Days since 1970-01-01 (UTC), so reports can start at a date.
    day INTEGER NOT NULL,
    yes_count INTEGER NOT NULL DEFAULT 0,
    no_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_slug, day)
);

CREATE TABLE feedback_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_slug TEXT NOT NULL,
    -- 1 when the reader had answered "Yes", 0 for "No".
    helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX feedback_comments_by_article ON feedback_comments (article_slug, created_at);
CREATE INDEX feedback_comments_by_age ON feedback_comments (created_at);
