package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import java.util.function.Function;

/**
 * The text of an enrollment token ({@code v4.public.…}): a bearer credential that lets agents join a group.
 * Never printed; compared in constant time. Read the text with {@link #reveal()} only to embed or send it.
 */
public final class EnrollmentToken extends SecretText {
    private EnrollmentToken(String text) {
        super(text);
    }

    /**
     * Wraps token text; does not verify it (see {@link EnrollmentTokenVerifier}).
     *
     * @param text the token text as embedded or delivered
     * @return the token, not verified
     */
    public static EnrollmentToken of(String text) {
        if (text == null || text.isEmpty() || text.length() > EnrollmentTokenVerifier.MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token text missing or longer than " + EnrollmentTokenVerifier.MAX_TOKEN_LENGTH);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("token text must be printable ASCII");
            }
        }
        return new EnrollmentToken(text);
    }

    /**
     * Signs {@code claims} into a token whose footer names {@code signingKeyId}; {@code signer} returns the issuer
     * key's Ed25519 signature over the bytes it is given. The issuing side's way to mint a token.
     *
     * @throws IllegalArgumentException when the claims do not fit in a token
     *
     * @param claims       the claims to sign
     * @param signingKeyId the id of the signing key, carried in the footer
     * @param signer       signs the PASETO pre-authentication encoding with Ed25519
     * @return the signed token
     */
    public static EnrollmentToken sign(EnrollmentClaims claims, String signingKeyId, Function<byte[], byte[]> signer) {
        return new EnrollmentToken(EnrollmentTokenCodec.encode(claims, signingKeyId, signer));
    }
}
