-- HeartbeatRM storage schema, version 7: each agent's machine fingerprint (issue 25, item 4). The stable machine
-- identifier an agent reported when it enrolled (1 to 128 of letters, digits, _ . : -), NULL when it reported none.
-- A TPM-attested enrollment from a machine whose agent was attested by another TPM (or by none) waits for approval;
-- the index serves that lookup, which runs in the enrollment's transaction.
ALTER TABLE ${heartbeat_prefix}agent ADD COLUMN machine_fingerprint VARCHAR(128);
CREATE INDEX ${heartbeat_prefix}agent_by_machine ON ${heartbeat_prefix}agent (org_id, machine_fingerprint, enrolled_at, id);
