package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.CredentialCodec;
import java.util.function.Function;

/**
 * A signed agent credential ({@code v4.public…}, purpose {@code heartbeat-agent-credential/v1}): the agent's
 * proof of identity until it expires. A bearer secret: prints redacted, compares in constant time.
 */
public final class AgentCredential extends SecretText {
    private AgentCredential(String text) {
        super(text);
    }

    /**
     * A credential from its text, checked for shape only.
     *
     * @param text the credential as received
     * @return the credential, not verified
     * @throws IllegalArgumentException not a {@code v4.public} token or too long
     */
    public static AgentCredential of(String text) {
        if (text == null || text.length() > EnrollmentTokenVerifier.MAX_TOKEN_LENGTH || !text.startsWith("v4.public.")
                || !text.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new IllegalArgumentException("not an agent credential");
        }
        return new AgentCredential(text);
    }

    /**
     * Signs {@code claims} into a credential whose footer names {@code signingKeyId}; {@code signer} returns the
     * issuer key's Ed25519 signature over the bytes it is given. The issuing side's way to mint a credential.
     *
     * @param claims       the claims to sign
     * @param signingKeyId the id of the signing key, carried in the footer
     * @param signer       signs the PASETO pre-authentication encoding with Ed25519
     * @return the signed credential
     */
    public static AgentCredential sign(CredentialClaims claims, String signingKeyId, Function<byte[], byte[]> signer) {
        return new AgentCredential(CredentialCodec.encode(claims, signingKeyId, signer));
    }
}
