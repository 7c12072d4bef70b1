package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.tpm.internal.Attest;
import com.heartbeatrm.tpm.internal.Commands;
import com.heartbeatrm.tpm.internal.Templates;
import com.heartbeatrm.tpm.internal.Tpm2;
import org.jspecify.annotations.Nullable;

/**
 * The agent side of TPM 2.0 attestation: {@link #request()} gathers the EK certificate and public area and creates
 * an attestation key (restricted ECDSA P-256 signing, under the storage root key); {@link #respond} activates the
 * server's credential with the EK (a policy session satisfying PolicySecret(endorsement)) and has the attestation
 * key certify the agent's {@link TpmKeyBlob} over the server's nonce. One attestor answers challenges for the
 * attestation key it created.
 */
public final class TpmAttestor {
    private final Tpm tpm;
    private final EndorsementKeyType endorsementKeyType;
    private final byte[] attestationKeyTemplate;
    private @Nullable TpmKeyBlob attestationKey;

    /**
     * An attestor using the RSA 2048 EK, the one every TPM has.
     *
     * @param tpm the connection to use
     */
    public TpmAttestor(Tpm tpm) {
        this(tpm, EndorsementKeyType.RSA_2048);
    }

    /**
     * An attestor using the EK of {@code endorsementKeyType}; the attestation key is ECDSA P-256, restricted.
     *
     * @param tpm                the connection to use
     * @param endorsementKeyType which EK proves the TPM
     */
    public TpmAttestor(Tpm tpm, EndorsementKeyType endorsementKeyType) {
        this(tpm, endorsementKeyType, Templates.signingKeyEccP256(true));
    }

    /** With another attestation-key template: only for tests that must see a wrong AK refused. */
    TpmAttestor(Tpm tpm, EndorsementKeyType endorsementKeyType, byte[] attestationKeyTemplate) {
        this.tpm = tpm;
        this.endorsementKeyType = java.util.Objects.requireNonNull(endorsementKeyType, "endorsementKeyType");
        this.attestationKeyTemplate = attestationKeyTemplate.clone();
    }

    /**
     * The same attestation key, used through another connection to the same TPM (e.g. after a reconnect).
     *
     * @param other a connection to the same TPM
     * @return a new attestor; this one is unchanged
     */
    public synchronized TpmAttestor reconnected(Tpm other) {
        TpmAttestor copy = new TpmAttestor(other, endorsementKeyType, attestationKeyTemplate);
        copy.attestationKey = attestationKey;
        return copy;
    }

    /**
     * Reads the EK certificate (if any) and the EK public area, and creates a new attestation key, replacing any
     * earlier one.
     *
     * @return what to send to the server's {@link AttestationVerifier#challenge}
     * @throws TpmException the TPM failed
     */
    public synchronized AttestationEvidence request() throws TpmException {
        attestationKey = tpm.createUnderStorageRoot(attestationKeyTemplate);
        return new AttestationEvidence(tpm.endorsementCertificate(endorsementKeyType), tpm.endorsementKeyPublic(endorsementKeyType),
                attestationKey.publicArea());
    }

    /**
     * Answers the server's challenge for the agent key {@code agentKey}: activates the credential with the EK and
     * certifies the agent key with the attestation key over the challenge's nonce.
     *
     * @param challenge what the server sent
     * @param agentKey  the agent's signing key, made on this TPM
     * @return the answer for {@link AttestationVerifier#verify}
     * @throws TpmException the TPM refused (e.g. a challenge for another EK or attestation key) or failed
     * @throws IllegalStateException {@link #request()} was not called first
     */
    public synchronized AttestationResponse respond(AttestationChallenge challenge, TpmKeyBlob agentKey) throws TpmException {
        if (attestationKey == null) {
            throw new IllegalStateException("request() first: there is no attestation key to answer with");
        }
        Commands c = tpm.commands();
        synchronized (c) {
            int srk = tpm.storageRoot();
            try {
                int ak = c.load(srk, Tpm.wrapped(attestationKey));
                try {
                    byte[] credential = activate(c, ak, endorsementKeyType, challenge);
                    int agent = c.load(srk, Tpm.wrapped(agentKey));
                    try {
                        Commands.Certified certified = c.certify(agent, ak, challenge.nonce());
                        byte[] signature = Attest.ecdsaSignature(certified.signature().r(), certified.signature().s());
                        return new AttestationResponse(credential, certified.attest(), signature, agentKey.publicArea());
                    } finally {
                        c.flushQuietly(agent);
                    }
                } finally {
                    c.flushQuietly(ak);
                }
            } finally {
                c.flushQuietly(srk);
            }
        }
    }

    private static byte[] activate(Commands c, int ak, EndorsementKeyType type, AttestationChallenge challenge)
            throws TpmException {
        int ek = c.createPrimary(Tpm2.RH_ENDORSEMENT, type.template()).handle();
        try {
            int session = c.endorsementPolicySession();
            try {
                return c.activateCredential(ak, ek, session, challenge.credentialBlob(), challenge.encryptedSecret());
            } finally {
                c.flushQuietly(session); // already gone when the command succeeded (continueSession clear)
            }
        } finally {
            c.flushQuietly(ek);
        }
    }

    @Override
    public String toString() {
        return "TpmAttestor[" + tpm.tcti() + "]";
    }
}
