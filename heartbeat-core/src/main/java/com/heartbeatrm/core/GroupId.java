package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The public, unguessable id of an group: {@code grp_} followed by 128 random bits in base64url.
 * Safe to show in logs, audit records and URLs.
 */
public record GroupId(String value) implements java.io.Serializable {
    static final String PREFIX = "grp";

    public GroupId {
        RandomIds.check("GroupId", PREFIX, value);
    }

    /** A fresh random id. */
    public static GroupId random() {
        return new GroupId(RandomIds.next(PREFIX));
    }

    /** Parses untrusted text, throwing {@link InvalidInputException} when it is not an id of this kind. */
    public static GroupId parse(String text) {
        return new GroupId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
