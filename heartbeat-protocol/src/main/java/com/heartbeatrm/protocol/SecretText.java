package com.heartbeatrm.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Bearer text (an enrollment token, an agent credential): read only through {@link #reveal()}, compared in
 * constant time and only with text of the same kind, never printed.
 */
public abstract sealed class SecretText permits AgentCredential, EnrollmentToken {
    private final String text;

    SecretText(String text) {
        this.text = text;
    }

    /** {@return the text, to embed into an installer or send to the server; never to log} */
    public final String reveal() {
        return text;
    }

    /** {@return the length of the text, which is not secret} */
    public final int length() {
        return text.length();
    }

    @Override
    // Deliberately by class: an access key's secret never equals an enrollment token with the same text.
    @SuppressWarnings("EqualsGetClass")
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass()
                && MessageDigest.isEqual(((SecretText) o).text.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public final int hashCode() {
        return text.length();
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + "[redacted, " + text.length() + " chars]";
    }
}
