package com.heartbeatrm.enrollment.admin;

import java.util.Objects;

/**
 * What an admin API call does: its method and its route pattern, for example {@code POST /agents/{agent}/disable}.
 * A {@code GET} only reads; every other method changes something.
 */
public record AdminAction(String method, String route) {
    public AdminAction {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(route, "route");
    }

    /** Whether the call only reads. */
    public boolean readOnly() {
        return method.equals("GET");
    }

    /** Whether the call acts on the whole deployment rather than one organization (the issuer signing keys). */
    public boolean deploymentWide() {
        return route.startsWith("/signing-keys");
    }

    @Override
    public String toString() {
        return method + " " + route;
    }
}
