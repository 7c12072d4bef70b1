package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The public, unguessable id of an organization: {@code org_} followed by 128 random bits in base64url.
 * Safe to show in logs, audit records and URLs.
 */
public record OrganizationId(String value) {
    static final String PREFIX = "org";

    public OrganizationId {
        RandomIds.check("OrganizationId", PREFIX, value);
    }

    /** A fresh random id. */
    public static OrganizationId random() {
        return new OrganizationId(RandomIds.next(PREFIX));
    }

    /** Parses untrusted text, throwing {@link InvalidInputException} when it is not an id of this kind. */
    public static OrganizationId parse(String text) {
        return new OrganizationId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
