package com.heartbeatrm.tpm;

import com.heartbeatrm.agent.AgentKeyCustody;
import com.heartbeatrm.agent.CustodyKey;
import com.heartbeatrm.agent.DeviceP256Key;
import com.heartbeatrm.agent.KeyCustodyException;
import com.heartbeatrm.agent.KeyCustodyException.Kind;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The agent key in a TPM 2.0: an ECDSA P-256 key created under the TPM's storage root key
 * ({@link Tpm#createSigningKey}: {@code fixedTPM}, {@code fixedParent}, {@code sensitiveDataOrigin}), whose private
 * part never leaves the TPM. The state directory keeps only the wrapped {@link TpmKeyBlob} as the key's
 * {@link CustodyKey#reference()}: on another TPM (a state directory copied to another computer, a replaced or cleared
 * TPM) the blob does not load, and {@link #open} refuses with {@link KeyCustodyException.Kind#NOT_FOUND}, so the agent
 * stops instead of enrolling again as someone else.
 *
 * <p>The custody uses the {@link Tpm} connection it is given (share it with a {@link TpmEnrollmentAttestor}: swtpm
 * serves one connection at a time) and does not close it. Every signature loads the key, signs and flushes it
 * ({@link Tpm}). Thread-safe.
 */
public final class TpmKeyCustody implements AgentKeyCustody {
    /** The custody's name, as the state directory records it. */
    public static final String NAME = "tpm";

    private final Tpm tpm;

    /**
     * A custody of keys in the TPM behind {@code tpm}.
     *
     * @param tpm an open connection, shared; not closed by the custody
     */
    public TpmKeyCustody(Tpm tpm) {
        this.tpm = Objects.requireNonNull(tpm, "tpm");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@return {@link AgentKeyAlgorithm#ECDSA_P256}: a TPM has no Ed25519} */
    @Override
    public AgentKeyAlgorithm algorithm() {
        return AgentKeyAlgorithm.ECDSA_P256;
    }

    @Override
    public CustodyKey generate() throws KeyCustodyException {
        try {
            TpmKeyBlob blob = tpm.createSigningKey();
            tpm.checkLoads(blob);
            return new TpmCustodyKey(tpm, blob);
        } catch (TpmException e) {
            throw new KeyCustodyException(Kind.UNAVAILABLE, "the TPM could not create a key: " + e.getMessage(), e);
        }
    }

    @Override
    public CustodyKey open(AgentKeyAlgorithm algorithm, byte[] publicKey, byte[] reference) throws KeyCustodyException {
        if (algorithm != AgentKeyAlgorithm.ECDSA_P256 || reference.length > MAX_REFERENCE_BYTES) {
            throw new KeyCustodyException(Kind.NOT_FOUND, "the recorded key is not a TPM agent key");
        }
        TpmKeyBlob blob;
        try {
            blob = TpmKeyBlob.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(Kind.NOT_FOUND, "the recorded key is not a TPM key blob: " + e.getMessage());
        }
        if (!MessageDigest.isEqual(AgentKeyAlgorithm.sec1Of(blob.publicKey()), publicKey)) {
            throw new KeyCustodyException(Kind.NOT_FOUND, "the recorded TPM key blob holds another public key");
        }
        try {
            tpm.checkLoads(blob);
            return new TpmCustodyKey(tpm, blob);
        } catch (TpmException e) {
            if (e.kind() == TpmException.Kind.TPM_ERROR) {
                throw new KeyCustodyException(Kind.NOT_FOUND, "this TPM does not hold the agent key (" + e.getMessage()
                        + "): the state directory belongs to another TPM or computer, or the TPM was cleared", e);
            }
            throw new KeyCustodyException(Kind.UNAVAILABLE, "the TPM could not be used: " + e.getMessage(), e);
        }
    }

    /**
     * The blob of a key this custody holds, for a {@link TpmEnrollmentAttestor} to certify.
     *
     * @param key a key of a TPM custody
     * @return its wrapped blob
     * @throws KeyCustodyException {@code UNSUPPORTED}: not a TPM custody's key
     */
    static TpmKeyBlob blobOf(CustodyKey key) throws KeyCustodyException {
        if (!NAME.equals(key.custody()) || key.algorithm() != AgentKeyAlgorithm.ECDSA_P256) {
            throw new KeyCustodyException(Kind.UNSUPPORTED, "only a key held by the TPM custody can be attested, not a "
                    + key.custody() + " key");
        }
        try {
            TpmKeyBlob blob = TpmKeyBlob.parse(key.reference());
            if (!MessageDigest.isEqual(AgentKeyAlgorithm.sec1Of(blob.publicKey()), key.publicKey())) {
                throw new KeyCustodyException(Kind.UNSUPPORTED, "the key's TPM blob holds another public key");
            }
            return blob;
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(Kind.UNSUPPORTED, "the key's reference is not a TPM key blob: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "AgentKeyCustody[tpm, " + tpm.tcti() + "]";
    }

    /** A key in the TPM: signs there (DER), never leaves it; its wrapped blob is the reference. */
    private static final class TpmCustodyKey extends DeviceP256Key {
        private final Tpm tpm;
        private final TpmKeyBlob blob;

        TpmCustodyKey(Tpm tpm, TpmKeyBlob blob) {
            super(NAME, AgentKeyAlgorithm.sec1Of(blob.publicKey()), blob.encoded());
            this.tpm = tpm;
            this.blob = blob;
        }

        @Override
        protected byte[] signInDevice(byte[] message) throws KeyCustodyException {
            try {
                return tpm.sign(blob, message);
            } catch (TpmException e) {
                throw new KeyCustodyException(Kind.UNAVAILABLE, "the TPM could not sign: " + e.getMessage(), e);
            }
        }
    }
}
