package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.EnrollmentToken;
import com.heartbeatrm.core.InstallerRecord;
import java.util.Objects;

/**
 * A freshly issued token and its record. The token text is available once, here; the store never keeps it. The
 * token guards itself (it prints redacted and compares in constant time), so this record shows and compares
 * nothing secret.
 *
 * @param token the token to embed into an installer
 */
public record IssuedToken(InstallerRecord record, EnrollmentToken token) {
    public IssuedToken {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "IssuedToken[" + record.id() + " for key " + record.accessKeyId() + "]";
    }
}
