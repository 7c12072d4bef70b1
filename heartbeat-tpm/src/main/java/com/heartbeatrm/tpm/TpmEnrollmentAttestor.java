package com.heartbeatrm.tpm;

import com.heartbeatrm.agent.CustodyKey;
import com.heartbeatrm.agent.EnrollmentAttestor;
import com.heartbeatrm.agent.KeyCustodyException;
import com.heartbeatrm.agent.KeyCustodyException.Kind;
import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.protocol.EnrollmentAttestation;
import java.util.Objects;

/**
 * Attests an agent's enrollments with its TPM, over a {@link TpmAttestor}: {@link #begin()} reads the endorsement key
 * (certificate and public area) and creates a fresh attestation key; {@link #answer} activates the server's credential
 * and certifies the agent key, which must be held by a {@link TpmKeyCustody} on the same TPM. Plug it into
 * {@code EnrollmentClient.Builder.attestor}. Uses the {@link Tpm} connection it is given and does not close it.
 * Thread-safe.
 */
public final class TpmEnrollmentAttestor implements EnrollmentAttestor {
    private final TpmAttestor attestor;

    /**
     * An attestor with the TPM's RSA 2048 endorsement key, the one every TPM has.
     *
     * @param tpm an open connection, shared with the agent key's {@link TpmKeyCustody}
     */
    public TpmEnrollmentAttestor(Tpm tpm) {
        this(tpm, EndorsementKeyType.RSA_2048);
    }

    /**
     * An attestor with the endorsement key of {@code type}.
     *
     * @param tpm  an open connection, shared with the agent key's {@link TpmKeyCustody}
     * @param type which endorsement key proves the TPM
     */
    public TpmEnrollmentAttestor(Tpm tpm, EndorsementKeyType type) {
        this(new TpmAttestor(Objects.requireNonNull(tpm, "tpm"), Objects.requireNonNull(type, "type")));
    }

    TpmEnrollmentAttestor(TpmAttestor attestor) {
        this.attestor = attestor;
    }

    @Override
    public AttestationEvidence begin() throws KeyCustodyException {
        try {
            return attestor.request();
        } catch (TpmException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "the TPM could not make attestation evidence: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "the TPM's attestation evidence is out of bounds: " + e.getMessage(), e);
        }
    }

    @Override
    public EnrollmentAttestation answer(AttestationChallenge challenge, CustodyKey key) throws KeyCustodyException {
        Objects.requireNonNull(challenge, "challenge");
        TpmKeyBlob blob = TpmKeyCustody.blobOf(Objects.requireNonNull(key, "key"));
        try {
            AttestationResponse r = attestor.respond(challenge, blob);
            return new EnrollmentAttestation(challenge.challengeId(), r.activatedCredential(), r.certifyInfo(), r.signature(),
                    r.agentKeyPublic());
        } catch (TpmException e) {
            Kind kind = e.kind() == TpmException.Kind.TPM_ERROR ? Kind.NOT_FOUND : Kind.UNAVAILABLE;
            throw new KeyCustodyException(kind, "the TPM could not answer the challenge: " + e.getMessage(), e);
        }
    }

    /**
     * The server side's view of an answer, for tests and benchmarks that judge it with an {@link AttestationVerifier}.
     *
     * @param a an answer of {@link #answer}
     * @return the same parts as an {@link AttestationResponse}
     */
    static AttestationResponse asResponse(EnrollmentAttestation a) {
        return new AttestationResponse(a.credential(), a.certifyInfo(), a.signature(), a.keyPublic());
    }

    @Override
    public String toString() {
        return "TpmEnrollmentAttestor[" + attestor + "]";
    }
}
