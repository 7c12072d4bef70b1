package com.heartbeatrm.protocol;

import java.util.Objects;

/**
 * A credential whose signature, purpose and claims were checked ({@link AgentCredentialVerifier}): its claims and the
 * id of the issuer key that signed it. Expiry is the caller's to judge where it matters.
 *
 * @param claims what the credential says
 * @param signingKeyId the id of the issuer key whose signature was verified
 */
public record VerifiedCredential(CredentialClaims claims, String signingKeyId) {
    /**
     * Checks that both parts are present.
     *
     * @param claims       the verified claims
     * @param signingKeyId the id of the issuer key that signed
     */
    public VerifiedCredential {
        Objects.requireNonNull(claims, "claims");
        Objects.requireNonNull(signingKeyId, "signingKeyId");
    }
}
