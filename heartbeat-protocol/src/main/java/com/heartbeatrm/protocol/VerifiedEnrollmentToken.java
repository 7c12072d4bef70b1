package com.heartbeatrm.protocol;

import java.util.Objects;

/**
 * A token whose signature, purpose, encoding and claims have been checked against pinned keys. Only
 * {@link EnrollmentTokenVerifier} creates one, so code that needs verified claims cannot be handed unverified ones.
 */
public final class VerifiedEnrollmentToken {
    private final EnrollmentToken token;
    private final EnrollmentClaims claims;
    private final String signingKeyId;

    VerifiedEnrollmentToken(EnrollmentToken token, EnrollmentClaims claims, String signingKeyId) {
        this.token = Objects.requireNonNull(token);
        this.claims = Objects.requireNonNull(claims);
        this.signingKeyId = Objects.requireNonNull(signingKeyId);
    }

    /** {@return the token as verified, e.g. to send in the enrollment request} */
    public EnrollmentToken token() {
        return token;
    }

    /** {@return the claims the signature covers} */
    public EnrollmentClaims claims() {
        return claims;
    }

    /** {@return the id of the issuer key that signed the token} */
    public String signingKeyId() {
        return signingKeyId;
    }

    @Override
    public String toString() {
        return "VerifiedEnrollmentToken[" + claims.installerId() + " for key " + claims.accessKeyId() + ", signed by " + signingKeyId + "]";
    }
}
