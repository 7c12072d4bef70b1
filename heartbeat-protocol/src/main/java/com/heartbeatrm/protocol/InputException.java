package com.heartbeatrm.protocol;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Input that cannot be accepted, naming the member at fault when one is: a request body ({@link RequestException})
 * or a strict JSON object ({@link StrictJson.JsonException}). The message says what is wrong, never the input.
 */
public abstract class InputException extends HeartbeatCheckedException {
    private static final long serialVersionUID = 1L;
    /** The member at fault; null for the input as a whole. */
    private final @Nullable String field;

    /**
     * With the member at fault (or null for the input as a whole) and the message.
     *
     * @param field              the member at fault, or null for the input as a whole
     * @param message            what is wrong, never the input
     * @param writableStackTrace whether a stack trace is filled in (off for cheap parse failures)
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    protected InputException(@Nullable String field, String message, boolean writableStackTrace) {
        super(message, null, true, writableStackTrace);
        this.field = field;
    }

    /**
     * The member at fault, e.g. {@code "nonce"} or {@code "facts.hostname"}; empty when the input as a whole is.
     *
     * @return the member; empty when the input as a whole is at fault
     */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
