package com.heartbeatrm.protocol.internal;

import com.heartbeatrm.protocol.Base64Url;

import com.heartbeatrm.protocol.RequestException;
import com.heartbeatrm.protocol.RequestException.Problem;
import com.heartbeatrm.protocol.TokenException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;

/** Helpers shared by the signed agent requests: nonces, timestamps, proof bytes, strict base64url fields. */
public final class SignedRequest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SignedRequest() {
    }

    public static String newNonce() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64Url.encode(b);
    }

    /** The bytes a proof of possession signs: PAE of the purpose and each field, as UTF-8. */
    public static byte[] proofBytes(String purpose, String... fields) {
        byte[][] pieces = new byte[fields.length + 1][];
        pieces[0] = purpose.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < fields.length; i++) {
            pieces[i + 1] = fields[i].getBytes(StandardCharsets.UTF_8);
        }
        return Pae.encode(pieces);
    }

    public static byte[] bytes(String field, String b64, int minLength, int maxLength) throws RequestException {
        if (b64.length() > (maxLength * 4 + 2) / 3) {
            throw new RequestException(Problem.INVALID_VALUE, field, field + " is too long");
        }
        byte[] raw;
        try {
            raw = Base64Url.decode(b64, field);
        } catch (TokenException e) {
            throw new RequestException(Problem.INVALID_VALUE, field, field + " is not canonical base64url");
        }
        if (raw.length < minLength || raw.length > maxLength) {
            throw new RequestException(Problem.INVALID_VALUE, field, field + " must be " + minLength
                    + (minLength == maxLength ? "" : " to " + maxLength) + " bytes");
        }
        return raw;
    }

    public static Instant timestamp(String field, String text) throws RequestException {
        if (text.length() > Rfc3339.MAX_LENGTH) {
            throw new RequestException(Problem.INVALID_VALUE, field, field + " is too long");
        }
        return Rfc3339.parse(text).orElseThrow(() -> new RequestException(Problem.INVALID_VALUE, field, field + " is not an RFC 3339 timestamp"));
    }
}
