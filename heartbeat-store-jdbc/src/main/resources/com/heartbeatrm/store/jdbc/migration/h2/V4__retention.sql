-- HeartbeatRM storage schema, version 4: what the retention sweeper looks things up by.
-- The stale and ephemeral agent rules read, per group, the agents last seen before a time, least recently seen first.
-- last_seen_at is written by every enrollment, renewal and pending poll in its own transaction already; this index is
-- what makes the sweeper's page cost its size instead of a scan of the group (it costs one more index entry per renewal).
CREATE INDEX ${heartbeat_prefix}agent_by_seen ON ${heartbeat_prefix}agent (org_id, group_id, last_seen_at, id);
-- Records of revoked or expired installers are removed after a grace period; these find them without a scan.
CREATE INDEX ${heartbeat_prefix}installer_by_expiry ON ${heartbeat_prefix}installer (org_id, expires_at);
CREATE INDEX ${heartbeat_prefix}installer_by_revocation ON ${heartbeat_prefix}installer (org_id, revoked_at);
-- Audit retention deletes the oldest rows of each organization through the (org_id, at, seq) index of version 1.
