package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.core.InstallerRecord;
import java.util.Objects;

/** A freshly issued token and its record. The token text is available once, here; the store never keeps it. */
public final class IssuedToken {
    private final InstallerRecord record;
    private final EnrollmentToken token;

    IssuedToken(InstallerRecord record, EnrollmentToken token) {
        this.record = Objects.requireNonNull(record);
        this.token = Objects.requireNonNull(token);
    }

    /**
     * The installer's record, as stored.
     *
     * @return the record (it holds no token text)
     */
    public InstallerRecord record() {
        return record;
    }

    /**
     * The token to embed into an installer; it prints redacted.
     *
     * @return the token, a secret until an agent enrolls with it
     */
    public EnrollmentToken token() {
        return token;
    }

    @Override
    public String toString() {
        return "IssuedToken[" + record.id() + " for key " + record.accessKeyId() + "]";
    }
}
