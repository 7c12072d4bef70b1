package com.heartbeatrm.installer;

import com.heartbeatrm.agent.EnrollmentToken;
import java.util.Objects;

/**
 * A token found in an installer, not yet verified. The token guards itself (it prints redacted and compares in
 * constant time), so this record shows and compares nothing secret.
 */
public record InstallerTag(InstallerFormat format, EnrollmentToken token) {
    public InstallerTag {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "InstallerTag[" + format + ", token redacted]";
    }
}
