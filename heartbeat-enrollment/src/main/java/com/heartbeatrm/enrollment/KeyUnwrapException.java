package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.HeartbeatException;

/** A wrapped private key could not be decrypted: wrong key-encryption key, or the stored data was altered. */
public class KeyUnwrapException extends HeartbeatException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure to unwrap.
     *
     * @param message names the key's id, never key material
     */
    public KeyUnwrapException(String message) {
        super(message);
    }
}
