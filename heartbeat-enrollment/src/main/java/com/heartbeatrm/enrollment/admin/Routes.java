package com.heartbeatrm.enrollment.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The route table as the route sets fill it, in the order a client reads it. */
final class Routes {
    /** One resource's routes. */
    interface RouteSet {
        void addTo(Routes routes);
    }

    private final List<Route> all = new ArrayList<>();

    void route(String method, String pattern, Route.BodyType body, Set<String> fields, Route.Handler handler) {
        all.add(new Route(method, pattern, body, fields, handler, false));
    }

    /** An old name kept for scripts, left out of the list a client reads. */
    void alias(String method, String pattern, Route.BodyType body, Set<String> fields, Route.Handler handler) {
        all.add(new Route(method, pattern, body, fields, handler, true));
    }

    void get(String pattern, Route.Handler handler) {
        route("GET", pattern, Route.BodyType.NONE, Set.of(), handler);
    }

    void post(String pattern, Set<String> fields, Route.Handler handler) {
        route("POST", pattern, Route.BodyType.JSON, fields, handler);
    }

    void delete(String pattern, Route.Handler handler) {
        route("DELETE", pattern, Route.BodyType.NONE, Set.of(), handler);
    }

    List<Route> all() {
        return List.copyOf(all);
    }
}
