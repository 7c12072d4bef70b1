package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.enrollment.admin.AdminAction;
import com.heartbeatrm.enrollment.admin.AdminAuthorizer;
import com.heartbeatrm.enrollment.admin.GroupPath;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The admin API's authorization by Spring Security authorities of the signed-in user
 * ({@code heartbeat.admin-api.authorization=authorities}):
 * <ul>
 * <li>{@code HEARTBEAT_ADMIN}: everything, the deployment-wide signing keys included;</li>
 * <li>{@code HEARTBEAT_ORG_<organization id>}: every call in that organization (for example
 * {@code HEARTBEAT_ORG_org_3xK...});</li>
 * <li>{@code HEARTBEAT_ORG_<organization id>_READ}: only reading calls in it;</li>
 * <li>{@code HEARTBEAT_ORG_<organization id>_GROUP_<group id>}: every call on what lies in that group's subtree (the
 * group and the groups below it, their keys, installers, agents and audit events), and nothing above or beside it;</li>
 * <li>{@code HEARTBEAT_ORG_<organization id>_GROUP_<group id>_READ}: only reading calls in that subtree.</li>
 * </ul>
 * Nothing else is allowed; an organization or object the user holds no authority for answers as one that does not
 * exist.
 */
public final class SpringSecurityAdminAuthorizer implements AdminAuthorizer {
    /** Everything, deployment-wide. */
    public static final String ADMIN = "HEARTBEAT_ADMIN";
    /** Followed by an organization id: that organization. */
    public static final String ORG_PREFIX = "HEARTBEAT_ORG_";
    /** Between an organization id and a group id: that group's subtree. */
    public static final String GROUP_INFIX = "_GROUP_";
    /** At the end of an organization or group authority: only reads. */
    public static final String READ_SUFFIX = "_READ";

    @Override
    public boolean allows(Actor actor, Optional<Organization> organization, AdminAction action) {
        Optional<Set<String>> held = held(actor);
        if (held.isEmpty()) {
            return false;
        }
        if (held.get().contains(ADMIN)) {
            return true;
        }
        if (organization.isEmpty()) {
            return false;
        }
        String org = ORG_PREFIX + organization.get().id().value();
        if (wholeOrganization(held.get(), org, action)) {
            return true;
        }
        // Into the organization with a subtree only: allowsIn narrows every object to it.
        String subtree = org + GROUP_INFIX;
        return held.get().stream().anyMatch(a -> a.startsWith(subtree) && (action.readOnly() || !a.endsWith(READ_SUFFIX)));
    }

    @Override
    public boolean allowsIn(Actor actor, Organization organization, GroupPath group, AdminAction action) {
        Optional<Set<String>> held = held(actor);
        if (held.isEmpty()) {
            return false;
        }
        String org = ORG_PREFIX + organization.id().value();
        if (held.get().contains(ADMIN) || wholeOrganization(held.get(), org, action)) {
            return true;
        }
        for (GroupId g : group.ids()) {
            String subtree = org + GROUP_INFIX + g.value();
            if (held.get().contains(subtree) || (action.readOnly() && held.get().contains(subtree + READ_SUFFIX))) {
                return true;
            }
        }
        return false;
    }

    private static boolean wholeOrganization(Set<String> held, String org, AdminAction action) {
        return held.contains(org) || (action.readOnly() && held.contains(org + READ_SUFFIX));
    }

    /** The signed-in user's authorities, when that user is the actor the admin API authenticated. */
    private static Optional<Set<String>> held(Actor actor) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || !actor.name().equals(auth.getName())) {
            return Optional.empty();
        }
        return Optional.of(auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet()));
    }

    @Override
    public String toString() {
        return "SpringSecurityAdminAuthorizer";
    }
}
