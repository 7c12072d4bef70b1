package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.RequestException.Problem;
import com.heartbeatrm.protocol.internal.RequestJson;
import com.heartbeatrm.protocol.internal.SignedRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an agent sends to {@link EnrollmentProtocol#CHALLENGE_PATH} to start a TPM-attested enrollment: its
 * installer's token and its TPM's {@link AttestationEvidence}. Not signed: the token admits it, and the server
 * answers with an {@link AttestationChallenge} that only that TPM can answer. Strict JSON of at most
 * {@link #MAX_BODY_BYTES}:
 * {@code {"v":1,"token":"..","ekCertificate":"<b64url DER, optional>","ekPublic":"<b64url>","akPublic":"<b64url>"}}.
 */
public final class AttestationChallengeRequest {
    /** The largest challenge request body a server reads, in bytes. */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Set<String> FIELDS = Set.of("v", "token", "ekCertificate", "ekPublic", "akPublic");

    private final EnrollmentToken token;
    private final AttestationEvidence evidence;

    /**
     * A request for {@code token} with {@code evidence}.
     *
     * @param token    the installer's token
     * @param evidence the TPM's evidence
     */
    public AttestationChallengeRequest(EnrollmentToken token, AttestationEvidence evidence) {
        this.token = Objects.requireNonNull(token, "token");
        this.evidence = Objects.requireNonNull(evidence, "evidence");
    }

    /**
     * Parses a body strictly; verifies nothing (the server does).
     *
     * @param body the request body, at most {@link #MAX_BODY_BYTES}
     * @return the request
     * @throws RequestException the body is not such a request; {@code OVERSIZED} over {@link #MAX_BODY_BYTES}
     */
    public static AttestationChallengeRequest parse(byte[] body) throws RequestException {
        if (body.length > MAX_BODY_BYTES) {
            throw new RequestException(Problem.OVERSIZED, "the body exceeds " + MAX_BODY_BYTES + " bytes");
        }
        Map<String, Object> m = RequestJson.parse(body, FIELDS);
        RequestJson.version(m);
        EnrollmentToken token;
        try {
            token = EnrollmentToken.of(RequestJson.string(m, "token"));
        } catch (IllegalArgumentException e) {
            throw new RequestException(Problem.INVALID_VALUE, "token", "token: " + e.getMessage());
        }
        Optional<String> cert = RequestJson.optionalString(m, "ekCertificate");
        byte[] certBytes = cert.isPresent()
                ? SignedRequest.bytes("ekCertificate", cert.get(), 1, AttestationEvidence.MAX_CERTIFICATE_BYTES) : null;
        byte[] ek = SignedRequest.bytes("ekPublic", RequestJson.string(m, "ekPublic"), 1, AttestationEvidence.MAX_PUBLIC_AREA_BYTES);
        byte[] ak = SignedRequest.bytes("akPublic", RequestJson.string(m, "akPublic"), 1, AttestationEvidence.MAX_PUBLIC_AREA_BYTES);
        return new AttestationChallengeRequest(token, new AttestationEvidence(Optional.ofNullable(certBytes), ek, ak));
    }

    /** {@return the request as JSON} */
    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", EnrollmentProtocol.VERSION);
        m.put("token", token.reveal());
        evidence.endorsementCertificate().ifPresent(c -> m.put("ekCertificate", Base64Url.encode(c)));
        m.put("ekPublic", Base64Url.encode(evidence.endorsementKeyPublic()));
        m.put("akPublic", Base64Url.encode(evidence.attestationKeyPublic()));
        return RequestJson.write(m);
    }

    /** {@return the installer's token, not verified here} */
    public EnrollmentToken token() {
        return token;
    }

    /** {@return the TPM's evidence} */
    public AttestationEvidence evidence() {
        return evidence;
    }

    @Override
    public String toString() {
        return "AttestationChallengeRequest[" + evidence + ", token redacted]";
    }
}
