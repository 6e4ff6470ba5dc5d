-- Sessions end after 30 minutes without use as well as 12 hours after sign-in: the last use is
-- kept. NULL (sessions from before this migration) counts as the sign-in time.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;
