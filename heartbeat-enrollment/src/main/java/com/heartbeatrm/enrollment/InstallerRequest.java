package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Platform;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Options for one issued installer (its token); all optional: an expiry (never past the key's own), a platform (one
 * the key and its group allow), base URLs and TLS pins other than the deployment's, and single use (one computer,
 * a short expiry: {@link #SINGLE_USE_EXPIRY} unless another is given, at most {@link #SINGLE_USE_MAX_EXPIRY}). Built
 * by a validating builder.
 */
public final class InstallerRequest {
    /** No options: the key's expiry, any platform the key allows, the deployment's URLs and pins, many uses. */
    public static final InstallerRequest DEFAULTS = builder().build();
    /** A single-use installer's expiry when the request names none. */
    public static final Duration SINGLE_USE_EXPIRY = Duration.ofHours(24);
    /** The longest a single-use installer may live: it is a download link for one computer, not a standing credential. */
    public static final Duration SINGLE_USE_MAX_EXPIRY = Duration.ofDays(7);
    private final Optional<Instant> expiresAt;
    private final Optional<Duration> expiresIn;
    private final Optional<Platform> platform;
    private final List<URI> endpoints;
    private final Optional<List<String>> tlsPins;
    private final boolean singleUse;

    private InstallerRequest(Builder b) {
        this.singleUse = b.singleUse;
        this.expiresAt = Optional.ofNullable(b.expiresAt);
        this.expiresIn = Optional.ofNullable(b.expiresIn);
        this.platform = Optional.ofNullable(b.platform);
        this.endpoints = b.endpoints;
        this.tlsPins = Optional.ofNullable(b.tlsPins);
    }

    /**
     * A builder with no option set.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    Optional<Instant> expiresAt(Instant now) {
        if (singleUse && expiresAt.isEmpty() && expiresIn.isEmpty()) {
            return Optional.of(now.plus(SINGLE_USE_EXPIRY));
        }
        return expiresAt.isPresent() ? expiresAt : expiresIn.map(now::plus);
    }

    /**
     * Whether the installer admits one computer only (a retry of that computer still works).
     *
     * @return true for a single-use installer
     */
    public boolean singleUse() {
        return singleUse;
    }

    /**
     * The one platform the installer enrolls.
     *
     * @return the platform; empty: any the key and its group allow
     */
    public Optional<Platform> platform() {
        return platform;
    }

    /**
     * Endpoints overriding the deployment's default.
     *
     * @return the base URLs, in order; empty means the deployment's
     */
    public List<URI> endpoints() {
        return endpoints;
    }

    /**
     * TLS pins overriding the deployment's.
     *
     * @return the pins (possibly an empty list: no pinning); empty means the deployment's
     */
    public Optional<List<String>> tlsPins() {
        return tlsPins;
    }

    /** Builds an {@link InstallerRequest}; every setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        // Null where not given: expiresAt and expiresIn exclude each other, the last one set wins.
        private @Nullable Instant expiresAt;
        private @Nullable Duration expiresIn;
        private @Nullable Platform platform;
        private List<URI> endpoints = List.of();
        private @Nullable List<String> tlsPins;
        private boolean singleUse;

        private Builder() {
        }

        /**
         * One computer only, with a short expiry (see the class comment): a download link handed to one technician.
         *
         * @param single true for single use; false (the default) for as many uses as the key allows
         * @return this builder
         */
        public Builder singleUse(boolean single) {
            this.singleUse = single;
            return this;
        }

        /**
         * An expiry at a fixed time, instead of {@link #expiresIn}; never past the key's own (the issue refuses that).
         *
         * @param at the instant the token stops enrolling
         * @return this builder
         * @throws InvalidInputException when {@code at} is outside the range timestamps may take
         */
        public Builder expiresAt(Instant at) {
            this.expiresAt = com.heartbeatrm.core.Timestamps.check("expiresAt", at);
            this.expiresIn = null;
            return this;
        }

        /**
         * An expiry relative to the time of issue, instead of {@link #expiresAt}.
         *
         * @param d positive, at most 100 years
         * @return this builder
         * @throws InvalidInputException when {@code d} is out of that range
         */
        public Builder expiresIn(Duration d) {
            java.util.Objects.requireNonNull(d, "expiresIn");
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(365L * 100)) > 0) {
                throw new InvalidInputException("expiresIn", "must be positive and at most 100 years");
            }
            this.expiresIn = d;
            this.expiresAt = null;
            return this;
        }

        /**
         * The one platform the installer enrolls; it must be one the key and its group allow (the issue refuses others).
         *
         * @param p the platform
         * @return this builder
         */
        public Builder platform(Platform p) {
            this.platform = p;
            return this;
        }

        /**
         * The enrollment service's base URLs, overriding the deployment's.
         *
         * @param uris 1 to {@link EnrollmentClaims#MAX_ENDPOINTS} https URLs, each ending in {@code /}; copied
         * @return this builder
         * @throws InvalidInputException when the list is empty, too long, or holds a URL of another form
         */
        public Builder endpoints(List<URI> uris) {
            if (uris == null || uris.isEmpty() || uris.size() > EnrollmentClaims.MAX_ENDPOINTS) {
                throw new InvalidInputException("endpoints", "1 to " + EnrollmentClaims.MAX_ENDPOINTS + " URLs");
            }
            for (URI u : uris) {
                try {
                    EnrollmentClaims.checkEndpoint(u);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("endpoints", String.valueOf(e.getMessage()).replace("endpoints: ", ""));
                }
            }
            this.endpoints = List.copyOf(uris);
            return this;
        }

        /**
         * SHA-256 pins (base64url, 43 characters) of the endpoints' TLS public keys, overriding the deployment's.
         *
         * @param pins at most {@link EnrollmentClaims#MAX_PINS}; an empty list turns pinning off; copied
         * @return this builder
         * @throws InvalidInputException when there are too many or one is malformed
         */
        public Builder tlsPins(List<String> pins) {
            if (pins == null || pins.size() > EnrollmentClaims.MAX_PINS) {
                throw new InvalidInputException("tlsPins", "at most " + EnrollmentClaims.MAX_PINS);
            }
            for (String p : pins) {
                if (!com.heartbeatrm.protocol.TlsPin.isWellFormed(p)) {
                    throw new InvalidInputException("tlsPins", "each pin is a SHA-256 digest in base64url (43 characters)");
                }
            }
            this.tlsPins = List.copyOf(pins);
            return this;
        }

        /**
         * The request; the builder may be used again.
         *
         * @return an immutable request with the options set so far
         */
        public InstallerRequest build() {
            return new InstallerRequest(this);
        }
    }
}
