package com.heartbeatrm.core.internal;

import com.heartbeatrm.core.InvalidInputException;

/** Argument checks that report misuse as {@link InvalidInputException} naming the argument. */
public final class Checks {
    private Checks() {
    }

    public static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new InvalidInputException(field, "must not be null");
        }
        return value;
    }
}
