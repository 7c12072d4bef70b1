package com.heartbeatrm.enrollment.admin;

import java.util.Objects;

/**
 * What an admin API call does: its method and its route pattern, for example {@code POST /agents/{agent}/disable}.
 * A {@code GET} only reads; every other method changes something.
 *
 * @param method the HTTP method, upper case
 * @param route the route's pattern with its placeholders, not the request's path
 */
public record AdminAction(String method, String route) {
    /**
     * Checks that no component is null.
     *
     * @param method the HTTP method, upper case
     * @param route the route's pattern with its placeholders, not the request's path
     */
    public AdminAction {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(route, "route");
    }

    /**
     * Whether the call only reads.
     *
     * @return true for {@code GET}
     */
    public boolean readOnly() {
        return method.equals("GET");
    }

    /**
     * Whether the call acts on the whole deployment rather than one organization (the issuer signing keys).
     *
     * @return true for the {@code /signing-keys} routes
     */
    public boolean deploymentWide() {
        return route.startsWith("/signing-keys");
    }

    @Override
    public String toString() {
        return method + " " + route;
    }
}
