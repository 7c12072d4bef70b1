package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.enrollment.admin.AdminAction;
import com.heartbeatrm.enrollment.admin.AdminAuthorizer;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The admin API's per-organization authorization by Spring Security authorities of the signed-in user
 * ({@code heartbeat.admin-api.authorization=authorities}):
 * <ul>
 * <li>{@code HEARTBEAT_ADMIN}: everything, the deployment-wide signing keys included;</li>
 * <li>{@code HEARTBEAT_ORG_<organization id>}: every call in that organization (for example
 * {@code HEARTBEAT_ORG_org_3xK...});</li>
 * <li>{@code HEARTBEAT_ORG_<organization id>_READ}: only reading calls in it.</li>
 * </ul>
 * Nothing else is allowed; an organization the user holds no authority for answers as one that does not exist.
 */
public final class SpringSecurityAdminAuthorizer implements AdminAuthorizer {
    public static final String ADMIN = "HEARTBEAT_ADMIN";
    public static final String ORG_PREFIX = "HEARTBEAT_ORG_";
    public static final String READ_SUFFIX = "_READ";

    @Override
    public boolean allows(Actor actor, Optional<Organization> organization, AdminAction action) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || !actor.name().equals(auth.getName())) {
            return false;
        }
        Set<String> held = auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
        if (held.contains(ADMIN)) {
            return true;
        }
        if (organization.isEmpty()) {
            return false;
        }
        String org = ORG_PREFIX + organization.get().id().value();
        return held.contains(org) || (action.readOnly() && held.contains(org + READ_SUFFIX));
    }

    @Override
    public String toString() {
        return "SpringSecurityAdminAuthorizer";
    }
}
