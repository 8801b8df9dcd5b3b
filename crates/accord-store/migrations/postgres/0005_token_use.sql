-- When each API token was last used (to the minute), for its owner's list;
-- and indexes for housekeeping, which now deletes idempotency answers after
-- 24 hours and browsers not seen for 90 days.
-- Released migrations are never edited; add a new file instead.
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
CREATE INDEX idempotency_by_age ON idempotency (created_at);
CREATE INDEX devices_by_last_seen ON devices (last_seen);
