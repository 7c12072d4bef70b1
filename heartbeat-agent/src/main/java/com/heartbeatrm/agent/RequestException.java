package com.heartbeatrm.agent;

/** An enrollment or renewal request body that cannot be accepted as a request at all. Never echoes secrets. */
public final class RequestException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the body. */
    public enum Problem {
        OVERSIZED,
        NOT_JSON,
        DUPLICATE_FIELD,
        UNKNOWN_FIELD,
        MISSING_FIELD,
        WRONG_TYPE,
        INVALID_VALUE
    }

    private final Problem problem;

    public RequestException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
