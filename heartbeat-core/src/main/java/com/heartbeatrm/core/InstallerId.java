package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The id of one issued enrollment token, which is the id of the installer it is embedded in:
 * {@code ins_} followed by 128 random bits in base64url. Public: it names an installer, it admits nothing.
 */
public record InstallerId(String value) {
    static final String PREFIX = "ins";

    public InstallerId {
        RandomIds.check("InstallerId", PREFIX, value);
    }

    public static InstallerId random() {
        return new InstallerId(RandomIds.next(PREFIX));
    }

    public static InstallerId parse(String text) {
        return new InstallerId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
