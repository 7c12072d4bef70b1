package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.EnrollmentClaims;
import com.heartbeatrm.agent.EnrollmentToken;
import com.heartbeatrm.agent.internal.EnrollmentTokenCodec;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeyNotUsableException;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Revocation;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.HeartbeatStore;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues enrollment tokens for access keys, records each one (an installer), and revokes them one by one.
 * A token names the key, the organization and the enrollment endpoints and is signed by the active issuer key;
 * the token itself is never stored. Thread-safe.
 */
public final class EnrollmentTokens {
    private final HeartbeatStore store;
    private final HeartbeatAdmin admin;
    private final IssuerKeys keys;
    private final String issuer;
    private final List<URI> defaultEndpoints;
    private final Clock clock;

    private EnrollmentTokens(Builder b) {
        this.store = b.store;
        this.keys = b.keys;
        this.issuer = b.issuer;
        this.defaultEndpoints = b.defaultEndpoints;
        this.clock = b.clock;
        this.admin = HeartbeatAdmin.builder().store(b.store).clock(b.clock).build();
    }

    /**
     * @param issuer           names this deployment in every token, e.g. its public URL
     * @param defaultEndpoints enrollment URLs embedded when a request names none
     */
    public static Builder builder(HeartbeatStore store, IssuerKeys keys, String issuer, List<URI> defaultEndpoints) {
        return new Builder(store, keys, issuer, defaultEndpoints);
    }

    public String issuer() {
        return issuer;
    }

    /**
     * Issues a token for a key. Refused with {@link AccessKeyNotUsableException} for a disabled, expired or
     * exhausted key and {@link NotFoundException} for a deleted one. A token never outlives its key; a platform
     * must be one the key and its group allow.
     */
    public IssuedToken issue(Actor actor, OrganizationId org, AccessKeyId keyId, TokenRequest request) {
        Objects.requireNonNull(request, "request");
        if (actor == null) {
            throw new InvalidInputException("actor", "must not be null");
        }
        AccessKey key = admin.accessKeys().require(org, keyId);
        Instant now = clock.instant();
        AccessKeyStatus status = key.status(now);
        if (status != AccessKeyStatus.ENABLED) {
            throw new AccessKeyNotUsableException(keyId, status);
        }
        Optional<Instant> expiresAt = request.expiresAt(now);
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
            throw new InvalidInputException("expiresAt", "must be in the future");
        }
        if (key.expiresAt().isPresent()) {
            if (expiresAt.isPresent() && expiresAt.get().isAfter(key.expiresAt().get())) {
                throw new InvalidInputException("expiresAt", "a token cannot outlive its access key (" + key.expiresAt().get() + ")");
            }
            expiresAt = expiresAt.isPresent() ? expiresAt : key.expiresAt();
        }
        if (request.platform().isPresent()) {
            Platform p = request.platform().get();
            EffectiveSettings eff = admin.groups().effectiveSettings(org, key.groupId());
            if (!eff.allowedPlatforms().allows(p) || !key.restrictions().platforms().map(s -> s.allows(p)).orElse(true)) {
                throw new InvalidInputException("platform", p.wireName() + " is not allowed for this key's group or the key");
            }
        }
        IssuerKeys.ActiveKey signing = keys.active();
        InstallerId id = InstallerId.random();
        List<URI> endpoints = request.endpoints().isEmpty() ? defaultEndpoints : request.endpoints();
        EnrollmentClaims claims = new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, issuer, org.value(), keyId.value(),
                id.value(), now, expiresAt, endpoints, request.tlsPins(), request.platform().map(Platform::wireName));
        EnrollmentToken token = EnrollmentToken.of(EnrollmentTokenCodec.encode(claims, signing.keyId, signing::sign));
        InstallerRecord record = new InstallerRecord(id, org, keyId, signing.keyId, now, actor, expiresAt, request.platform(),
                "token", Optional.empty(), Optional.empty(), Optional.empty(), 0);
        Map<String, String> after = new LinkedHashMap<>();
        after.put("key", keyId.value());
        after.put("signingKey", signing.keyId);
        expiresAt.ifPresent(e -> after.put("expiresAt", e.toString()));
        request.platform().ifPresent(p -> after.put("platform", p.wireName()));
        after.put("endpoints", endpoints.toString());
        store.installers().insert(record, AuditEvent.of(now, org, actor, AuditAction.INSTALLER_ISSUED, Subject.of(id), Map.of(), after));
        return new IssuedToken(record, token);
    }

    /** Revokes one installer's token; the key and every other installer keep working. */
    public InstallerRecord revoke(Actor actor, OrganizationId org, InstallerId id, String reason) {
        InstallerRecord current = require(org, id);
        if (current.isRevoked()) {
            return current;
        }
        Instant now = clock.instant();
        Revocation r = new Revocation(now, actor, reason);
        return store.installers().update(current.withRevoked(r), current.version(), AuditEvent.of(now, org, actor,
                AuditAction.INSTALLER_REVOKED, Subject.of(id), Map.of("revoked", "false"),
                Map.of("revoked", "true", "reason", r.reason(), "key", current.accessKeyId().value())));
    }

    /** Records what the installer packer produced for a token: the format and the base and output digests. */
    public InstallerRecord recordArtifacts(Actor actor, OrganizationId org, InstallerId id, String format, ArtifactDigest base,
            ArtifactDigest output) {
        InstallerRecord current = require(org, id);
        InstallerRecord changed = current.withArtifacts(format, base, output);
        return store.installers().update(changed, current.version(), AuditEvent.of(clock.instant(), org, actor,
                AuditAction.INSTALLER_ISSUED, Subject.of(id), Map.of("format", current.format()),
                Map.of("format", format, "baseSha256", base.sha256(), "outputSha256", output.sha256(),
                        "outputSize", Long.toString(output.size()))));
    }

    public Optional<InstallerRecord> find(OrganizationId org, InstallerId id) {
        return store.installers().find(org, id);
    }

    public InstallerRecord require(OrganizationId org, InstallerId id) {
        return find(org, id).orElseThrow(() -> new NotFoundException("installer", id.value()));
    }

    public Page<InstallerRecord> list(OrganizationId org, PageRequest page) {
        return store.installers().list(org, page);
    }

    public Page<InstallerRecord> listByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
        return store.installers().listByKey(org, key, page);
    }

    public static final class Builder {
        private final HeartbeatStore store;
        private final IssuerKeys keys;
        private final String issuer;
        private final List<URI> defaultEndpoints;
        private Clock clock = Clock.systemUTC();

        private Builder(HeartbeatStore store, IssuerKeys keys, String issuer, List<URI> defaultEndpoints) {
            this.store = Objects.requireNonNull(store, "store");
            this.keys = Objects.requireNonNull(keys, "keys");
            if (issuer == null || !issuer.matches("[\\x21-\\x7e]{1,200}")) {
                throw new InvalidInputException("issuer", "1 to 200 printable ASCII characters without spaces");
            }
            this.issuer = issuer;
            this.defaultEndpoints = TokenRequest.builder().endpoints(defaultEndpoints).build().endpoints();
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public EnrollmentTokens build() {
            return new EnrollmentTokens(this);
        }
    }
}
