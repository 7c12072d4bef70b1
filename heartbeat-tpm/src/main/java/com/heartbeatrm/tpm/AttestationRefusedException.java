package com.heartbeatrm.tpm;

/** {@link AttestationVerifier#challenge} refused the request before issuing a challenge. */
public final class AttestationRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient AttestationVerdict.Refused refusal;

    AttestationRefusedException(AttestationVerdict.Refused refusal) {
        super(refusal.reason().code() + ": " + refusal.detail());
        this.refusal = refusal;
    }

    /** {@return the refusal: its reason for the wire and the failed check for logs} */
    public AttestationVerdict.Refused refusal() {
        return refusal;
    }
}
