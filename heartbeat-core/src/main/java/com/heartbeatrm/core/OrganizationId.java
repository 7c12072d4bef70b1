package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The public, unguessable id of an organization: {@code org_} followed by 128 random bits in base64url.
 * Safe to show in logs, audit records and URLs.
 *
 * @param value the id text
 */
public record OrganizationId(String value) {
    static final String PREFIX = "org";

    /**
     * Checks the shape: {@code org_} and 22 base64url characters in canonical form.
     *
     * @param value the id text
     * @throws InvalidInputException when the text is not an organization id
     */
    public OrganizationId {
        RandomIds.check("OrganizationId", PREFIX, value);
    }

    /**
     * A fresh random id, from a {@link java.security.SecureRandom}.
     *
     * @return a new id, unguessable
     */
    public static OrganizationId random() {
        return new OrganizationId(RandomIds.next(PREFIX));
    }

    /**
     * Parses untrusted text, throwing {@link InvalidInputException} when it is not an id of this kind.
     *
     * @param text the id as received
     * @return the id
     */
    public static OrganizationId parse(String text) {
        return new OrganizationId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
