package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.CredentialCodec;
import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import com.heartbeatrm.protocol.internal.JdkEd25519;
import com.heartbeatrm.protocol.internal.PasetoV4Public;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** Verifies agent credentials against pinned (or looked-up) issuer keys: signature, purpose, expiry. */
public final class AgentCredentialVerifier {
    private final Function<String, Optional<SigningPublicKey>> keys;
    private final Clock clock;
    private final Ed25519Verifier ed25519;

    /**
     * Trusts the pinned issuer keys; verifies with the JDK's Ed25519.
     *
     * @param pinned the issuer keys pinned into the agent
     * @param clock  judges expiry
     */
    public AgentCredentialVerifier(PinnedKeySet pinned, Clock clock) {
        this(pinned::find, clock, new JdkEd25519());
    }

    /**
     * Trusts the keys {@code keys} finds by key id; verifies with {@code ed25519} (the server plugs in a faster one).
     *
     * @param keys    finds a trusted key by key id; empty for an unknown id
     * @param clock   judges expiry
     * @param ed25519 verifies signatures
     */
    public AgentCredentialVerifier(Function<String, Optional<SigningPublicKey>> keys, Clock clock, Ed25519Verifier ed25519) {
        this.keys = Objects.requireNonNull(keys);
        this.clock = Objects.requireNonNull(clock);
        this.ed25519 = Objects.requireNonNull(ed25519);
    }

    /**
     * The claims of a credential that verifies and has not expired; otherwise a {@link TokenException} saying why.
     *
     * @param credential the credential
     * @return its claims
     * @throws TokenException malformed, signed by an unknown key, a bad signature, wrong claims, or expired
     */
    public CredentialClaims verify(AgentCredential credential) throws TokenException {
        CredentialClaims claims = verifyIgnoringExpiry(credential).claims();
        if (!clock.instant().isBefore(claims.expiresAt())) {
            throw new TokenException(TokenException.Reason.EXPIRED, "credential expired at " + claims.expiresAt());
        }
        return claims;
    }

    /**
     * Signature, purpose and claims, whatever the expiry, with the id of the key that signed: for an answer that repeats a credential issued before (a
     * resent renewal is answered with the credential its first sending got, which may have expired since).
     *
     * @param credential the credential
     * @return its claims and the id of the key that signed it
     * @throws TokenException malformed, signed by an unknown key, a bad signature, or wrong claims
     */
    public VerifiedCredential verifyIgnoringExpiry(AgentCredential credential) throws TokenException {
        PasetoV4Public.Parsed parsed = PasetoV4Public.parse(credential.reveal(), EnrollmentTokenVerifier.MAX_TOKEN_LENGTH);
        String kid = EnrollmentTokenCodec.readKeyId(parsed.footer());
        SigningPublicKey key = keys.apply(kid).orElseThrow(() -> new TokenException(TokenException.Reason.UNKNOWN_SIGNING_KEY,
                "signing key " + kid + " is not trusted"));
        return new VerifiedCredential(CredentialCodec.decode(parsed.verify(CredentialCodec.IMPLICIT_ASSERTION, key.rawKey(), ed25519)), kid);
    }
}
