package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.ok;
import static com.heartbeatrm.enrollment.admin.Replies.paged;

import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code /organizations}: the organizations an actor may see (the rows are filtered, not the call). */
record OrganizationRoutes(HeartbeatAdmin admin, AdminAuthorizer authorizer) implements Routes.RouteSet {
    @Override
    public void addTo(Routes routes) {
        routes.get("/organizations", this::organizations);
    }

    private AdminResponse organizations(Call c) {
        PageRequest page = c.page();
        Page<Organization> p = admin.organizations().list(page);
        List<Object> items = new ArrayList<>();
        AdminAction action = new AdminAction("GET", "/organizations");
        p.items().stream().filter(o -> authorizer.allows(c.actor, Optional.of(o), action)).forEach(o -> items.add(Rows.organization(o)));
        return ok(paged(items, p.nextCursor()));
    }
}
