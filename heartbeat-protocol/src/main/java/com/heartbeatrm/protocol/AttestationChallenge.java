package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.Rfc3339;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The server's 200 answer to an {@link AttestationChallengeRequest}: an opaque {@code challengeId} the agent hands
 * back, a credential that only the TPM holding the endorsement key can activate, and only for the attestation key
 * the request named ({@code credentialBlob}, the {@code TPM2B_ID_OBJECT} contents, and {@code encryptedSecret}, the
 * {@code TPM2B_ENCRYPTED_SECRET} contents), a 32-byte nonce the TPM must sign over when it certifies the agent key,
 * and when the challenge expires. A refusal is an {@link EnrollmentResponse.Denied} instead, with its own status.
 * Strict JSON: {@code {"v":1,"challengeId":"..","credentialBlob":"..","encryptedSecret":"..","nonce":"..",
 * "expiresAt":"<RFC 3339>"}}. Immutable.
 */
public final class AttestationChallenge {
    /** The longest {@code challengeId}, in bytes (decoded). */
    public static final int MAX_CHALLENGE_ID_BYTES = 4096;
    /** The longest credential blob or encrypted secret, in bytes. */
    public static final int MAX_CREDENTIAL_BYTES = 1024;
    /** The nonce's length, in bytes. */
    public static final int NONCE_BYTES = 32;
    private static final Set<String> FIELDS = Set.of("v", "challengeId", "credentialBlob", "encryptedSecret", "nonce", "expiresAt");

    private final byte[] challengeId;
    private final byte[] credentialBlob;
    private final byte[] encryptedSecret;
    private final byte[] nonce;
    private final Instant expiresAt;

    /**
     * Copies and bounds the parts.
     *
     * @param challengeId     the server's opaque id, 1 to {@link #MAX_CHALLENGE_ID_BYTES} bytes
     * @param credentialBlob  the {@code TPM2B_ID_OBJECT} contents, 1 to {@link #MAX_CREDENTIAL_BYTES} bytes
     * @param encryptedSecret the {@code TPM2B_ENCRYPTED_SECRET} contents, 1 to {@link #MAX_CREDENTIAL_BYTES} bytes
     * @param nonce           {@link #NONCE_BYTES} bytes
     * @param expiresAt       when the server stops accepting an answer
     * @throws IllegalArgumentException a part is empty, too long, or the nonce is not 32 bytes
     */
    public AttestationChallenge(byte[] challengeId, byte[] credentialBlob, byte[] encryptedSecret, byte[] nonce, Instant expiresAt) {
        this.challengeId = AttestationEvidence.bounded("challengeId", challengeId, MAX_CHALLENGE_ID_BYTES);
        this.credentialBlob = AttestationEvidence.bounded("credentialBlob", credentialBlob, MAX_CREDENTIAL_BYTES);
        this.encryptedSecret = AttestationEvidence.bounded("encryptedSecret", encryptedSecret, MAX_CREDENTIAL_BYTES);
        if (Objects.requireNonNull(nonce, "nonce").length != NONCE_BYTES) {
            throw new IllegalArgumentException("nonce: " + NONCE_BYTES + " bytes");
        }
        this.nonce = nonce.clone();
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * Parses a 200 answer's body strictly.
     *
     * @param body the body, at most {@link EnrollmentProtocol#MAX_BODY_BYTES}
     * @return the challenge
     * @throws EnrollmentResponse.MalformedException the body is not such an answer
     */
    public static AttestationChallenge parse(byte[] body) throws EnrollmentResponse.MalformedException {
        try {
            Map<String, Object> m = StrictJson.parseObject(body, EnrollmentProtocol.MAX_BODY_BYTES);
            StrictJson.onlyMembers(m, FIELDS);
            if (StrictJson.requireInteger(m, "v") != EnrollmentProtocol.VERSION) {
                throw new EnrollmentResponse.MalformedException("the challenge is not protocol version " + EnrollmentProtocol.VERSION);
            }
            byte[] id = bytes(m, "challengeId", MAX_CHALLENGE_ID_BYTES);
            byte[] blob = bytes(m, "credentialBlob", MAX_CREDENTIAL_BYTES);
            byte[] secret = bytes(m, "encryptedSecret", MAX_CREDENTIAL_BYTES);
            byte[] nonce = bytes(m, "nonce", NONCE_BYTES);
            String expires = StrictJson.requireString(m, "expiresAt");
            Instant at = expires.length() > Rfc3339.MAX_LENGTH ? null : Rfc3339.parse(expires).orElse(null);
            if (at == null) {
                throw new EnrollmentResponse.MalformedException("challenge expiresAt is not an RFC 3339 timestamp");
            }
            return new AttestationChallenge(id, blob, secret, nonce, at);
        } catch (StrictJson.JsonException e) {
            throw new EnrollmentResponse.MalformedException("challenge member " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new EnrollmentResponse.MalformedException("challenge " + e.getMessage());
        }
    }

    private static byte[] bytes(Map<String, Object> m, String name, int max) throws StrictJson.JsonException,
            EnrollmentResponse.MalformedException {
        String text = StrictJson.requireString(m, name);
        if (text.length() > (max * 4 + 2) / 3) {
            throw new EnrollmentResponse.MalformedException("challenge " + name + " is too long");
        }
        try {
            return Base64Url.decode(text, name);
        } catch (TokenException e) {
            throw new EnrollmentResponse.MalformedException("challenge " + name + " is not canonical base64url");
        }
    }

    /** {@return the answer as JSON, as a server sends it with HTTP 200} */
    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", EnrollmentProtocol.VERSION);
        m.put("challengeId", Base64Url.encode(challengeId));
        m.put("credentialBlob", Base64Url.encode(credentialBlob));
        m.put("encryptedSecret", Base64Url.encode(encryptedSecret));
        m.put("nonce", Base64Url.encode(nonce));
        m.put("expiresAt", expiresAt.toString());
        return StrictJson.write(m);
    }

    /** {@return a copy of the server's opaque challenge id, to hand back in {@link EnrollmentAttestation}} */
    public byte[] challengeId() {
        return challengeId.clone();
    }

    /** {@return a copy of the {@code TPM2B_ID_OBJECT} contents, for {@code TPM2_ActivateCredential}} */
    public byte[] credentialBlob() {
        return credentialBlob.clone();
    }

    /** {@return a copy of the {@code TPM2B_ENCRYPTED_SECRET} contents, the seed encrypted to the endorsement key} */
    public byte[] encryptedSecret() {
        return encryptedSecret.clone();
    }

    /** {@return a copy of the nonce the certification of the agent key must carry} */
    public byte[] nonce() {
        return nonce.clone();
    }

    /** {@return when the server stops accepting an answer to this challenge} */
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "AttestationChallenge[expiresAt=" + expiresAt + "]";
    }
}
