package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Organization;
import java.util.Optional;

/**
 * Decides, for every admin API call, whether its authenticated actor may perform it: in an MSP, each customer's
 * technicians act on their own organization only. Consulted after authentication and before the call reads or changes
 * anything: with the organization the call acts in (named by {@code ?org=}, or the only one), or with none for a
 * deployment-wide call ({@link AdminAction#deploymentWide()}); {@code GET /organizations} lists only the organizations
 * the actor may read. A call refused in an organization is answered 404, exactly as an organization that does not
 * exist, so that a technician cannot learn which other organizations exist; a refused deployment-wide call is 403.
 */
@FunctionalInterface
public interface AdminAuthorizer {
    boolean allows(Actor actor, Optional<Organization> organization, AdminAction action);

    /** Every authenticated actor may do everything (the default, and the behaviour before this hook). */
    static AdminAuthorizer allowAll() {
        return (actor, organization, action) -> true;
    }
}
