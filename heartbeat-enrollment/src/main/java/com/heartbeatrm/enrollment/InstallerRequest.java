package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Platform;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Options for one issued installer (its token); all optional: an expiry (never past the key's own), a platform (one
 * the key and its group allow), base URLs and TLS pins other than the deployment's, and single use (one computer,
 * a short expiry: {@link #SINGLE_USE_EXPIRY} unless another is given, at most {@link #SINGLE_USE_MAX_EXPIRY}). Built
 * by a validating builder.
 */
public final class InstallerRequest {
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

    public static Builder builder() {
        return new Builder();
    }

    Optional<Instant> expiresAt(Instant now) {
        if (singleUse && expiresAt.isEmpty() && expiresIn.isEmpty()) {
            return Optional.of(now.plus(SINGLE_USE_EXPIRY));
        }
        return expiresAt.isPresent() ? expiresAt : expiresIn.map(now::plus);
    }

    /** Whether the installer admits one computer only (a retry of that computer still works). */
    public boolean singleUse() {
        return singleUse;
    }

    public Optional<Platform> platform() {
        return platform;
    }

    /** Endpoints overriding the deployment's default; empty means the default. */
    public List<URI> endpoints() {
        return endpoints;
    }

    /** Pins overriding the deployment's; empty means the deployment's. */
    public Optional<List<String>> tlsPins() {
        return tlsPins;
    }

    public static final class Builder {
        private Instant expiresAt;
        private Duration expiresIn;
        private Platform platform;
        private List<URI> endpoints = List.of();
        private List<String> tlsPins;
        private boolean singleUse;

        private Builder() {
        }

        /** One computer only, with a short expiry (see the class comment): a download link handed to one technician. */
        public Builder singleUse(boolean single) {
            this.singleUse = single;
            return this;
        }

        public Builder expiresAt(Instant at) {
            this.expiresAt = com.heartbeatrm.core.Timestamps.check("expiresAt", at);
            this.expiresIn = null;
            return this;
        }

        public Builder expiresIn(Duration d) {
            java.util.Objects.requireNonNull(d, "expiresIn");
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(365L * 100)) > 0) {
                throw new InvalidInputException("expiresIn", "must be positive and at most 100 years");
            }
            this.expiresIn = d;
            this.expiresAt = null;
            return this;
        }

        public Builder platform(Platform p) {
            this.platform = p;
            return this;
        }

        /** The enrollment service's base URLs (ending in {@code /}), overriding the deployment's. */
        public Builder endpoints(List<URI> uris) {
            if (uris == null || uris.isEmpty() || uris.size() > EnrollmentClaims.MAX_ENDPOINTS) {
                throw new InvalidInputException("endpoints", "1 to " + EnrollmentClaims.MAX_ENDPOINTS + " URLs");
            }
            for (URI u : uris) {
                try {
                    EnrollmentClaims.checkEndpoint(u);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException("endpoints", e.getMessage().replace("endpoints: ", ""));
                }
            }
            this.endpoints = List.copyOf(uris);
            return this;
        }

        /** SHA-256 pins (base64url, 43 characters) of the endpoints' TLS public keys, overriding the deployment's. */
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

        public InstallerRequest build() {
            return new InstallerRequest(this);
        }
    }
}
