-- HeartbeatRM storage schema, version 5: the algorithm of each agent's key (issue 25). An agent enrolled before
-- agents could hold ECDSA P-256 keys has an Ed25519 key; a renewal must prove possession with a key of this algorithm,
-- and the admin API and `agents list` show it. The value is the protocol's name: 'ed25519' or 'ecdsa-p256'.
ALTER TABLE ${heartbeat_prefix}agent ADD COLUMN key_algorithm VARCHAR(16) DEFAULT 'ed25519' NOT NULL;
