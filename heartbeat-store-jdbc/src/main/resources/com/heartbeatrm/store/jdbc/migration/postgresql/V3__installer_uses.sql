-- HeartbeatRM storage schema, version 3.
-- An installer's own use limit (1 for a single-use download link: one computer) and how many computers used it.
-- Only an installer with a limit is counted, by a conditional UPDATE in the enrollment's transaction (its row lock
-- queues concurrent enrollments of that installer), so the count never passes the limit; NULL: no limit of its own.
ALTER TABLE ${heartbeat_prefix}installer ADD COLUMN max_uses BIGINT;
ALTER TABLE ${heartbeat_prefix}installer ADD COLUMN use_count BIGINT DEFAULT 0 NOT NULL;
