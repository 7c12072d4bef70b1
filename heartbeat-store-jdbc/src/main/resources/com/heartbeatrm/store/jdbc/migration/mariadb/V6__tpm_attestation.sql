-- HeartbeatRM storage schema, version 6: TPM 2.0-attested enrollment (issue 25). Each organization's trust anchors:
-- the TPM manufacturer CAs it trusts (the certificate's DER, base64, at most 16 KiB; named by the SHA-256 of that DER)
-- and the endorsement keys it trusts by themselves (named by the SHA-256 of their SubjectPublicKeyInfo DER). An agent
-- that enrolled with attestation keeps what was verified: its TPM's endorsement key hash, what trusted it (a CA's
-- fingerprint or 'allow-list') and when; all three NULL for an agent enrolled without.
CREATE TABLE ${heartbeat_prefix}attestation_ca (
    org_id      VARCHAR(30)  NOT NULL,
    fingerprint CHAR(64)     NOT NULL,
    certificate TEXT NOT NULL,
    added_at    BIGINT       NOT NULL,
    added_by    VARCHAR(800) NOT NULL,
    PRIMARY KEY (org_id, fingerprint),
    CONSTRAINT ${heartbeat_prefix}attestation_ca_org FOREIGN KEY (org_id) REFERENCES ${heartbeat_prefix}organization (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE ${heartbeat_prefix}endorsement_key (
    org_id   VARCHAR(30)  NOT NULL,
    sha256   CHAR(64)     NOT NULL,
    label    VARCHAR(400) NOT NULL,
    added_at BIGINT       NOT NULL,
    added_by VARCHAR(800) NOT NULL,
    PRIMARY KEY (org_id, sha256),
    CONSTRAINT ${heartbeat_prefix}endorsement_key_org FOREIGN KEY (org_id) REFERENCES ${heartbeat_prefix}organization (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ${heartbeat_prefix}endorsement_key_added ON ${heartbeat_prefix}endorsement_key (org_id, added_at, sha256);

ALTER TABLE ${heartbeat_prefix}agent ADD COLUMN ek_sha256 CHAR(64);
ALTER TABLE ${heartbeat_prefix}agent ADD COLUMN attested_by VARCHAR(64);
ALTER TABLE ${heartbeat_prefix}agent ADD COLUMN attested_at BIGINT;
