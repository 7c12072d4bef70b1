package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The id of one issued enrollment token, which is the id of the installer it is embedded in:
 * {@code ins_} followed by 128 random bits in base64url. Public: it names an installer, it admits nothing.
 *
 * @param value the id text
 */
public record InstallerId(String value) {
    static final String PREFIX = "ins";

    /**
     * Checks the shape: {@code ins_} and 22 base64url characters in canonical form.
     *
     * @param value the id text
     * @throws InvalidInputException when the text is not an installer id
     */
    public InstallerId {
        RandomIds.check("InstallerId", PREFIX, value);
    }

    /**
     * A fresh random id, from a {@link java.security.SecureRandom}.
     *
     * @return a new id, unguessable
     */
    public static InstallerId random() {
        return new InstallerId(RandomIds.next(PREFIX));
    }

    /**
     * Parses untrusted text, throwing {@link InvalidInputException} when it is not an id of this kind.
     *
     * @param text the id as received
     * @return the id
     */
    public static InstallerId parse(String text) {
        return new InstallerId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
