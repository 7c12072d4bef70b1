package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;

/**
 * Who performs a change, as the host application authenticated it (the SDK does no admin authentication).
 * Recorded in audit events; e.g. {@code "alice@example.com"} or {@code "system"}.
 *
 * @param name the name as the host knows it: trimmed, 1 to {@link #MAX_LENGTH} characters, no control characters
 */
public record Actor(String name) {
    /** The longest actor name, in characters. */
    public static final int MAX_LENGTH = 200;
    /** Changes made by the SDK itself, such as enrollments. */
    public static final Actor SYSTEM = new Actor("system");

    /**
     * Trims and validates the name.
     *
     * @param name the actor's name
     * @throws InvalidInputException when it is blank, longer than {@link #MAX_LENGTH} or holds a control character
     */
    public Actor {
        name = TextRules.name("actor", name, MAX_LENGTH, "");
    }

    /**
     * An actor by name.
     *
     * @param name the actor's name, validated as by the constructor
     * @return the actor
     */
    public static Actor of(String name) {
        return new Actor(name);
    }
}
