-- HeartbeatRM storage schema, version 1, MariaDB 10.11. Tables are utf8mb4 with binary collation: ids are case-sensitive and
-- name keys are folded by the SDK, so the database compares bytes.
-- Object names start with the placeholder ${heartbeat_prefix} (hb_ by default): JdbcHeartbeatStore.migrate sets it,
-- and so must a host's own Flyway (spring.flyway.placeholders.heartbeat_prefix=hb_). See the README's recipe.
-- Instants are BIGINT nanoseconds since the epoch (exact round trips); ids are case-sensitive ASCII.

CREATE TABLE ${heartbeat_prefix}organization (
    id            VARCHAR(30)  NOT NULL PRIMARY KEY,
    name          VARCHAR(400) NOT NULL,
    name_key      VARCHAR(400) NOT NULL,
    root_group_id VARCHAR(30)  NOT NULL,
    created_at    BIGINT       NOT NULL,
    CONSTRAINT ${heartbeat_prefix}organization_name_key UNIQUE (name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ${heartbeat_prefix}organization_created ON ${heartbeat_prefix}organization (created_at, id);

CREATE TABLE ${heartbeat_prefix}group (
    org_id     VARCHAR(30)  NOT NULL,
    id         VARCHAR(30)  NOT NULL,
    parent_id  VARCHAR(30),
    name       VARCHAR(400) NOT NULL,
    name_key   VARCHAR(400) NOT NULL,
    -- '/root/…/self/': the ids from the root down to this group; subtree = prefix match.
    path       VARCHAR(2900) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    overrides  TEXT         NOT NULL,
    locks      VARCHAR(400) NOT NULL,
    created_at BIGINT       NOT NULL,
    version    BIGINT       NOT NULL,
    PRIMARY KEY (org_id, id),
    CONSTRAINT ${heartbeat_prefix}group_org FOREIGN KEY (org_id) REFERENCES ${heartbeat_prefix}organization (id),
    CONSTRAINT ${heartbeat_prefix}group_parent FOREIGN KEY (org_id, parent_id) REFERENCES ${heartbeat_prefix}group (org_id, id),
    CONSTRAINT ${heartbeat_prefix}group_sibling_name UNIQUE (org_id, parent_id, name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ${heartbeat_prefix}group_path ON ${heartbeat_prefix}group (org_id, path);

CREATE TABLE ${heartbeat_prefix}access_key (
    org_id          VARCHAR(30)  NOT NULL,
    id              VARCHAR(30)  NOT NULL,
    name            VARCHAR(400) NOT NULL,
    group_id        VARCHAR(30)  NOT NULL,
    is_default      TINYINT(1)      NOT NULL,
    created_at      BIGINT       NOT NULL,
    created_by      VARCHAR(800) NOT NULL,
    expires_at      BIGINT,
    max_uses        BIGINT,
    use_count       BIGINT       NOT NULL,
    last_used_at    BIGINT,
    last_used_by    VARCHAR(30),
    networks        TEXT,
    platforms       VARCHAR(100),
    disabled_at     BIGINT,
    disabled_by     VARCHAR(800),
    disabled_reason VARCHAR(2000),
    version         BIGINT       NOT NULL,
    PRIMARY KEY (org_id, id),
    CONSTRAINT ${heartbeat_prefix}access_key_group FOREIGN KEY (org_id, group_id) REFERENCES ${heartbeat_prefix}group (org_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ${heartbeat_prefix}access_key_created ON ${heartbeat_prefix}access_key (org_id, created_at, id);
CREATE INDEX ${heartbeat_prefix}access_key_group ON ${heartbeat_prefix}access_key (org_id, group_id);

CREATE TABLE ${heartbeat_prefix}agent (
    org_id        VARCHAR(30)   NOT NULL,
    id            VARCHAR(30)   NOT NULL,
    group_id      VARCHAR(30)   NOT NULL,
    status        VARCHAR(16)   NOT NULL,
    enrolled_at   BIGINT        NOT NULL,
    access_key_id VARCHAR(30)   NOT NULL,
    installer_id  VARCHAR(64),
    hostname      VARCHAR(1100) NOT NULL,
    platform      VARCHAR(16)   NOT NULL,
    fingerprint   CHAR(64)      NOT NULL,
    last_seen_at  BIGINT        NOT NULL,
    -- The generation of the last credential issued (0 while pending); a renewal proving an older one locks the agent.
    credential_generation BIGINT NOT NULL,
    -- The nonce of the renewal that issued the current generation: the same renewal resent is a retry, not a clone.
    renewal_nonce VARCHAR(100),
    version       BIGINT        NOT NULL,
    PRIMARY KEY (org_id, id),
    CONSTRAINT ${heartbeat_prefix}agent_fingerprint UNIQUE (org_id, fingerprint),
    CONSTRAINT ${heartbeat_prefix}agent_group FOREIGN KEY (org_id, group_id) REFERENCES ${heartbeat_prefix}group (org_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ${heartbeat_prefix}agent_by_group ON ${heartbeat_prefix}agent (org_id, group_id, enrolled_at, id);
CREATE INDEX ${heartbeat_prefix}agent_by_key ON ${heartbeat_prefix}agent (org_id, access_key_id, enrolled_at, id);
CREATE INDEX ${heartbeat_prefix}agent_by_installer ON ${heartbeat_prefix}agent (org_id, installer_id, enrolled_at, id);
CREATE INDEX ${heartbeat_prefix}agent_by_status ON ${heartbeat_prefix}agent (org_id, status, enrolled_at, id);

CREATE TABLE ${heartbeat_prefix}installer (
    org_id         VARCHAR(30)  NOT NULL,
    id             VARCHAR(30)  NOT NULL,
    access_key_id  VARCHAR(30)  NOT NULL,
    signing_key_id VARCHAR(30)  NOT NULL,
    issued_at      BIGINT       NOT NULL,
    issued_by      VARCHAR(800) NOT NULL,
    expires_at     BIGINT,
    platform       VARCHAR(16),
    format         VARCHAR(16)  NOT NULL,
    base_sha256    CHAR(64),
    base_size      BIGINT,
    output_sha256  CHAR(64),
    output_size    BIGINT,
    revoked_at     BIGINT,
    revoked_by     VARCHAR(800),
    revoked_reason VARCHAR(2000),
    version        BIGINT       NOT NULL,
    PRIMARY KEY (org_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ${heartbeat_prefix}installer_issued ON ${heartbeat_prefix}installer (org_id, issued_at, id);
CREATE INDEX ${heartbeat_prefix}installer_by_key ON ${heartbeat_prefix}installer (org_id, access_key_id, issued_at, id);

CREATE TABLE ${heartbeat_prefix}audit (
    seq          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id       VARCHAR(30)  NOT NULL,
    at           BIGINT       NOT NULL,
    actor        VARCHAR(800) NOT NULL,
    action       VARCHAR(40)  NOT NULL,
    subject_type VARCHAR(20)  NOT NULL,
    subject_id   VARCHAR(100) NOT NULL,
    before_json  TEXT         NOT NULL,
    after_json   TEXT         NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ${heartbeat_prefix}audit_org ON ${heartbeat_prefix}audit (org_id, seq);
CREATE INDEX ${heartbeat_prefix}audit_subject ON ${heartbeat_prefix}audit (org_id, subject_type, subject_id, seq);
CREATE INDEX ${heartbeat_prefix}audit_time ON ${heartbeat_prefix}audit (org_id, at, seq);

CREATE TABLE ${heartbeat_prefix}signing_key (
    id                  VARCHAR(30)   NOT NULL PRIMARY KEY,
    public_key          VARCHAR(43)   NOT NULL,
    wrapped_private_key VARCHAR(4096) NOT NULL,
    kek_id              VARCHAR(200)  NOT NULL,
    status              VARCHAR(10)   NOT NULL,
    created_at          BIGINT        NOT NULL,
    retired_at          BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- A single row that rotations lock, so exactly one key is ever active.
CREATE TABLE ${heartbeat_prefix}signing_lock (
    id INTEGER NOT NULL PRIMARY KEY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO ${heartbeat_prefix}signing_lock (id) VALUES (1);

CREATE TABLE ${heartbeat_prefix}nonce (
    nonce      VARCHAR(200) NOT NULL PRIMARY KEY,
    expires_at BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ${heartbeat_prefix}nonce_expiry ON ${heartbeat_prefix}nonce (expires_at);

CREATE TABLE ${heartbeat_prefix}throttle (
    bucket        VARCHAR(200) NOT NULL PRIMARY KEY,
    window_start  BIGINT,
    failures      INTEGER      NOT NULL,
    blocked_until BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
