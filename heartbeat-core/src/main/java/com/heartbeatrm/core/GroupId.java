package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The public, unguessable id of a group: {@code grp_} followed by 128 random bits in base64url.
 * Safe to show in logs, audit records and URLs. Serializable because {@link SettingLockedException} holds one;
 * its serialized form is its text, left out of the serialized-form page (JDK 17's doclint asks a comment of the
 * record's field, which a record cannot give it).
 *
 * @param value the id text
 * @serial exclude
 */
// Error Prone's InvalidBlockTag does not know that the Javadoc spec allows @serial on a class: the tag is what keeps
// JDK 17's doclint from asking for the field's comment.
@SuppressWarnings("InvalidBlockTag")
public record GroupId(String value) implements java.io.Serializable {
    static final String PREFIX = "grp";

    /**
     * Checks the shape: {@code grp_} and 22 base64url characters in canonical form.
     *
     * @param value the id text
     * @throws InvalidInputException when the text is not a group id
     */
    public GroupId {
        RandomIds.check("GroupId", PREFIX, value);
    }

    /**
     * A fresh random id, from a {@link java.security.SecureRandom}.
     *
     * @return a new id, unguessable
     */
    public static GroupId random() {
        return new GroupId(RandomIds.next(PREFIX));
    }

    /**
     * Parses untrusted text, throwing {@link InvalidInputException} when it is not an id of this kind.
     *
     * @param text the id as received
     * @return the id
     */
    public static GroupId parse(String text) {
        return new GroupId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
