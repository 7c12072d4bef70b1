package com.heartbeatrm.protocol;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an agent's TPM shows before the server challenges it: the endorsement key's certificate (DER, when the
 * manufacturer provisioned one), the endorsement key's public area and a fresh attestation key's public area (each a
 * marshalled {@code TPMT_PUBLIC}). Nothing here is secret. Sizes are bounded here; the contents are judged by the
 * server. Immutable.
 */
public final class AttestationEvidence {
    /** The longest endorsement key certificate, in bytes. */
    public static final int MAX_CERTIFICATE_BYTES = 4096;
    /** The longest public area ({@code TPMT_PUBLIC}), in bytes. */
    public static final int MAX_PUBLIC_AREA_BYTES = 1024;

    private final byte @Nullable [] endorsementCertificate;
    private final byte[] endorsementKeyPublic;
    private final byte[] attestationKeyPublic;

    /**
     * Copies and bounds the three parts.
     *
     * @param endorsementCertificate the EK certificate in DER, 1 to {@link #MAX_CERTIFICATE_BYTES} bytes; empty when
     *                               the TPM has none
     * @param endorsementKeyPublic   the EK's {@code TPMT_PUBLIC}, 1 to {@link #MAX_PUBLIC_AREA_BYTES} bytes
     * @param attestationKeyPublic   the attestation key's {@code TPMT_PUBLIC}, 1 to {@link #MAX_PUBLIC_AREA_BYTES} bytes
     * @throws IllegalArgumentException a part is empty or too long
     */
    public AttestationEvidence(Optional<byte[]> endorsementCertificate, byte[] endorsementKeyPublic, byte[] attestationKeyPublic) {
        this.endorsementCertificate = Objects.requireNonNull(endorsementCertificate, "endorsementCertificate")
                .map(c -> bounded("ekCertificate", c, MAX_CERTIFICATE_BYTES)).orElse(null);
        this.endorsementKeyPublic = bounded("ekPublic", endorsementKeyPublic, MAX_PUBLIC_AREA_BYTES);
        this.attestationKeyPublic = bounded("akPublic", attestationKeyPublic, MAX_PUBLIC_AREA_BYTES);
    }

    static byte[] bounded(String field, byte[] b, int max) {
        Objects.requireNonNull(b, field);
        if (b.length == 0 || b.length > max) {
            throw new IllegalArgumentException(field + ": 1 to " + max + " bytes");
        }
        return b.clone();
    }

    /** {@return a copy of the EK certificate (DER); empty when the TPM has none} */
    public Optional<byte[]> endorsementCertificate() {
        return Optional.ofNullable(endorsementCertificate).map(byte[]::clone);
    }

    /** {@return a copy of the EK's public area (marshalled {@code TPMT_PUBLIC})} */
    public byte[] endorsementKeyPublic() {
        return endorsementKeyPublic.clone();
    }

    /** {@return a copy of the attestation key's public area (marshalled {@code TPMT_PUBLIC})} */
    public byte[] attestationKeyPublic() {
        return attestationKeyPublic.clone();
    }

    @Override
    public String toString() {
        return "AttestationEvidence[ekCertificate=" + (endorsementCertificate != null) + "]";
    }
}
