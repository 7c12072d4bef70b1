package com.heartbeatrm.installer;

import com.heartbeatrm.protocol.EnrollmentToken;
import java.util.Objects;

/** A token found in an installer, not yet verified. Prints without the token. */
public final class InstallerTag {
    private final InstallerFormat format;
    private final EnrollmentToken token;

    InstallerTag(InstallerFormat format, EnrollmentToken token) {
        this.format = Objects.requireNonNull(format);
        this.token = Objects.requireNonNull(token);
    }

    /** {@return the format the token was found in} */
    public InstallerFormat format() {
        return format;
    }

    /** {@return the token as found, not yet verified} */
    public EnrollmentToken token() {
        return token;
    }

    @Override
    public String toString() {
        return "InstallerTag[" + format + ", token redacted]";
    }
}
