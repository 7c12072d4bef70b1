package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
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
import com.heartbeatrm.enrollment.internal.BcEd25519;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.PackResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Installers: each one an enrollment token, signed by the active signing key, naming an access key, the
 * organization, the enrollment service's base URLs and TLS pins, embedded into a base installer file. The store
 * keeps a record of each (its id, key, format and digests, and a revocation), never the token.
 *
 * <p>A packed installer's record is written only once its file was really produced: {@link #issue(Actor,
 * OrganizationId, AccessKeyId, InstallerRequest, BaseInstaller, Path)} packs first and records after, so a base
 * that cannot be tagged, or a write that fails, leaves no record behind. Thread-safe.
 */
public final class Installers {
    private final HeartbeatStore store;
    private final HeartbeatAdmin admin;
    private final SigningKeys keys;
    private final String issuer;
    private final List<URI> defaultEndpoints;
    private final Supplier<List<String>> defaultPins;
    private final Clock clock;
    private final EnrollmentTokenVerifier verifier;

    Installers(HeartbeatStore store, HeartbeatAdmin admin, SigningKeys keys, String issuer, List<URI> defaultEndpoints,
            Supplier<List<String>> defaultPins, Clock clock) {
        this.store = store;
        this.admin = admin;
        this.keys = keys;
        this.issuer = issuer;
        this.defaultEndpoints = defaultEndpoints;
        this.defaultPins = defaultPins;
        this.clock = clock;
        this.verifier = EnrollmentTokenVerifier.builder(keys::publicKey).clock(clock).ed25519(BcEd25519.ISSUER_KEYS).build();
    }

    /**
     * The deployment name every token carries ({@code iss}); an enrollment refuses a token naming another.
     *
     * @return the issuer this server was built with
     */
    public String issuer() {
        return issuer;
    }

    /** A token signed and ready, not yet recorded. */
    private record Prepared(InstallerId id, OrganizationId org, AccessKey key, String signingKeyId, Instant now, Actor actor,
            EnrollmentClaims claims, EnrollmentToken token, boolean singleUse) {
    }

    /**
     * Issues a bare token (recorded with format {@code token}), for a host that embeds it in its own way. Refused
     * with {@link AccessKeyNotUsableException} for a disabled, expired or exhausted key and {@link NotFoundException}
     * for a deleted one. A token never outlives its key; a platform must be one the key and its group allow.
     *
     * @param actor who issues it, for the audit event
     * @param org the key's organization
     * @param key the access key the token enrolls with
     * @param request the installer's options ({@link InstallerRequest#DEFAULTS} for none)
     * @return the recorded installer and its token (a secret: hand it only to the one who asked)
     */
    public IssuedToken issueToken(Actor actor, OrganizationId org, AccessKeyId key, InstallerRequest request) {
        Prepared p = prepare(actor, org, key, request);
        return new IssuedToken(record(p, "token", Optional.empty(), Optional.empty()), p.token);
    }

    /**
     * Issues an installer and streams it to {@code out} (e.g. an HTTP response): the token packed into {@code base}.
     * The record is written after the last byte. If writing the record fails, the caller has sent an installer
     * whose token is unknown to the store, which every enrollment refuses ({@link DenialReason#TOKEN_UNKNOWN}):
     * abort the response so the receiver sees it incomplete.
     *
     * @param actor who issues it, for the audit event
     * @param org the key's organization
     * @param key the access key the token enrolls with
     * @param request the installer's options ({@link InstallerRequest#DEFAULTS} for none)
     * @param base the installer to pack the token into
     * @param out where the installer goes; not closed
     * @return the installer's record, with the digests of the base and of what was written
     * @throws InstallerException when the base cannot take a token (its format, its size)
     */
    public InstallerRecord issue(Actor actor, OrganizationId org, AccessKeyId key, InstallerRequest request, BaseInstaller base,
            OutputStream out) throws InstallerException {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(out, "out");
        Prepared p = prepare(actor, org, key, request);
        return packed(p, base.writeTo(p.token, out));
    }

    /**
     * Issues an installer into {@code out}, a new path or a regular file it replaces (written to a temporary file
     * and moved into place, keeping the base file's mode minus group and other write). The record is written once
     * the file is in place; if that fails, the file is removed.
     *
     * @param actor who issues it, for the audit event
     * @param org the key's organization
     * @param key the access key the token enrolls with
     * @param request the installer's options ({@link InstallerRequest#DEFAULTS} for none)
     * @param base the installer to pack the token into
     * @param out the file to write; its parent directory must exist
     * @return the installer's record, with the digests of the base and of the file
     * @throws InstallerException when the base cannot take a token (its format, its size)
     */
    public InstallerRecord issue(Actor actor, OrganizationId org, AccessKeyId key, InstallerRequest request, BaseInstaller base,
            Path out) throws InstallerException {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(out, "out");
        Prepared p = prepare(actor, org, key, request);
        PackResult packed = base.writeTo(p.token, out);
        try {
            return packed(p, packed);
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // the failure that matters is the one being thrown
            }
            throw e;
        }
    }

    private InstallerRecord packed(Prepared p, PackResult packed) {
        return record(p, packed.format().recordName(), Optional.of(new ArtifactDigest(packed.baseSha256(), packed.baseSize())),
                Optional.of(new ArtifactDigest(packed.outputSha256(), packed.outputSize())));
    }

    private Prepared prepare(Actor actor, OrganizationId org, AccessKeyId keyId, InstallerRequest request) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(request, "request");
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
        if (request.singleUse() && expiresAt.get().isAfter(now.plus(InstallerRequest.SINGLE_USE_MAX_EXPIRY))) {
            throw new InvalidInputException("expiresAt", "a single-use installer expires within " + InstallerRequest.SINGLE_USE_MAX_EXPIRY.toDays()
                    + " days");
        }
        if (key.expiresAt().isPresent()) {
            if (expiresAt.isPresent() && expiresAt.get().isAfter(key.expiresAt().get())) {
                throw new InvalidInputException("expiresAt", "an installer cannot outlive its access key (" + key.expiresAt().get() + ")");
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
        SigningKeys.ActiveKey signing = keys.active();
        InstallerId id = InstallerId.random();
        List<URI> endpoints = request.endpoints().isEmpty() ? defaultEndpoints : request.endpoints();
        if (endpoints.isEmpty()) {
            throw new InvalidInputException("endpoints", "no base URL to name: configure the server's endpoints or give the request some");
        }
        List<String> pins = request.tlsPins().orElseGet(defaultPins);
        EnrollmentClaims claims = new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, issuer, org.value(), keyId.value(), id.value(), now,
                expiresAt, endpoints, pins, request.platform().map(Platform::wireName));
        EnrollmentToken token = EnrollmentToken.sign(claims, signing.keyId, signing::sign);
        return new Prepared(id, org, key, signing.keyId, now, actor, claims, token, request.singleUse());
    }

    private InstallerRecord record(Prepared p, String format, Optional<ArtifactDigest> base, Optional<ArtifactDigest> output) {
        InstallerRecord record = new InstallerRecord(p.id, p.org, p.key.id(), p.signingKeyId, p.now, p.actor, p.claims.expiresAt(),
                p.claims.platform().map(Platform::parse), format, base, output, Optional.empty(),
                p.singleUse ? OptionalLong.of(1) : OptionalLong.empty(), 0, 0);
        Map<String, String> after = new LinkedHashMap<>();
        after.put("key", p.key.id().value());
        after.put("signingKey", p.signingKeyId);
        after.put("format", format);
        p.claims.expiresAt().ifPresent(e -> after.put("expiresAt", e.toString()));
        p.claims.platform().ifPresent(pl -> after.put("platform", pl));
        after.put("endpoints", p.claims.endpoints().toString());
        after.put("pins", Integer.toString(p.claims.tlsPins().size()));
        if (p.singleUse) {
            after.put("maxUses", "1");
        }
        base.ifPresent(b -> after.put("baseSha256", b.sha256()));
        output.ifPresent(o -> {
            after.put("outputSha256", o.sha256());
            after.put("outputSize", Long.toString(o.size()));
        });
        store.installers().insert(record, AuditEvent.of(p.now, p.org, p.actor, AuditAction.INSTALLER_ISSUED, Subject.of(p.id), Map.of(), after));
        return record;
    }

    /**
     * Revokes one installer: its token is refused from now on; the key and every other installer keep working.
     * Revoking a revoked installer changes nothing and writes no audit event.
     *
     * @param actor who revokes it, for the audit event
     * @param org the installer's organization
     * @param id the installer
     * @param reason the admin's words, at most 500 characters; blank for "no reason given"
     * @return the installer as it is now
     * @throws NotFoundException when the organization has no such installer
     */
    public InstallerRecord revoke(Actor actor, OrganizationId org, InstallerId id, String reason) {
        Objects.requireNonNull(actor, "actor");
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

    /**
     * One installer's record, read from the store now.
     *
     * @param org the organization
     * @param id the installer
     * @return the record, revoked or not; empty when the organization has none with this id (or it was swept)
     */
    public Optional<InstallerRecord> find(OrganizationId org, InstallerId id) {
        return store.installers().find(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(id, "installer"));
    }

    /**
     * One installer's record, which must exist.
     *
     * @param org the organization
     * @param id the installer
     * @return the record, revoked or not
     * @throws NotFoundException when the organization has no such installer
     */
    public InstallerRecord require(OrganizationId org, InstallerId id) {
        return find(org, id).orElseThrow(() -> new NotFoundException("installer", id.value()));
    }

    /**
     * The organization's installers, oldest first.
     *
     * @param org the organization
     * @param page where to start and how many
     * @return one page, with the cursor of the next when there is one
     */
    public Page<InstallerRecord> list(OrganizationId org, PageRequest page) {
        return store.installers().list(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(page, "page"));
    }

    /**
     * The installers issued for one key, oldest first.
     *
     * @param org the key's organization
     * @param key the access key
     * @param page where to start and how many
     * @return one page, with the cursor of the next when there is one
     */
    public Page<InstallerRecord> listByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
        return store.installers().listByKey(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(page, "page"));
    }

    /**
     * Checks a token as an enrollment would, without enrolling: the signature against the signing keys the store
     * has now, the issuer, the installer record (known, not revoked) and its access key (exists, enabled, not
     * expired, not exhausted). Never throws for bad input.
     *
     * @param token the token as an installer carries it
     * @return valid, with its claims, or denied with the reason an enrollment would give
     */
    public TokenCheck check(EnrollmentToken token) {
        VerifiedEnrollmentToken verified;
        try {
            verified = verifier.verify(Objects.requireNonNull(token, "token"));
        } catch (TokenException e) {
            return new TokenCheck.Denied(DenialReason.of(e.reason()), Objects.requireNonNullElse(e.getMessage(), "token refused"), Optional.empty());
        }
        EnrollmentClaims c = verified.claims();
        Optional<EnrollmentClaims> named = Optional.of(c);
        InstallerId installer = InstallerId.parse(c.installerId());
        AccessKeyId keyId = AccessKeyId.parse(c.accessKeyId());
        OrganizationId org = OrganizationId.parse(c.organizationId());
        if (!c.issuer().equals(issuer)) {
            return new TokenCheck.Denied(DenialReason.WRONG_ISSUER, "token names another issuer", named);
        }
        Optional<InstallerRecord> record = store.installers().find(org, installer);
        if (record.isEmpty() || !record.get().accessKeyId().equals(keyId) || !record.get().signingKeyId().equals(verified.signingKeyId())) {
            return new TokenCheck.Denied(DenialReason.TOKEN_UNKNOWN, "no record of installer " + installer, named);
        }
        if (record.get().isRevoked()) {
            return new TokenCheck.Denied(DenialReason.TOKEN_REVOKED, "installer " + installer + " was revoked", named);
        }
        if (record.get().isExhausted()) {
            return new TokenCheck.Denied(DenialReason.INSTALLER_USED, "installer " + installer + " was used", named);
        }
        Optional<AccessKey> key = store.accessKeys().find(org, keyId);
        if (key.isEmpty()) {
            return new TokenCheck.Denied(DenialReason.KEY_NOT_FOUND, "access key " + keyId + " does not exist", named);
        }
        Optional<DenialReason> unusable = EnrollmentPipeline.keyRefusal(key.get().status(clock.instant()));
        if (unusable.isPresent()) {
            return new TokenCheck.Denied(unusable.get(), "access key " + keyId + " is " + key.get().status(clock.instant()), named);
        }
        return new TokenCheck.Valid(verified, key.get(), record.get());
    }
}
