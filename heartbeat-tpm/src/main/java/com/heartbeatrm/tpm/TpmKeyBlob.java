package com.heartbeatrm.tpm;

import com.heartbeatrm.tpm.internal.PublicArea;
import com.heartbeatrm.tpm.internal.Tpm2;
import com.heartbeatrm.tpm.internal.TpmReader;
import com.heartbeatrm.tpm.internal.TpmWriter;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * A key made inside a TPM, as the TPM exported it: its public area (TPM2B_PUBLIC) and its private area wrapped by the
 * TPM's storage root key (TPM2B_PRIVATE). Only the TPM that made it can load it; a copy is useless elsewhere. This is
 * what an agent keeps in its state directory. {@link #encoded()} and {@link #parse} give a small versioned file
 * format: {@code "HBTK" 0x01 TPM2B_PUBLIC TPM2B_PRIVATE}.
 */
public final class TpmKeyBlob {
    private static final byte[] MAGIC = {'H', 'B', 'T', 'K', 1};
    private static final int MAX_ENCODED = MAGIC.length + 4 + Tpm2.MAX_PUBLIC + Tpm2.MAX_PRIVATE;

    private final PublicArea publicArea;
    private final byte[] privateBlob;

    TpmKeyBlob(byte[] publicArea, byte[] privateBlob) throws TpmReader.Malformed {
        this.publicArea = PublicArea.parse(publicArea);
        if (privateBlob.length == 0 || privateBlob.length > Tpm2.MAX_PRIVATE) {
            throw new TpmReader.Malformed("private blob size out of range");
        }
        this.privateBlob = privateBlob.clone();
        if (!this.publicArea.has(Tpm2.SIGN) || this.publicArea.type() != Tpm2.ALG_ECC) {
            throw new TpmReader.Malformed("not an ECC signing key");
        }
        this.publicArea.toPublicKey();
    }

    /**
     * Reads what {@link #encoded()} wrote. Refuses anything else (wrong magic or version, truncated, trailing bytes,
     * a public area that is not an ECDSA P-256 signing key) with {@link IllegalArgumentException}.
     *
     * @param encoded the bytes {@link #encoded()} wrote
     * @return the blob
     */
    public static TpmKeyBlob parse(byte[] encoded) {
        try {
            if (encoded.length > MAX_ENCODED) {
                throw new TpmReader.Malformed("key blob too long");
            }
            TpmReader r = new TpmReader(encoded);
            if (!Arrays.equals(r.raw(MAGIC.length, "magic"), MAGIC)) {
                throw new TpmReader.Malformed("not a TPM key blob (magic or version)");
            }
            byte[] pub = r.sized(Tpm2.MAX_PUBLIC, "public");
            byte[] priv = r.sized(Tpm2.MAX_PRIVATE, "private");
            r.expectEnd("key blob");
            return new TpmKeyBlob(pub, priv);
        } catch (TpmReader.Malformed e) {
            throw new IllegalArgumentException("malformed TPM key blob: " + e.getMessage(), e);
        }
    }

    /** {@return the blob as bytes to keep on disk: magic and version, the public area, the wrapped private part} */
    public byte[] encoded() {
        return new TpmWriter().raw(MAGIC).sized(publicArea.encoded()).sized(privateBlob).toByteArray();
    }

    /** {@return the marshalled TPMT_PUBLIC} */
    public byte[] publicArea() {
        return publicArea.encoded();
    }

    byte[] privateBlob() {
        return privateBlob.clone();
    }

    /** {@return the TPM name of the key: SHA-256 algorithm id, then the hash of its public area} */
    public byte[] name() {
        return publicArea.name();
    }

    /** {@return the key's ECDSA P-256 public key, from its public area} */
    public PublicKey publicKey() {
        try {
            return publicArea.toPublicKey();
        } catch (TpmReader.Malformed e) {
            throw new IllegalStateException("checked at construction", e);
        }
    }

    @Override
    public String toString() {
        return "TpmKeyBlob[ECDSA P-256]";
    }
}
