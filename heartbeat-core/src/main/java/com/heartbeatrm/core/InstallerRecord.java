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
 * @param id the installer's public id, also the token's id
 * @param organizationId the organization it enrolls into
 * @param accessKeyId the access key its token names
 * @param signingKeyId the id of the server signing key that signed the token ({@code hbs_} and 22 characters)
 * @param issuedAt when it was issued
 * @param issuedBy who issued it
 * @param expiresAt when its token stops enrolling, or empty for never
 * @param platform the platform it was packed for, if any
 * @param format what the token was issued as: {@code token} (bare, for a host that embeds it itself), or the
 *               installer format it was packed into ({@code zip}, {@code pe}, {@code msi}, {@code script}, {@code deb},
 *               {@code trailer}). A packed installer's record is stored only once its file was produced.
 * @param base   digest of the base installer, for a packed installer
 * @param output digest of the packed installer, for a packed installer
 * @param revoked who revoked it and when, or empty
 * @param maxUses  how many computers may enroll with it ({@code 1}: a single-use download link, one computer), or
 *                 empty for no limit of its own (its access key's still applies)
 * @param useCount how many computers enrolled with it, counted only for an installer with {@code maxUses}, in the
 *                 enrollment's own transaction (a retry of the same computer counts nothing)
 * @param version the optimistic-locking version, not negative
 */
public record InstallerRecord(InstallerId id, OrganizationId organizationId, AccessKeyId accessKeyId, String signingKeyId,
        Instant issuedAt, Actor issuedBy, Optional<Instant> expiresAt, Optional<Platform> platform, String format,
        Optional<ArtifactDigest> base, Optional<ArtifactDigest> output, Optional<Revocation> revoked, OptionalLong maxUses, long useCount, long version) {
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9-]{1,16}");
    private static final Pattern KID = Pattern.compile("hbs_[A-Za-z0-9_-]{22}");

    /**
     * Validates the components.
     *
     * @param id the installer's public id, also the token's id
     * @param organizationId the organization it enrolls into
     * @param accessKeyId the access key its token names
     * @param signingKeyId the id of the server signing key that signed the token ({@code hbs_} and 22 characters)
     * @param issuedAt when it was issued
     * @param issuedBy who issued it
     * @param expiresAt when its token stops enrolling, or empty for never
     * @param platform the platform it was packed for, if any
     * @param format what the token was issued as: {@code token} (bare, for a host that embeds it itself), or the
     *               installer format it was packed into ({@code zip}, {@code pe}, {@code msi}, {@code script}, {@code deb},
     *               {@code trailer}). A packed installer's record is stored only once its file was produced.
     * @param base   digest of the base installer, for a packed installer
     * @param output digest of the packed installer, for a packed installer
     * @param revoked who revoked it and when, or empty
     * @param maxUses  how many computers may enroll with it ({@code 1}: a single-use download link, one computer), or
     *                 empty for no limit of its own (its access key's still applies)
     * @param useCount how many computers enrolled with it, counted only for an installer with {@code maxUses}, in the
     *                 enrollment's own transaction (a retry of the same computer counts nothing)
     * @param version the optimistic-locking version, not negative
     * @throws InvalidInputException when the signing key id or format is malformed, the digests do not match the
     *         format (both for a packed installer, neither for {@code token}), or a count is out of range
     */
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

    /**
     * Whether an admin revoked it: its token no longer enrolls.
     *
     * @return true when {@code revoked} is present
     */
    public boolean isRevoked() {
        return revoked.isPresent();
    }

    /**
     * Whether it has a use limit and has reached it: it admits no further computer (a retry of one it admitted still works).
     *
     * @return true when exhausted
     */
    public boolean isExhausted() {
        return maxUses.isPresent() && useCount >= maxUses.getAsLong();
    }

    /**
     * A copy marked revoked; the version is kept (the store bumps it on update).
     *
     * @param r who revoked it and when
     * @return the changed copy
     */
    public InstallerRecord withRevoked(Revocation r) {
        return new InstallerRecord(id, organizationId, accessKeyId, signingKeyId, issuedAt, issuedBy, expiresAt, platform,
                format, base, output, Optional.of(r), maxUses, useCount, version);
    }

    /**
     * The copy with its use count set (only for an installer with a use limit).
     *
     * @param count the new count, from 0 to {@code maxUses}
     * @return the changed copy
     */
    public InstallerRecord withUseCount(long count) {
        return new InstallerRecord(id, organizationId, accessKeyId, signingKeyId, issuedAt, issuedBy, expiresAt, platform,
                format, base, output, revoked, maxUses, count, version);
    }

    /**
     * A copy with another version; stores call this when they persist a change.
     *
     * @param v the stored row's version, not negative
     * @return the copy
     */
    public InstallerRecord withVersion(long v) {
        return new InstallerRecord(id, organizationId, accessKeyId, signingKeyId, issuedAt, issuedBy, expiresAt, platform,
                format, base, output, revoked, maxUses, useCount, v);
    }
}
