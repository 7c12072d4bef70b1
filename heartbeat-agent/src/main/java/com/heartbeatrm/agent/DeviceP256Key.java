package com.heartbeatrm.agent;

import com.heartbeatrm.agent.KeyCustodyException.Kind;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.util.Objects;

/**
 * An ECDSA P-256 agent key that lives in a device (a PKCS#11 token, a TPM) and never leaves it. The device signs
 * SHA-256 with ECDSA and answers in DER, as both do; this class turns that into the protocol's P1363 form and keeps the
 * public key and the custody's reference. A custody of another device extends it with {@link #signInDevice}.
 */
public abstract class DeviceP256Key implements CustodyKey {
    private final String custody;
    private final byte[] publicKey;
    private final byte[] reference;

    /**
     * Keeps what the state directory records of the key.
     *
     * @param custody   the custody's name, as {@link AgentKeyCustody#name()}
     * @param publicKey the key's public key, SEC1 uncompressed (65 bytes)
     * @param reference what finds the key in the device again
     * @throws IllegalArgumentException the public key is not 65 bytes
     */
    protected DeviceP256Key(String custody, byte[] publicKey, byte[] reference) {
        this.custody = Objects.requireNonNull(custody, "custody");
        if (publicKey.length != 65) {
            throw new IllegalArgumentException("a P-256 public key is 65 bytes, SEC1 uncompressed");
        }
        this.publicKey = publicKey.clone();
        this.reference = reference.clone();
    }

    /**
     * Signs in the device.
     *
     * @param message the bytes to sign (the device hashes them with SHA-256)
     * @return the ECDSA signature in DER, as the device returns it
     * @throws KeyCustodyException the device could not sign; its message names the device, never a secret
     */
    protected abstract byte[] signInDevice(byte[] message) throws KeyCustodyException;

    @Override
    public final AgentKeyAlgorithm algorithm() {
        return AgentKeyAlgorithm.ECDSA_P256;
    }

    @Override
    public final byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * {@inheritDoc}
     *
     * @throws KeyCustodyException.Unchecked holding a {@link KeyCustodyException} when the device cannot sign or answers with
     *     a signature that is not a P-256 DER signature
     */
    @Override
    public final byte[] sign(byte[] message) {
        try {
            return AgentKeyAlgorithm.p1363FromDer(signInDevice(message));
        } catch (KeyCustodyException e) {
            throw new KeyCustodyException.Unchecked(e);
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException.Unchecked(new KeyCustodyException(Kind.UNAVAILABLE,
                    "the " + custody + " custody answered with a malformed signature", e));
        }
    }

    @Override
    public final String custody() {
        return custody;
    }

    @Override
    public final byte[] reference() {
        return reference.clone();
    }

    @Override
    public String toString() {
        return "CustodyKey[" + custody + ", ecdsa-p256 " + fingerprint().substring(0, 16) + "…]";
    }
}
