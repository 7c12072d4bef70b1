package com.heartbeatrm.tpm;

import com.heartbeatrm.tpm.internal.Tpm2;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an agent sends to start attestation: its TPM's EK certificate (DER, if provisioned), the EK's public area and
 * the attestation key's public area (marshalled TPMT_PUBLIC). Nothing here is secret. Sizes are bounded here; the
 * contents are parsed and judged by {@link AttestationVerifier#challenge}.
 */
public final class AttestationRequest {
    static final int MAX_CERTIFICATE = 4096;

    private final byte @Nullable [] endorsementCertificate;
    private final byte[] endorsementKeyPublic;
    private final byte[] attestationKeyPublic;

    /**
     * Copies and bounds the three parts; nothing is parsed yet.
     *
     * @param endorsementCertificate the EK certificate in DER, 1 to 4096 bytes, when the TPM has one provisioned
     * @param endorsementKeyPublic   the EK's marshalled TPMT_PUBLIC, 1 to {@code Tpm2.MAX_PUBLIC} bytes
     * @param attestationKeyPublic   the attestation key's marshalled TPMT_PUBLIC, same bounds
     * @throws IllegalArgumentException a part is empty or larger than its bound
     */
    public AttestationRequest(Optional<byte[]> endorsementCertificate, byte[] endorsementKeyPublic, byte[] attestationKeyPublic) {
        this.endorsementCertificate = endorsementCertificate.map(byte[]::clone).orElse(null);
        this.endorsementKeyPublic = bounded(endorsementKeyPublic, Tpm2.MAX_PUBLIC, "endorsement key public area");
        this.attestationKeyPublic = bounded(attestationKeyPublic, Tpm2.MAX_PUBLIC, "attestation key public area");
        if (this.endorsementCertificate != null) {
            bounded(this.endorsementCertificate, MAX_CERTIFICATE, "endorsement certificate");
        }
    }

    static byte[] bounded(byte[] b, int max, String what) {
        Objects.requireNonNull(b, what);
        if (b.length == 0 || b.length > max) {
            throw new IllegalArgumentException(what + " must be 1.." + max + " bytes, got " + b.length);
        }
        return b.clone();
    }

    /** {@return a copy of the EK certificate (DER); empty when the TPM has none provisioned} */
    public Optional<byte[]> endorsementCertificate() {
        return Optional.ofNullable(endorsementCertificate).map(byte[]::clone);
    }

    /** {@return a copy of the EK's public area (marshalled TPMT_PUBLIC)} */
    public byte[] endorsementKeyPublic() {
        return endorsementKeyPublic.clone();
    }

    /** {@return a copy of the attestation key's public area (marshalled TPMT_PUBLIC)} */
    public byte[] attestationKeyPublic() {
        return attestationKeyPublic.clone();
    }

    @Override
    public String toString() {
        return "AttestationRequest[ekCertificate=" + (endorsementCertificate != null) + "]";
    }
}
