package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;

/**
 * Who performs a change, as the host application authenticated it (the SDK does no admin authentication).
 * Recorded in audit events; e.g. {@code "alice@example.com"} or {@code "system"}.
 */
public record Actor(String name) {
    public static final int MAX_LENGTH = 200;
    /** Changes made by the SDK itself, such as enrollments. */
    public static final Actor SYSTEM = new Actor("system");

    public Actor {
        name = TextRules.name("actor", name, MAX_LENGTH, "");
    }

    public static Actor of(String name) {
        return new Actor(name);
    }
}
