-- Idempotent posting: each rendered post form carries a random id, stored with the post it sent,
-- so the same form sent twice (a retry after a lost response) is recognised and stored once.
-- NULL for posts from before this migration; NULLs never conflict in a unique index.
ALTER TABLE posts ADD COLUMN form_id TEXT;
CREATE UNIQUE INDEX posts_form_id ON posts (form_id);
