package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.created;
import static com.heartbeatrm.enrollment.admin.Replies.ok;
import static com.heartbeatrm.enrollment.admin.Replies.paged;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.KeyThrottles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** {@code /keys}: access keys and their throttles: list, create, rename, repoint, disable, enable, unthrottle, delete. */
record KeyRoutes(HeartbeatServer server, HeartbeatAdmin admin) implements Routes.RouteSet {
    @Override
    public void addTo(Routes routes) {
        routes.get("/keys", this::keys);
        routes.post("/keys", Set.of("name", "group", "expires", "expiresAt", "maxUses", "networks", "platforms"), this::keyCreate);
        routes.get("/keys/{key}", c -> ok(keyRow(c.org(), c.key(c.path("key")))));
        routes.post("/keys/{key}/rename", Set.of("name"), c -> keyChange(c, k -> admin.accessKeys().rename(c.actor, c.org().id(), k.id(),
                c.requireString("name"))));
        routes.post("/keys/{key}/repoint", Set.of("group"), this::keyRepoint);
        routes.alias("POST", "/keys/{key}/assign", Route.BodyType.JSON, Set.of("group"), this::keyRepoint);
        routes.post("/keys/{key}/disable", Set.of("reason"), c -> keyChange(c, k -> admin.accessKeys().disable(c.actor, c.org().id(), k.id(),
                c.string("reason").orElse(""))));
        routes.post("/keys/{key}/enable", Set.of(), c -> keyChange(c, k -> admin.accessKeys().enable(c.actor, c.org().id(), k.id())));
        routes.post("/keys/{key}/unthrottle", Set.of(), c -> {
            AccessKey k = c.key(c.path("key"));
            int lifted = server.keyThrottles().lift(c.actor, c.org().id(), k.id());
            Map<String, Object> out = new LinkedHashMap<>(keyRow(c.org(), k));
            out.put("lifted", lifted);
            return ok(out);
        });
        routes.delete("/keys/{key}", c -> {
            AccessKey k = c.key(c.path("key"));
            admin.accessKeys().delete(c.actor, c.org().id(), k.id());
            return ok(Map.of("deleted", k.id().value()));
        });
    }

    private Map<String, Object> keyRow(Organization org, AccessKey k) {
        return Rows.key(admin, org, k, server.keyThrottles().list(org.id(), k.id()));
    }

    private AdminResponse keys(Call c) {
        Organization org = c.org();
        Page<AccessKey> p = admin.accessKeys().list(org.id(), c.page());
        Map<AccessKeyId, List<KeyThrottles.KeyThrottle>> throttles = server.keyThrottles().listAll(org.id());
        List<Object> items = new ArrayList<>();
        for (AccessKey k : p.items()) {
            if (c.scope().allows(k)) {
                items.add(Rows.key(admin, org, k, throttles.getOrDefault(k.id(), List.of())));
            }
        }
        return ok(paged(items, p.nextCursor()));
    }

    private AdminResponse keyCreate(Call c) {
        Organization org = c.org();
        AccessKeySpec.Builder b = AccessKeySpec.builder(c.requireString("name"), c.group(c.requireString("group")).id());
        Optional<String> expires = c.string("expires").filter(s -> !s.isBlank());
        if (expires.isPresent()) {
            b.expiresIn(SecuritySetting.MAX_KEY_LIFETIME.parse(expires.get()).maximum()
                    .orElseThrow(() -> new InvalidInputException("expires", "a lifetime such as 90d")));
        }
        c.string("expiresAt").filter(s -> !s.isBlank()).ifPresent(t -> b.expiresAt(Call.instant("expiresAt", t, true)));
        c.integer("maxUses").ifPresent(b::maxUses);
        c.string("networks").filter(s -> !s.isBlank()).ifPresent(n -> b.networks(NetworkAllowList.parse(n)));
        c.string("platforms").filter(s -> !s.isBlank()).ifPresent(p -> b.platforms(PlatformSet.parse(p)));
        AccessKey k = admin.accessKeys().create(c.actor, org.id(), b.build());
        return created(keyRow(org, k));
    }

    private AdminResponse keyRepoint(Call c) {
        return keyChange(c, k -> admin.accessKeys().repoint(c.actor, c.org().id(), k.id(), c.group(c.requireString("group")).id()));
    }

    private AdminResponse keyChange(Call c, Function<AccessKey, AccessKey> change) {
        AccessKey k = c.key(c.path("key"));
        return ok(keyRow(c.org(), change.apply(k)));
    }
}
