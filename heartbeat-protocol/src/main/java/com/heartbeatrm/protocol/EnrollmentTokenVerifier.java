package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import com.heartbeatrm.protocol.internal.JdkEd25519;
import com.heartbeatrm.protocol.internal.PasetoV4Public;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * Verifies enrollment tokens against pinned issuer keys. This is what agent code runs before it talks to
 * anyone: a token that was changed, signed by an unpinned key, minted for another purpose, expired or encoded
 * in any but the one canonical way is refused with a typed {@link TokenException}.
 *
 * <p>The format is fixed: PASETO {@code v4.public} (Ed25519), implicit assertion
 * {@code heartbeat-enrollment-token/v1}, footer {@code {"kid":"hbs_…"}}, at most 16 KiB. Nothing in a token can
 * select another algorithm. Thread-safe.
 */
public final class EnrollmentTokenVerifier {
    /** The longest token text accepted, in characters (16 KiB); a longer one is refused as {@code OVERSIZED}. */
    public static final int MAX_TOKEN_LENGTH = EnrollmentTokenCodec.MAX_TOKEN_LENGTH;

    private final Function<String, java.util.Optional<SigningPublicKey>> keys;
    private final Clock clock;
    private final Duration skew;
    private final Ed25519Verifier ed25519;

    private EnrollmentTokenVerifier(Builder b) {
        this.keys = b.keys;
        this.clock = b.clock;
        this.skew = b.skew;
        this.ed25519 = b.ed25519;
    }

    /**
     * A verifier trusting exactly the pinned keys.
     *
     * @param pinned the issuer keys pinned into the agent
     * @return a builder with the system clock, 5 minutes of skew and the JDK's Ed25519
     */
    public static Builder builder(PinnedKeySet pinned) {
        Objects.requireNonNull(pinned, "pinned");
        return new Builder(pinned::find);
    }

    /**
     * A verifier whose keys are looked up on every call, e.g. from a server's current and retired issuer keys;
     * a key removed from the source stops verifying at once.
     *
     * @param keyLookup finds a trusted key by key id; empty for an unknown or removed one
     * @return a builder with the system clock, 5 minutes of skew and the JDK's Ed25519
     */
    public static Builder builder(Function<String, java.util.Optional<SigningPublicKey>> keyLookup) {
        return new Builder(Objects.requireNonNull(keyLookup, "keyLookup"));
    }

    /**
     * Verifies signature, purpose, claims and time.
     *
     * @param token the token
     * @return the token with its verified claims
     * @throws TokenException refused; {@link TokenException#reason()} says why
     */
    public VerifiedEnrollmentToken verify(EnrollmentToken token) throws TokenException {
        return verify(token.reveal());
    }

    /**
     * Verifies signature, purpose, claims and time of a token given as text.
     *
     * @param token the token text
     * @return the token with its verified claims
     * @throws TokenException refused; {@link TokenException#reason()} says why
     */
    public VerifiedEnrollmentToken verify(String token) throws TokenException {
        PasetoV4Public.Parsed parsed = PasetoV4Public.parse(token, MAX_TOKEN_LENGTH);
        String kid = EnrollmentTokenCodec.readKeyId(parsed.footer());
        SigningPublicKey key = keys.apply(kid).orElseThrow(() -> new TokenException(TokenException.Reason.UNKNOWN_SIGNING_KEY,
                "signing key " + kid + " is not trusted"));
        byte[] message = parsed.verify(EnrollmentTokenCodec.IMPLICIT_ASSERTION, key.rawKeyUnsafe(), ed25519);
        EnrollmentClaims claims = EnrollmentTokenCodec.decodeClaims(message);
        Instant now = clock.instant();
        if (claims.expiresAt().isPresent() && !now.isBefore(claims.expiresAt().get())) {
            throw new TokenException(TokenException.Reason.EXPIRED, "token " + claims.installerId() + " expired at " + claims.expiresAt().get());
        }
        if (claims.issuedAt().isAfter(now.plus(skew))) {
            throw new TokenException(TokenException.Reason.NOT_YET_VALID, "token " + claims.installerId() + " is issued in the future");
        }
        return new VerifiedEnrollmentToken(EnrollmentToken.of(token), claims, kid);
    }

    /** Configures a verifier. Not thread-safe; the verifier it builds is. */
    public static final class Builder {
        private final Function<String, java.util.Optional<SigningPublicKey>> keys;
        private Clock clock = Clock.systemUTC();
        private Duration skew = Duration.ofMinutes(5);
        private Ed25519Verifier ed25519 = new JdkEd25519();

        private Builder(Function<String, java.util.Optional<SigningPublicKey>> keys) {
            this.keys = keys;
        }

        /**
         * The clock that judges issued-at and expiry; the system UTC clock by default.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How far in the future an issued-at may lie (clocks differ); default 5 minutes, at most 1 hour.
         *
         * @param skew 0 to 1 hour
         * @return this builder
         * @throws IllegalArgumentException out of range
         */
        public Builder allowedClockSkew(Duration skew) {
            if (skew == null || skew.isNegative() || skew.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("clock skew must be 0 to 1 hour");
            }
            this.skew = skew;
            return this;
        }

        /**
         * Plugs in another Ed25519 implementation (default: the JDK's).
         *
         * @param verifier the implementation
         * @return this builder
         */
        public Builder ed25519(Ed25519Verifier verifier) {
            this.ed25519 = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /** {@return the verifier; thread-safe} */
        public EnrollmentTokenVerifier build() {
            return new EnrollmentTokenVerifier(this);
        }
    }
}
