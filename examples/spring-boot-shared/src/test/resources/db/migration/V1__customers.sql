-- The host application's own table, migrated by the host's own Flyway (flyway_schema_history) in the same schema as
-- HeartbeatRM's tables (hb_schema_history).
CREATE TABLE customers (
    id BIGSERIAL PRIMARY KEY,
    name VARCHAR(200) NOT NULL UNIQUE,
    heartbeat_org VARCHAR(64) NOT NULL
);
