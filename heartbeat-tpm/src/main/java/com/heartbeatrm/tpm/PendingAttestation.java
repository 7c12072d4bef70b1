package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.tpm.internal.PublicArea;
import com.heartbeatrm.tpm.internal.Tpm2;
import com.heartbeatrm.tpm.internal.TpmReader;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The server's side of one issued challenge: what it sent, the credential it expects back, when it was issued, and
 * which EK and attestation key it was made for. It can be answered once: {@link AttestationVerifier#verify} consumes
 * it, and a second answer to the same object is refused as replayed. Holds a secret (the expected credential): never
 * logged, never shown by {@link #toString()}.
 *
 * <p>A server that keeps nothing between the two round trips seals {@link #attestationKeyPublic()},
 * {@link #nonce()}, {@link #expectedCredential()}, {@link #issuedAt()}, {@link #endorsementKeySha256()} and
 * {@link #trustedBy()} into an authenticated, encrypted challenge id and rebuilds the challenge from them with
 * {@link #resumed}; single use across such rebuilds is then the server's to enforce (a used nonce is remembered).
 */
public final class PendingAttestation {
    // The credential made for the EK, as sent: null on a challenge rebuilt by resumed (it was sent when issued).
    private final byte @Nullable [] credentialBlob;
    private final byte @Nullable [] encryptedSecret;
    private final byte[] nonce;
    private final byte[] expectedCredential;
    private final Instant issuedAt;
    private final PublicArea attestationKey;
    private final String endorsementKeySha256;
    private final String trustedBy;
    private final AtomicBoolean answered = new AtomicBoolean();

    PendingAttestation(byte @Nullable [] credentialBlob, byte @Nullable [] encryptedSecret, byte[] nonce, byte[] expectedCredential,
            Instant issuedAt, PublicArea attestationKey, String endorsementKeySha256, String trustedBy) {
        this.credentialBlob = credentialBlob;
        this.encryptedSecret = encryptedSecret;
        this.nonce = nonce.clone();
        this.expectedCredential = expectedCredential.clone();
        this.issuedAt = issuedAt;
        this.attestationKey = attestationKey;
        this.endorsementKeySha256 = endorsementKeySha256;
        this.trustedBy = trustedBy;
    }

    /**
     * Rebuilds a challenge from the fields of one {@link AttestationVerifier#challenge} issued, as a server that kept
     * them sealed (encrypted and authenticated under its own key) hands them back. Nothing here is trusted more than
     * the seal that carried it: the caller must have authenticated the fields.
     *
     * @param attestationKeyPublic the attestation key's TPMT_PUBLIC, as {@link #attestationKeyPublic()} gave it
     * @param nonce                the challenge's nonce, 1 to 64 bytes
     * @param expectedCredential   the credential secret, 1 to {@code Tpm2.MAX_DIGEST} bytes; copied
     * @param issuedAt             when the challenge was issued
     * @param endorsementKeySha256 the EK's SHA-256, 64 lower-case hex digits
     * @param trustedBy            who vouched for the EK: a CA's SHA-256 fingerprint or {@code allow-list}
     * @return the challenge, answerable once; {@link #challenge(byte[], Instant)} is not available on it (it was sent already)
     * @throws IllegalArgumentException a field is out of its bounds or the key does not parse
     */
    public static PendingAttestation resumed(byte[] attestationKeyPublic, byte[] nonce, byte[] expectedCredential, Instant issuedAt,
            String endorsementKeySha256, String trustedBy) {
        PublicArea ak;
        try {
            ak = PublicArea.parse(Bounds.bounded(attestationKeyPublic, Tpm2.MAX_PUBLIC, "attestation key public area"));
        } catch (TpmReader.Malformed e) {
            throw new IllegalArgumentException("attestation key public area does not parse", e);
        }
        if (!endorsementKeySha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("endorsementKeySha256 must be 64 lower-case hex digits");
        }
        if (trustedBy.isEmpty() || trustedBy.length() > 64) {
            throw new IllegalArgumentException("trustedBy must be 1..64 characters");
        }
        return new PendingAttestation(null, null, Bounds.bounded(nonce, 64, "nonce"),
                Bounds.bounded(expectedCredential, Tpm2.MAX_DIGEST, "expected credential"),
                Objects.requireNonNull(issuedAt, "issuedAt"), ak, endorsementKeySha256, trustedBy);
    }

    /**
     * What to send to the agent: the protocol's challenge, with the credential made for its EK and attestation key
     * and this challenge's nonce, under the server's opaque id.
     *
     * @param challengeId the server's opaque id for this challenge (e.g. the sealed fields), 1 to
     *                    {@link AttestationChallenge#MAX_CHALLENGE_ID_BYTES} bytes
     * @param expiresAt   when the server stops accepting an answer
     * @return the challenge as issued by {@link AttestationVerifier#challenge}
     * @throws IllegalStateException    on a challenge rebuilt by {@link #resumed}: it was sent when it was issued
     * @throws IllegalArgumentException the id is out of its bounds, or the nonce is not the protocol's 32 bytes
     */
    public AttestationChallenge challenge(byte[] challengeId, Instant expiresAt) {
        if (credentialBlob == null || encryptedSecret == null) {
            throw new IllegalStateException("a resumed challenge was sent when it was issued");
        }
        return new AttestationChallenge(challengeId, credentialBlob, encryptedSecret, nonce, expiresAt);
    }

    /** {@return a copy of the nonce the certification must carry} */
    public byte[] nonce() {
        return nonce.clone();
    }

    /** {@return when the challenge was issued, by the verifier's clock; its age is judged from here} */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** {@return the lowercase hex SHA-256 of the EK's SubjectPublicKeyInfo} */
    public String endorsementKeySha256() {
        return endorsementKeySha256;
    }

    /**
     * Who vouched for the EK.
     *
     * @return the lowercase hex SHA-256 of the manufacturer CA's certificate
     *     ({@link AttestationVerifier#certificateSha256}), or {@code allow-list}
     */
    public String trustedBy() {
        return trustedBy;
    }

    /** {@return a copy of the attestation key's public area (marshalled TPMT_PUBLIC) the credential was made for} */
    public byte[] attestationKeyPublic() {
        return attestationKey.encoded();
    }

    /**
     * The credential secret the agent's TPM must release: a secret, for sealing only. The caller wipes its copy.
     *
     * @return a copy of the expected credential
     */
    public byte[] expectedCredential() {
        return expectedCredential.clone();
    }

    boolean markAnswered() {
        return answered.compareAndSet(false, true);
    }

    boolean credentialMatches(AttestationResponse response) {
        return response.credentialMatches(expectedCredential);
    }

    PublicArea attestationKey() {
        return attestationKey;
    }

    @Override
    public String toString() {
        return "PendingAttestation[issuedAt=" + issuedAt + ", ek=" + endorsementKeySha256 + "]";
    }
}
