package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.EnrollmentClaims;
import com.heartbeatrm.agent.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.TokenException;
import com.heartbeatrm.agent.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Server-side token verification: the signature against the deployment's current and retired issuer keys
 * (looked up on every call, so a removed key stops verifying at once, on every node), the issuer, then the
 * token's record (known, not revoked) and its access key (exists, enabled, not expired, not exhausted) as the
 * store has them now. Never throws for bad input: every outcome is a {@link TokenCheck}.
 */
public final class TokenValidator {
    private final HeartbeatStore store;
    private final String issuer;
    private final Clock clock;
    private final EnrollmentTokenVerifier verifier;

    private TokenValidator(HeartbeatStore store, IssuerKeys keys, String issuer, Clock clock) {
        this.store = store;
        this.issuer = issuer;
        this.clock = clock;
        this.verifier = EnrollmentTokenVerifier.builder(keys::publicKey).clock(clock).ed25519(BcEd25519.ISSUER_KEYS).build();
    }

    public static TokenValidator create(HeartbeatStore store, IssuerKeys keys, String issuer, Clock clock) {
        return new TokenValidator(Objects.requireNonNull(store, "store"), Objects.requireNonNull(keys, "keys"),
                Objects.requireNonNull(issuer, "issuer"), Objects.requireNonNull(clock, "clock"));
    }

    public TokenCheck check(String token) {
        VerifiedEnrollmentToken verified;
        try {
            verified = verifier.verify(token);
        } catch (TokenException e) {
            return new TokenCheck.Refused(map(e.reason()), e.getMessage(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        EnrollmentClaims c = verified.claims();
        Optional<String> ins = Optional.of(c.tokenId());
        Optional<String> kid = Optional.of(c.accessKeyId());
        Optional<String> orgId = Optional.of(c.organizationId());
        if (!c.issuer().equals(issuer)) {
            return new TokenCheck.Refused(TokenRefusal.WRONG_ISSUER, "token names another issuer", ins, kid, orgId);
        }
        OrganizationId org = OrganizationId.parse(c.organizationId());
        Optional<InstallerRecord> record = store.installers().find(org, InstallerId.parse(c.tokenId()));
        if (record.isEmpty() || !record.get().accessKeyId().value().equals(c.accessKeyId())
                || !record.get().signingKeyId().equals(verified.signingKeyId())) {
            return new TokenCheck.Refused(TokenRefusal.TOKEN_UNKNOWN, "no record of installer " + c.tokenId(), ins, kid, orgId);
        }
        if (record.get().isRevoked()) {
            return new TokenCheck.Refused(TokenRefusal.TOKEN_REVOKED, "installer " + c.tokenId() + " was revoked", ins, kid, orgId);
        }
        Optional<AccessKey> key = store.accessKeys().find(org, AccessKeyId.parse(c.accessKeyId()));
        if (key.isEmpty()) {
            return new TokenCheck.Refused(TokenRefusal.KEY_NOT_FOUND, "access key " + c.accessKeyId() + " does not exist", ins, kid, orgId);
        }
        AccessKeyStatus status = key.get().status(clock.instant());
        if (status != AccessKeyStatus.ENABLED) {
            TokenRefusal r = switch (status) {
                case DISABLED -> TokenRefusal.KEY_DISABLED;
                case EXPIRED -> TokenRefusal.KEY_EXPIRED;
                default -> TokenRefusal.KEY_EXHAUSTED;
            };
            return new TokenCheck.Refused(r, "access key " + c.accessKeyId() + " is " + status, ins, kid, orgId);
        }
        return new TokenCheck.Valid(verified, key.get(), record.get());
    }

    private static TokenRefusal map(TokenException.Reason r) {
        return switch (r) {
            case MALFORMED -> TokenRefusal.MALFORMED;
            case WRONG_VERSION_OR_PURPOSE -> TokenRefusal.WRONG_VERSION_OR_PURPOSE;
            case NON_CANONICAL_ENCODING -> TokenRefusal.NON_CANONICAL_ENCODING;
            case OVERSIZED -> TokenRefusal.OVERSIZED;
            case UNKNOWN_SIGNING_KEY -> TokenRefusal.UNKNOWN_SIGNING_KEY;
            case BAD_SIGNATURE -> TokenRefusal.BAD_SIGNATURE;
            case EXPIRED -> TokenRefusal.TOKEN_EXPIRED;
            case NOT_YET_VALID -> TokenRefusal.NOT_YET_VALID;
            case DUPLICATE_JSON_KEY -> TokenRefusal.DUPLICATE_JSON_KEY;
            case INVALID_CLAIMS -> TokenRefusal.INVALID_CLAIMS;
        };
    }
}
