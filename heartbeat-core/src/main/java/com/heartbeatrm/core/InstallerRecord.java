package com.heartbeatrm.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The record of one issued enrollment token, i.e. one installer. The token text itself is never stored: it can
 * be verified from its signature, and a leaked record admits nobody.
 *
 * @param format what the token was issued as: {@code token} (bare, for a host that embeds it itself), or the
 *               installer format it was packed into ({@code zip}, {@code pe}, {@code msi}, {@code script}, {@code deb},
 *               {@code trailer}). A packed installer's record is stored only once its file was produced.
 * @param base   digest of the base installer, for a packed installer
 * @param output digest of the packed installer, for a packed installer
 * @param maxUses  how many computers may enroll with it ({@code 1}: a single-use download link, one computer), or
 *                 empty for no limit of its own (its access key's still applies)
 * @param useCount how many computers enrolled with it, counted only for an installer with {@code maxUses}, in the
 *                 enrollment's own transaction (a retry of the same computer counts nothing)
 */
public record InstallerRecord(InstallerId id, OrganizationId organizationId, AccessKeyId accessKeyId, String signingKeyId,
        Instant issuedAt, Actor issuedBy, Optional<Instant> expiresAt, Optional<Platform> platform, String format,
        Optional<ArtifactDigest> base, Optional<ArtifactDigest> output, Optional<Revocation> revoked, OptionalLong maxUses, long useCount, long version) {
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9-]{1,16}");
    private static final Pattern KID = Pattern.compile("hbs_[A-Za-z0-9_-]{22}");

    public InstallerRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        if (signingKeyId == null || !KID.matcher(signingKeyId).matches()) {
            throw new InvalidInputException("signingKeyId", "malformed");
        }
        Timestamps.check("issuedAt", issuedAt);
        Objects.requireNonNull(issuedBy, "issuedBy");
        Objects.requireNonNull(expiresAt, "expiresAt").ifPresent(t -> Timestamps.check("expiresAt", t));
        Objects.requireNonNull(platform, "platform");
        if (format == null || !FORMAT.matcher(format).matches()) {
            throw new InvalidInputException("format", "must be 1 to 16 of a-z, 0-9, -");
        }
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(output, "output");
        if (base.isPresent() != output.isPresent() || base.isPresent() == format.equals("token")) {
            throw new InvalidInputException("format", "a packed installer has both digests; a bare token has neither");
        }
        Objects.requireNonNull(revoked, "revoked");
        Objects.requireNonNull(maxUses, "maxUses");
        if (maxUses.isPresent() && maxUses.getAsLong() <= 0) {
            throw new InvalidInputException("maxUses", "must be positive, got " + maxUses.getAsLong());
        }
        if (useCount < 0 || (maxUses.isPresent() && useCount > maxUses.getAsLong())) {
            throw new InvalidInputException("useCount", "must be between 0 and maxUses");
        }
        if (version < 0) {
            throw new InvalidInputException("version", "must not be negative");
        }
    }

    public boolean isRevoked() {
        return revoked.isPresent();
    }

    /** Whether it has a use limit and has reached it: it admits no further computer (a retry of one it admitted still works). */
    public boolean isExhausted() {
        return maxUses.isPresent() && useCount >= maxUses.getAsLong();
    }

    public InstallerRecord withRevoked(Revocation r) {
        return new InstallerRecord(id, organizationId, accessKeyId, signingKeyId, issuedAt, issuedBy, expiresAt, platform,
                format, base, output, Optional.of(r), maxUses, useCount, version);
    }

    /** One more use counted (only for an installer with a use limit). */
    public InstallerRecord withUseCount(long count) {
        return new InstallerRecord(id, organizationId, accessKeyId, signingKeyId, issuedAt, issuedBy, expiresAt, platform,
                format, base, output, revoked, maxUses, count, version);
    }

    public InstallerRecord withVersion(long v) {
        return new InstallerRecord(id, organizationId, accessKeyId, signingKeyId, issuedAt, issuedBy, expiresAt, platform,
                format, base, output, revoked, maxUses, useCount, v);
    }
}
