-- HeartbeatRM storage schema, version 8 (PostgreSQL): fewer index entries per enrollment and per audit event, every
-- query still served by an index. An enrollment wrote 14 index entries (8 for its agent, 4 for its audit event, 2 for
-- its nonce); inserting them was a fifth of the database's time under load on one key (BENCHMARKS.md, turn 11).
--
-- 1. Audit events: every query names the organization, so the primary key is (org_id, seq), which also serves the
--    organization's pages in sequence order: the seq-only key and the (org_id, seq) index of version 1 go. The
--    sequence still numbers events uniquely. Building the key reads the table once while every read and write of
--    hb_audit waits (an exclusive lock: at a million events, seconds), and enrollments write audit events: on a large
--    table run this version in a quiet hour.
ALTER TABLE ${heartbeat_prefix}audit DROP CONSTRAINT ${heartbeat_prefix}audit_pkey;
DROP INDEX ${heartbeat_prefix}audit_org;
ALTER TABLE ${heartbeat_prefix}audit ADD CONSTRAINT ${heartbeat_prefix}audit_pkey PRIMARY KEY (org_id, seq);
-- 2. The machine lookup (version 7) names a fingerprint, so agents that reported none (the default agent reports
--    none) need no entry in its index.
DROP INDEX ${heartbeat_prefix}agent_by_machine;
CREATE INDEX ${heartbeat_prefix}agent_by_machine ON ${heartbeat_prefix}agent (org_id, machine_fingerprint, enrolled_at, id)
    WHERE machine_fingerprint IS NOT NULL;
