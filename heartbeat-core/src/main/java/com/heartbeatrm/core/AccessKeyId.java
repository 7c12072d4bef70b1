package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The public, unguessable id of an access key: {@code hbk_} followed by 128 random bits in base64url.
 * Safe to show in logs, audit records and URLs.
 */
public record AccessKeyId(String value) {
    static final String PREFIX = "hbk";

    public AccessKeyId {
        RandomIds.check("AccessKeyId", PREFIX, value);
    }

    /** A fresh random id. */
    public static AccessKeyId random() {
        return new AccessKeyId(RandomIds.next(PREFIX));
    }

    /** Parses untrusted text, throwing {@link InvalidInputException} when it is not an id of this kind. */
    public static AccessKeyId parse(String text) {
        return new AccessKeyId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
