-- A moderator can take down an approved post: it keeps its number and shows as "Post N was
-- removed by a moderator"; who removed it and when are kept here.
ALTER TABLE posts ADD COLUMN removed_by TEXT;
ALTER TABLE posts ADD COLUMN removed_at INTEGER;
