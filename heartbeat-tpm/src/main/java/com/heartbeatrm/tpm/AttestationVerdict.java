package com.heartbeatrm.tpm;

import java.security.PublicKey;
import java.util.Objects;

/** What the verifier decided: {@link Attested} with what was proven, or {@link Refused} with the reason. */
public sealed interface AttestationVerdict {

    /**
     * The agent key lives in a TPM whose EK is trusted: certified by an attestation key bound to that EK, with
     * fixedTPM and fixedParent. {@code endorsementKeySha256} is the lowercase hex SHA-256 of the EK's
     * SubjectPublicKeyInfo; {@code trustedBy} is the lowercase hex SHA-256 of the manufacturer CA's certificate
     * ({@link AttestationVerifier#certificateSha256}), or "allow-list".
     *
     * @param agentKey             the proven agent key
     * @param agentKeyPublicArea   its TPMT_PUBLIC as certified (copied in and out)
     * @param endorsementKeySha256 the EK's identity, 64 lower-case hex digits
     * @param trustedBy            the SHA-256 fingerprint of the manufacturer CA that vouched for the EK, or "allow-list"
     */
    record Attested(PublicKey agentKey, byte[] agentKeyPublicArea, String endorsementKeySha256, String trustedBy)
            implements AttestationVerdict {
        /**
         * Copies the public area; refuses a null component with a {@code NullPointerException}.
         *
         * @param agentKey             the proven agent key
         * @param agentKeyPublicArea   its certified TPMT_PUBLIC
         * @param endorsementKeySha256 the EK's identity
         * @param trustedBy            who vouched for the EK
         */
        public Attested {
            Objects.requireNonNull(agentKey, "agentKey");
            agentKeyPublicArea = agentKeyPublicArea.clone();
            Objects.requireNonNull(endorsementKeySha256, "endorsementKeySha256");
            Objects.requireNonNull(trustedBy, "trustedBy");
        }

        /** {@return a copy of the agent key's certified public area} */
        @Override
        public byte[] agentKeyPublicArea() {
            return agentKeyPublicArea.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Attested a && agentKey.equals(a.agentKey) && endorsementKeySha256.equals(a.endorsementKeySha256)
                    && trustedBy.equals(a.trustedBy);
        }

        @Override
        public int hashCode() {
            return Objects.hash(agentKey, endorsementKeySha256, trustedBy);
        }

        @Override
        public String toString() {
            return "Attested[ek=" + endorsementKeySha256 + ", trustedBy=" + trustedBy + "]";
        }
    }

    /**
     * Refused: {@code reason} goes on the wire; {@code detail} names the failed check, for logs and audit.
     *
     * @param reason the refusal the protocol carries
     * @param detail the failed check in words; names no secret
     */
    record Refused(AttestationRefusal reason, String detail) implements AttestationVerdict {
        /**
         * Refuses a null component with a {@code NullPointerException}.
         *
         * @param reason the refusal the protocol carries
         * @param detail the failed check in words
         */
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
