package com.heartbeatrm.tpm;

/** Why attestation was refused; {@link #code()} is the denial code the protocol will carry. */
public enum AttestationRefusal {
    /** The EK certificate does not chain to a trusted manufacturer CA and the EK is not on the allow-list. */
    UNTRUSTED("attestation_untrusted"),
    /** The evidence does not parse or does not prove what it must (signature, attributes, names, activation). */
    INVALID("attestation_invalid"),
    /** The challenge was older than the verifier's maximum age when answered. */
    STALE("attestation_stale"),
    /** The challenge was already answered, or the answer was made for another challenge. */
    REPLAYED("attestation_replayed");

    private final String code;

    AttestationRefusal(String code) {
        this.code = code;
    }

    /** {@return the protocol's denial code for this refusal, e.g. {@code attestation_untrusted}; lower-case ASCII} */
    public String code() {
        return code;
    }
}
