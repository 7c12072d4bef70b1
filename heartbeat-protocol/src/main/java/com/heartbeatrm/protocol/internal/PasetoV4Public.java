package com.heartbeatrm.protocol.internal;

import com.heartbeatrm.protocol.Base64Url;

import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.TokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * PASETO version 4, purpose {@code public}: Ed25519 over PAE(header, message, footer, implicit assertion). The
 * algorithm is fixed by the header; nothing in the token can choose another.
 */
public final class PasetoV4Public {
    public static final String HEADER = "v4.public.";
    private static final byte[] HEADER_BYTES = HEADER.getBytes(StandardCharsets.US_ASCII);
    public static final int SIGNATURE_LENGTH = 64;

    private PasetoV4Public() {
    }

    /** A token taken apart but not yet verified. */
    public static final class Parsed {
        private final byte[] message;
        private final byte[] signature;
        private final byte[] footer;

        Parsed(byte[] message, byte[] signature, byte[] footer) {
            this.message = message;
            this.signature = signature;
            this.footer = footer;
        }

        /** The footer bytes: unauthenticated until {@link #verify} succeeds, so use them only to pick a key. */
        public byte[] footer() {
            return footer.clone();
        }

        /**
         * The message bytes before verification: plaintext in a public token, so cheap to read, but untrusted.
         * Use them only for decisions that must come before the signature check (e.g. throttling look-ups).
         */
        public byte[] unverifiedMessage() {
            return message.clone();
        }

        /**
         * Verifies the signature with the algorithm of {@code key} (the key the footer's kid names: Ed25519, or ES256
         * for an issuer key on a token) and returns the message bytes.
         */
        public byte[] verify(byte[] implicitAssertion, SigningPublicKey key, com.heartbeatrm.protocol.Ed25519Verifier ed25519)
                throws TokenException {
            byte[] preAuth = Pae.encode(HEADER_BYTES, message, footer, implicitAssertion);
            if (!key.verifies(preAuth, signature, ed25519)) {
                throw new TokenException(Reason.BAD_SIGNATURE, "signature does not verify");
            }
            return message.clone();
        }
    }

    /** Splits and decodes a token; checks version, purpose, canonical encoding and the size cap. */
    public static Parsed parse(String token, int maxLength) throws TokenException {
        if (token == null || token.isEmpty()) {
            throw new TokenException(Reason.MALFORMED, "empty token");
        }
        if (token.length() > maxLength) {
            throw new TokenException(Reason.OVERSIZED, "token longer than " + maxLength + " characters");
        }
        if (!token.startsWith(HEADER)) {
            int second = token.indexOf('.', token.indexOf('.') + 1);
            boolean looksLikePaseto = token.matches("(?s)v[0-9]+\\.[a-z]+\\..*") && second > 0;
            throw new TokenException(looksLikePaseto ? Reason.WRONG_VERSION_OR_PURPOSE : Reason.MALFORMED,
                    looksLikePaseto ? "expected a v4.public token" : "not a PASETO token");
        }
        String rest = token.substring(HEADER.length());
        int dot = rest.indexOf('.');
        String body = dot < 0 ? rest : rest.substring(0, dot);
        String footerText = dot < 0 ? "" : rest.substring(dot + 1);
        if (dot >= 0 && (footerText.isEmpty() || footerText.indexOf('.') >= 0)) {
            throw new TokenException(Reason.MALFORMED, "a token has at most four dot-separated parts and no empty footer");
        }
        byte[] decoded = Base64Url.decode(body, "payload");
        byte[] footer = Base64Url.decode(footerText, "footer");
        if (decoded.length < SIGNATURE_LENGTH) {
            throw new TokenException(Reason.MALFORMED, "payload shorter than a signature");
        }
        byte[] message = Arrays.copyOfRange(decoded, 0, decoded.length - SIGNATURE_LENGTH);
        byte[] signature = Arrays.copyOfRange(decoded, decoded.length - SIGNATURE_LENGTH, decoded.length);
        return new Parsed(message, signature, footer);
    }

    /** Signs: {@code signer} receives the PAE bytes and returns a 64-byte Ed25519 or ES256 ({@code r || s}) signature. */
    public static String sign(byte[] message, byte[] footer, byte[] implicitAssertion, Function<byte[], byte[]> signer) {
        byte[] preAuth = Pae.encode(HEADER_BYTES, message, footer, implicitAssertion);
        byte[] signature = signer.apply(preAuth);
        if (signature.length != SIGNATURE_LENGTH) {
            throw new IllegalStateException("a signature is 64 bytes");
        }
        byte[] body = Arrays.copyOf(message, message.length + SIGNATURE_LENGTH);
        System.arraycopy(signature, 0, body, message.length, SIGNATURE_LENGTH);
        String token = HEADER + Base64Url.encode(body);
        return footer.length == 0 ? token : token + "." + Base64Url.encode(footer);
    }
}
