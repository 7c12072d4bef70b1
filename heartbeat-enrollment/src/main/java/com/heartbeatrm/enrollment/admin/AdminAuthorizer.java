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
 *
 * <p>Within an organization the actor may be narrowed to group subtrees with {@link #allowsIn}: after {@link #allows}
 * let the call into the organization, every object the call reads or changes is checked by the group it lies in (a
 * group itself; a key's target group; an installer's key's group; an agent's group), and so is every group the call
 * would put something into (the parent of a new group, the new parent of a moved group, the group a key is created in
 * or re-pointed to, the group an agent is moved to). An object outside the actor's subtrees is answered 404, exactly as
 * one that does not exist; lists ({@code /groups}, {@code /keys}, {@code /installers}, {@code /agents}, {@code /audit})
 * leave such rows out, so a page may hold fewer rows than its limit (follow {@code next}). Audit events are shown when
 * their subject lies in an allowed group; events about the organization itself, the signing keys or objects that no
 * longer exist count as the root group's.
 */
@FunctionalInterface
public interface AdminAuthorizer {
    /**
     * Whether {@code actor} may perform {@code action} in {@code organization} (or, when empty, deployment-wide). For an
     * actor narrowed to subtrees by {@link #allowsIn}, answer {@code true} here for the organizations its subtrees are in.
     * Called on the request's thread, before the body is read; it must not block for long.
     *
     * @param actor who the authenticator says the request acts as
     * @param organization the organization the call acts in; empty for a deployment-wide call (signing keys, say)
     * @param action the route's method and pattern
     * @return true to let the call in; false answers 404 in an organization, 403 deployment-wide
     */
    boolean allows(Actor actor, Optional<Organization> organization, AdminAction action);

    /**
     * Whether {@code actor} may perform {@code action} on what lies in the group at {@code group}, once {@link #allows}
     * let the call into {@code organization}. The default allows every group: organization-wide access. Answers are
     * cached for the one call.
     *
     * @param actor who the request acts as
     * @param organization the organization the call acts in
     * @param group the group's path from the root, ids only
     * @param action the route's method and pattern
     * @return true when what lies in that group is in the actor's scope; false hides it (404, or left out of lists)
     */
    default boolean allowsIn(Actor actor, Organization organization, GroupPath group, AdminAction action) {
        return true;
    }

    /**
     * Every authenticated actor may do everything (the default, and the behaviour before this hook).
     *
     * @return the authorizer that allows every call and every group, and looks nothing up
     */
    static AdminAuthorizer allowAll() {
        return Scope.ALLOW_ALL;
    }
}
