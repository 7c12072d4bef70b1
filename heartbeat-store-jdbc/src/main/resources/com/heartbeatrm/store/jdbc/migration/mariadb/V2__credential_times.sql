-- HeartbeatRM storage schema, version 2.
-- When the credential of the agent's current generation was issued and when it expires (BIGINT nanoseconds since the
-- epoch; NULL while none was issued, and for rows written before version 2). A resent request that issued the current
-- generation is answered with that same credential (same issue time, same expiry), so a captured request replayed
-- later gets nothing new. For a row without them the server takes the agent's enrollment time and the group's
-- lifetime: never later than the first answer. Upgrade every node together: a version-1 node writes neither.
ALTER TABLE ${heartbeat_prefix}agent ADD COLUMN credential_issued_at BIGINT;
ALTER TABLE ${heartbeat_prefix}agent ADD COLUMN credential_expires_at BIGINT;
