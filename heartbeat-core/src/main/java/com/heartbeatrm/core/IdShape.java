package com.heartbeatrm.core;

import java.util.regex.Pattern;

/**
 * The shape every public id has: a prefix ({@code org}, {@code grp}, {@code hbk}, {@code agt}, {@code ins}, or
 * {@code hbs} for a signing key), an underscore and 22 base64url characters. Organization, group and access-key names
 * never have it (they are refused), so text of this shape is an id and only an id: a look-up that accepts "an id or a
 * name" resolves it as an id or not at all, and never falls back to a name.
 *
 * <p>The prefix is matched without regard to ASCII case and the last character need not be canonical: the shape is
 * what a person would take for an id, which is wider than what {@link OrganizationId#parse} and its siblings accept.
 */
public final class IdShape {
    private static final int LENGTH = 26;
    private static final Pattern SHAPE = Pattern.compile("(?i:org|grp|hbk|agt|ins|hbs)_[A-Za-z0-9_-]{22}");

    private IdShape() {
    }

    /**
     * Whether {@code text} (taken as it is: not trimmed) has the shape of a public id.
     *
     * @param text any text, or null
     * @return true for 26 characters of prefix, underscore and base64url
     */
    public static boolean matches(String text) {
        return text != null && text.length() == LENGTH && SHAPE.matcher(text).matches();
    }
}
