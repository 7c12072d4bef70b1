package com.heartbeatrm.tpm;

import com.heartbeatrm.tpm.internal.Commands;
import com.heartbeatrm.tpm.internal.DeviceTransport;
import com.heartbeatrm.tpm.internal.EcdsaDer;
import com.heartbeatrm.tpm.internal.PublicArea;
import com.heartbeatrm.tpm.internal.SwtpmTransport;
import com.heartbeatrm.tpm.internal.Templates;
import com.heartbeatrm.tpm.internal.Tpm2;
import com.heartbeatrm.tpm.internal.TpmReader;
import com.heartbeatrm.tpm.internal.Transport;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A connection to a TPM 2.0, in Java with no native code: swtpm's TCP port or the kernel's resource manager.
 *
 * <p>Keys are created under the storage root key (ECC P-256, TCG Provisioning Guidance template), which is re-derived
 * from the TPM's storage seed for each operation and flushed afterwards: nothing stays loaded between calls, and only
 * the wrapped {@link TpmKeyBlob} needs keeping. A blob loads only on the TPM whose seed wrapped it.
 *
 * <p>One instance serializes its commands; it is safe to share between threads.
 */
public final class Tpm implements AutoCloseable {
    private final Transport transport;
    private final Commands commands;
    private final TpmTcti tcti;

    private Tpm(TpmTcti tcti, Transport transport) {
        this.tcti = tcti;
        this.transport = transport;
        this.commands = new Commands(transport);
    }

    /**
     * Connects; {@code timeout} bounds the connection and each command's answer (swtpm; see the device note).
     *
     * @param tcti    where the TPM is
     * @param timeout positive
     * @return an open connection; close it when done
     * @throws TpmException the TPM cannot be reached or does not answer in time
     */
    public static Tpm open(TpmTcti tcti, Duration timeout) throws TpmException {
        Objects.requireNonNull(tcti, "tcti");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        Transport t = tcti.kind() == TpmTcti.Kind.SWTPM
                ? new SwtpmTransport(tcti.host(), tcti.port(), timeout)
                : new DeviceTransport(tcti.device().orElseThrow());
        return new Tpm(tcti, t);
    }

    /** {@return where this connection goes} */
    public TpmTcti tcti() {
        return tcti;
    }

    Commands commands() {
        return commands;
    }

    /**
     * Creates an ECDSA P-256 signing key under the storage root key; only its wrapped blob leaves the TPM.
     *
     * @return the key's blob, to keep on disk and sign with ({@link #sign})
     * @throws TpmException the TPM refused or failed the commands
     */
    public TpmKeyBlob createSigningKey() throws TpmException {
        return createUnderStorageRoot(Templates.signingKeyEccP256(false));
    }

    TpmKeyBlob createUnderStorageRoot(byte[] template) throws TpmException {
        synchronized (commands) {
            int srk = storageRoot();
            try {
                Commands.Wrapped w = commands.create(srk, template);
                return blob(w);
            } finally {
                commands.flushQuietly(srk);
            }
        }
    }

    /**
     * Loads the blob once, and flushes it, to prove that this TPM can use it.
     *
     * @param blob a blob {@link #createSigningKey} made on this TPM
     * @throws TpmException another TPM's blob, a tampered blob, or the TPM failed
     */
    public void checkLoads(TpmKeyBlob blob) throws TpmException {
        synchronized (commands) {
            int srk = storageRoot();
            try {
                commands.flush(commands.load(srk, wrapped(blob)));
            } finally {
                commands.flushQuietly(srk);
            }
        }
    }

    /**
     * Signs SHA-256({@code message}) in the TPM with the key in {@code blob}, loaded for this one signature.
     *
     * @param blob    a blob {@link #createSigningKey} made on this TPM
     * @param message the bytes to sign
     * @return the ECDSA signature in DER, which the JDK's {@code SHA256withECDSA} verifies with
     *         {@link TpmKeyBlob#publicKey()}
     * @throws TpmException this TPM cannot load the key, or the TPM failed
     */
    public byte[] sign(TpmKeyBlob blob, byte[] message) throws TpmException {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        synchronized (commands) {
            int srk = storageRoot();
            try {
                int key = commands.load(srk, wrapped(blob));
                try {
                    Commands.Signature sig = commands.sign(key, digest);
                    return EcdsaDer.encode(sig.r(), sig.s());
                } finally {
                    commands.flushQuietly(key);
                }
            } finally {
                commands.flushQuietly(srk);
            }
        }
    }

    /**
     * The RSA 2048 EK certificate (DER) from NV index 0x01C00002, if the manufacturer provisioned one.
     *
     * @return the certificate, trimmed of NV padding; empty when the index is not defined
     * @throws TpmException the index holds no DER certificate, or the TPM failed
     */
    public Optional<byte[]> endorsementCertificate() throws TpmException {
        return endorsementCertificate(EndorsementKeyType.RSA_2048);
    }

    /**
     * The EK certificate (DER) for {@code type} from its NV index, if the manufacturer provisioned one.
     *
     * @param type which EK
     * @return the certificate, trimmed of NV padding; empty when the index is not defined
     * @throws TpmException the index holds no DER certificate or is over 4096 bytes, or the TPM failed
     */
    public Optional<byte[]> endorsementCertificate(EndorsementKeyType type) throws TpmException {
        synchronized (commands) {
            OptionalInt size = commands.nvSize(type.certificateIndex());
            if (size.isEmpty()) {
                return Optional.empty();
            }
            if (size.getAsInt() == 0 || size.getAsInt() > 4096) {
                throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, "EK certificate NV index size out of range", null);
            }
            return Optional.of(trimDer(commands.nvRead(type.certificateIndex(), size.getAsInt())));
        }
    }

    /** NV indexes may be padded after the certificate: keep exactly the outer DER SEQUENCE. */
    private static byte[] trimDer(byte[] nv) throws TpmException {
        if (nv.length >= 4 && (nv[0] & 0xff) == 0x30 && (nv[1] & 0xff) == 0x82) {
            int len = 4 + (((nv[2] & 0xff) << 8) | (nv[3] & 0xff));
            if (len <= nv.length) {
                return java.util.Arrays.copyOf(nv, len);
            }
        }
        throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, "EK certificate NV index does not hold a DER certificate", null);
    }

    /**
     * The public area of the RSA 2048 EK (default template L-1), re-created from the endorsement seed.
     *
     * @return the marshalled TPMT_PUBLIC
     * @throws TpmException the TPM failed
     */
    public byte[] endorsementKeyPublic() throws TpmException {
        return endorsementKeyPublic(EndorsementKeyType.RSA_2048);
    }

    /**
     * The public area of the EK of {@code type} (its default template), re-created from the endorsement seed.
     *
     * @param type which EK
     * @return the marshalled TPMT_PUBLIC
     * @throws TpmException the TPM failed
     */
    public byte[] endorsementKeyPublic(EndorsementKeyType type) throws TpmException {
        synchronized (commands) {
            Commands.Created ek = commands.createPrimary(Tpm2.RH_ENDORSEMENT, type.template());
            commands.flushQuietly(ek.handle());
            return ek.publicArea();
        }
    }

    int storageRoot() throws TpmException {
        return commands.createPrimary(Tpm2.RH_OWNER, Templates.storagePrimaryEccP256()).handle();
    }

    static Commands.Wrapped wrapped(TpmKeyBlob blob) {
        return new Commands.Wrapped(blob.privateBlob(), blob.publicArea());
    }

    static TpmKeyBlob blob(Commands.Wrapped w) throws TpmException {
        try {
            return new TpmKeyBlob(w.publicArea(), w.privateBlob());
        } catch (TpmReader.Malformed e) {
            throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, "TPM2_Create returned " + e.getMessage(), e);
        }
    }

    static PublicArea parsePublic(byte[] area, String what) throws TpmException {
        try {
            return PublicArea.parse(area);
        } catch (TpmReader.Malformed e) {
            throw new TpmException(TpmException.Kind.MALFORMED_RESPONSE, what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "Tpm[" + tcti + "]";
    }
}
