package com.heartbeatrm.protocol;

import org.jspecify.annotations.Nullable;

/**
 * An enrollment or renewal request body that cannot be accepted as a request at all. {@link #problem()} says what
 * is wrong and {@link #field()} names the member at fault when there is one; the message never echoes input.
 */
public final class RequestException extends InputException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the body. */
    public enum Problem {
        /** Larger than the protocol's limit, or than a JSON limit (size, nesting, count). */
        OVERSIZED,
        /** Not one UTF-8 JSON object. */
        NOT_JSON,
        /** An object repeats a member name. */
        DUPLICATE_FIELD,
        /** A member the request does not have. */
        UNKNOWN_FIELD,
        /** A required member is absent or null. */
        MISSING_FIELD,
        /** A member's value has the wrong JSON type. */
        WRONG_TYPE,
        /** A member's value is of the right type but not acceptable (length, encoding, range). */
        INVALID_VALUE,
        /** The request names a protocol version ({@code v}) this code does not speak. */
        UNSUPPORTED_VERSION
    }

    /** What is wrong with the body. */
    private final Problem problem;

    /**
     * A body that is wrong as a whole.
     *
     * @param problem what is wrong
     * @param detail  what is wrong in words, never echoing input
     */
    public RequestException(Problem problem, String detail) {
        this(problem, null, detail);
    }

    /**
     * A body whose member {@code field} is wrong.
     *
     * @param problem what is wrong
     * @param field   the member, e.g. {@code facts.hostname}; null for the body as a whole
     * @param detail  what is wrong in words, never echoing input
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    public RequestException(Problem problem, @Nullable String field, String detail) {
        super(field, problem + ": " + detail, true);
        this.problem = problem;
    }

    /** {@return what is wrong with the body} */
    public Problem problem() {
        return problem;
    }
}
