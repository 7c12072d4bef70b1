package com.heartbeatrm.protocol;

import java.util.Optional;

/**
 * An enrollment or renewal request body that cannot be accepted as a request at all. {@link #problem()} says what
 * is wrong and {@link #field()} names the member at fault when there is one; the message never echoes input.
 */
public final class RequestException extends HeartbeatCheckedException {
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
    private final String field;

    public RequestException(Problem problem, String detail) {
        this(problem, null, detail);
    }

    public RequestException(Problem problem, String field, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
        this.field = field;
    }

    public Problem problem() {
        return problem;
    }

    /** The request member at fault, e.g. {@code "nonce"} or {@code "facts.hostname"}. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
