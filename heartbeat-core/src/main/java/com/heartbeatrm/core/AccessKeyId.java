package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The public, unguessable id of an access key: {@code hbk_} followed by 128 random bits in base64url.
 * Safe to show in logs, audit records and URLs.
 */
public record AccessKeyId(String value) {
    static final String PREFIX = "hbk";

    /**
     * Checks the shape: {@code hbk_} and 22 base64url characters in canonical form.
     *
     * @param value the id text
     * @throws InvalidInputException when the text is not an access key id
     */
    public AccessKeyId {
        RandomIds.check("AccessKeyId", PREFIX, value);
    }

    /**
     * A fresh random id, from a {@link java.security.SecureRandom}.
     *
     * @return a new id, unguessable
     */
    public static AccessKeyId random() {
        return new AccessKeyId(RandomIds.next(PREFIX));
    }

    /**
     * Parses untrusted text, throwing {@link InvalidInputException} when it is not an id of this kind.
     *
     * @param text the id as received, e.g. from a URL or an installer
     * @return the id
     */
    public static AccessKeyId parse(String text) {
        return new AccessKeyId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
