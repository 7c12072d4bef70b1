package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.ok;

import com.heartbeatrm.enrollment.HeartbeatServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /signing-keys}: the issuer signing keys, and their rotation. Deployment-wide. */
record SigningKeyRoutes(HeartbeatServer server) implements Routes.RouteSet {
    @Override
    public void addTo(Routes routes) {
        routes.get("/signing-keys", c -> {
            List<Object> items = new ArrayList<>();
            server.signingKeys().list().forEach(k -> items.add(Rows.signingKey(k)));
            return ok(Map.of("items", items));
        });
        routes.post("/signing-keys/rotate", Set.of(), c -> ok(Map.of("active", server.signingKeys().rotate().keyId())));
    }
}
