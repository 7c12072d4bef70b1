package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.RequestJson;
import com.heartbeatrm.protocol.internal.SignedRequest;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The TPM's answer to an {@link AttestationChallenge}, carried in an {@link EnrollmentRequest} as its optional member
 * {@code attestation}: the challenge's id, the credential the TPM activated, the {@code TPMS_ATTEST} of the agent key
 * certified by the attestation key over the challenge's nonce, that certification's {@code TPMT_SIGNATURE} as the TPM
 * returned it, and the agent key's {@code TPMT_PUBLIC}. An attested request's key algorithm is ECDSA P-256 and its
 * public key is the point in {@link #keyPublic()}; the server checks both.
 *
 * <p>The activated credential is a one-time proof: it is never printed, and {@link #credentialMatches} compares it in
 * constant time. Immutable.
 */
public final class EnrollmentAttestation {
    /** The longest activated credential, in bytes. */
    public static final int MAX_CREDENTIAL_BYTES = 64;
    /** The longest {@code TPMS_ATTEST}, in bytes. */
    public static final int MAX_CERTIFY_INFO_BYTES = 2048;
    /** The longest {@code TPMT_SIGNATURE}, in bytes. */
    public static final int MAX_SIGNATURE_BYTES = 256;
    static final Set<String> FIELDS = Set.of("challengeId", "credential", "certifyInfo", "signature", "keyPublic");

    private final byte[] challengeId;
    private final byte[] credential;
    private final byte[] certifyInfo;
    private final byte[] signature;
    private final byte[] keyPublic;

    /**
     * Copies and bounds the parts; the server parses and judges them.
     *
     * @param challengeId the {@link AttestationChallenge#challengeId()} answered, 1 to
     *                    {@link AttestationChallenge#MAX_CHALLENGE_ID_BYTES} bytes
     * @param credential  the secret {@code TPM2_ActivateCredential} released, 1 to {@link #MAX_CREDENTIAL_BYTES} bytes
     * @param certifyInfo the {@code TPMS_ATTEST} from {@code TPM2_Certify}, 1 to {@link #MAX_CERTIFY_INFO_BYTES} bytes
     * @param signature   the attestation key's {@code TPMT_SIGNATURE} over it, 1 to {@link #MAX_SIGNATURE_BYTES} bytes
     * @param keyPublic   the agent key's {@code TPMT_PUBLIC}, 1 to {@link AttestationEvidence#MAX_PUBLIC_AREA_BYTES} bytes
     * @throws IllegalArgumentException a part is empty or too long
     */
    public EnrollmentAttestation(byte[] challengeId, byte[] credential, byte[] certifyInfo, byte[] signature, byte[] keyPublic) {
        this.challengeId = AttestationEvidence.bounded("challengeId", challengeId, AttestationChallenge.MAX_CHALLENGE_ID_BYTES);
        this.credential = AttestationEvidence.bounded("credential", credential, MAX_CREDENTIAL_BYTES);
        this.certifyInfo = AttestationEvidence.bounded("certifyInfo", certifyInfo, MAX_CERTIFY_INFO_BYTES);
        this.signature = AttestationEvidence.bounded("signature", signature, MAX_SIGNATURE_BYTES);
        this.keyPublic = AttestationEvidence.bounded("keyPublic", keyPublic, AttestationEvidence.MAX_PUBLIC_AREA_BYTES);
    }

    /** Reads the {@code attestation} member's object strictly; the caller made sure only known members are there. */
    static EnrollmentAttestation parse(Map<String, Object> a) throws RequestException {
        try {
            return new EnrollmentAttestation(
                    bytes(a, "challengeId", AttestationChallenge.MAX_CHALLENGE_ID_BYTES),
                    bytes(a, "credential", MAX_CREDENTIAL_BYTES),
                    bytes(a, "certifyInfo", MAX_CERTIFY_INFO_BYTES),
                    bytes(a, "signature", MAX_SIGNATURE_BYTES),
                    bytes(a, "keyPublic", AttestationEvidence.MAX_PUBLIC_AREA_BYTES));
        } catch (RequestException e) {
            throw new RequestException(e.problem(), "attestation." + e.field().orElse(""), e.getMessage());
        }
    }

    private static byte[] bytes(Map<String, Object> a, String name, int max) throws RequestException {
        return SignedRequest.bytes(name, RequestJson.string(a, name), 1, max);
    }

    /** The member's JSON object, in the order the proof signs its fields. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        String[] texts = signedTexts();
        m.put("challengeId", texts[0]);
        m.put("credential", texts[1]);
        m.put("certifyInfo", texts[2]);
        m.put("signature", texts[3]);
        m.put("keyPublic", texts[4]);
        return m;
    }

    /** The five members' base64url texts, in the fixed order the proof input appends them. */
    String[] signedTexts() {
        return new String[] {Base64Url.encode(challengeId), Base64Url.encode(credential), Base64Url.encode(certifyInfo),
                Base64Url.encode(signature), Base64Url.encode(keyPublic)};
    }

    /** {@return a copy of the id of the challenge this answers} */
    public byte[] challengeId() {
        return challengeId.clone();
    }

    /** {@return a copy of the activated credential; a one-time secret, never print it} */
    public byte[] credential() {
        return credential.clone();
    }

    /**
     * True when the activated credential equals {@code expected}, compared in constant time.
     *
     * @param expected the credential the server made
     * @return whether they are equal
     */
    public boolean credentialMatches(byte[] expected) {
        return MessageDigest.isEqual(credential, Objects.requireNonNull(expected, "expected"));
    }

    /** {@return a copy of the {@code TPMS_ATTEST} that certifies the agent key} */
    public byte[] certifyInfo() {
        return certifyInfo.clone();
    }

    /** {@return a copy of the attestation key's {@code TPMT_SIGNATURE} over {@link #certifyInfo()}} */
    public byte[] signature() {
        return signature.clone();
    }

    /** {@return a copy of the agent key's public area (marshalled {@code TPMT_PUBLIC})} */
    public byte[] keyPublic() {
        return keyPublic.clone();
    }

    @Override
    public String toString() {
        return "EnrollmentAttestation[credential redacted]";
    }
}
