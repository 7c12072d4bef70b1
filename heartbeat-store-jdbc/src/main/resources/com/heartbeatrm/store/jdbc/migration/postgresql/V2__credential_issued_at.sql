-- HeartbeatRM storage schema, version 2.
-- When the credential of the agent's current generation was issued (BIGINT nanoseconds since the epoch; NULL while
-- none was, and for rows written before version 2). A resent request that issued the current generation is answered
-- with that same credential (same issue time, same expiry), so a captured request replayed later gets nothing new.
ALTER TABLE ${heartbeat_prefix}agent ADD COLUMN credential_issued_at BIGINT;
