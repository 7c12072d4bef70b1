package com.heartbeatrm.enrollment.admin;

import org.jspecify.annotations.Nullable;

/** A refusal with its own status, for what the core exceptions do not name (403, 404 of a route, 413). */
final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final @Nullable String field;

    Refusal(int status, String message, @Nullable String field) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }
}
