package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.HeartbeatException;

/**
 * The PKCS#11 token or HSM that holds the issuer signing keys could not be opened or used, or does not hold a key the
 * store names. The message names the token and the key, never a PIN.
 */
public class IssuerTokenException extends HeartbeatException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure of the issuer's token.
     *
     * @param message what failed, naming no PIN or key material
     */
    public IssuerTokenException(String message) {
        super(message);
    }
}
