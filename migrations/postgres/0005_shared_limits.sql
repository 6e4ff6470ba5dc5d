-- Per-client limits that every instance sharing this database enforces together (SQLite keeps
-- them in each instance's memory). Clients appear only as keyed hashes (HMAC-SHA-256 with the
-- server secret), never as addresses, and rows are deleted once they no longer limit anyone.

-- A token bucket per client and purpose (GCRA): the moment, in Unix milliseconds, at which the
-- bucket will be full again. A row in the past is the same as no row.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    refilled_at_ms BIGINT NOT NULL
);

-- Each wrong password, per keyed hash of (typed name, client), counted over 15 minutes.
CREATE TABLE sign_in_failures (
    pair TEXT NOT NULL,
    failed_at_ms BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_pair ON sign_in_failures (pair, failed_at_ms);
