package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.HeartbeatCheckedException;

/**
 * {@link AttestationVerifier#challenge} refused the request before issuing a challenge. A
 * {@link HeartbeatCheckedException}, the agent side's one checked root (this module's exceptions all derive from it).
 */
public final class AttestationRefusedException extends HeartbeatCheckedException {
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
