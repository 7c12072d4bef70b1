package com.heartbeatrm.agent;

import com.heartbeatrm.agent.EnrollmentClientException.Kind;
import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationChallengeRequest;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.protocol.EnrollmentAttestation;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import org.jspecify.annotations.Nullable;

/**
 * The attestation round trip before an attested enrollment: the attestor's evidence posted with the token to the
 * challenge endpoint (same pinned transport, same retries), and the TPM's answer to the challenge.
 */
final class AttestationStep {
    private AttestationStep() {
    }

    /** A 200 answer's challenge, or the refusal any other answer is. */
    private record Answer(@Nullable AttestationChallenge challenge, EnrollmentResponse.@Nullable Denied denied) {
        static Answer parse(int status, byte[] body) throws EnrollmentResponse.MalformedException {
            if (status == 200) {
                return new Answer(AttestationChallenge.parse(body), null);
            }
            if (EnrollmentResponse.parse(status, body) instanceof EnrollmentResponse.Denied d) {
                return new Answer(null, d);
            }
            throw new EnrollmentResponse.MalformedException("HTTP status " + status + " answers a challenge request without a refusal");
        }
    }

    static EnrollmentAttestation attest(PinnedTransport transport, EnrollmentAttestor attestor, VerifiedEnrollmentToken token,
            CustodyKey keys) throws EnrollmentClientException {
        EnrollmentClaims claims = token.claims();
        AttestationEvidence evidence;
        try {
            evidence = attestor.begin();
        } catch (KeyCustodyException e) {
            throw new EnrollmentClientException(Kind.ATTESTATION, "the TPM could not start attestation: " + e.getMessage(), e);
        }
        byte[] body = new AttestationChallengeRequest(token.token(), evidence).toJson();
        Answer a = transport.exchange(claims.endpoints(), claims.tlsPins(), EnrollmentProtocol.CHALLENGE_PATH, () -> body, Answer::parse,
                Answer::denied);
        EnrollmentResponse.Denied d = a.denied();
        if (d != null) {
            throw new EnrollmentClientException(Kind.REFUSED, d.code(), d.retryAfter().orElse(null), d.message(), null);
        }
        AttestationChallenge challenge = a.challenge();
        if (challenge == null) {
            throw new IllegalStateException("an answer is a challenge or a refusal");
        }
        try {
            return attestor.answer(challenge, keys);
        } catch (KeyCustodyException e) {
            throw new EnrollmentClientException(Kind.ATTESTATION, "the TPM could not answer the attestation challenge: " + e.getMessage(), e);
        }
    }
}
