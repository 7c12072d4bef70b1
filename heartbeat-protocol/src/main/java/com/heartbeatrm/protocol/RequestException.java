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
        OVERSIZED,
        NOT_JSON,
        DUPLICATE_FIELD,
        UNKNOWN_FIELD,
        MISSING_FIELD,
        WRONG_TYPE,
        INVALID_VALUE,
        /** The request names a protocol version ({@code v}) this code does not speak. */
        UNSUPPORTED_VERSION
    }

    private final Problem problem;

    /** A body that is wrong as a whole. */
    public RequestException(Problem problem, String detail) {
        this(problem, null, detail);
    }

    /** A body whose member {@code field} is wrong. */
    public RequestException(Problem problem, @Nullable String field, String detail) {
        super(field, problem + ": " + detail, true);
        this.problem = problem;
    }

    /** What is wrong with the body. */
    public Problem problem() {
        return problem;
    }
}
