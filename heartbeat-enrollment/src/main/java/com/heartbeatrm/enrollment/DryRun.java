package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.GroupId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an enrollment request would do, check by check, without consuming anything (no key use, no nonce, no
 * throttling counter, no agent, no audit event). For support staff and admin screens.
 *
 * @param checks every step of the pipeline in order, each passed, failed or not reached
 * @param outcome what the request would come to
 * @param denial why it would be denied; empty unless {@code outcome} is {@link Conclusion#WOULD_DENY}
 * @param group the group the agent would land in (or is in, when already enrolled); empty when that is not known
 */
public record DryRun(List<Check> checks, Conclusion outcome, Optional<DenialReason> denial, Optional<GroupId> group) {
    /**
     * Copies {@code checks} and checks that no component is null.
     *
     * @param checks every step of the pipeline in order, each passed, failed or not reached
     * @param outcome what the request would come to
     * @param denial why it would be denied; empty unless {@code outcome} is {@link Conclusion#WOULD_DENY}
     * @param group the group the agent would land in (or is in, when already enrolled); empty when that is not known
     */
    public DryRun {
        checks = List.copyOf(checks);
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(denial, "denial");
        Objects.requireNonNull(group, "group");
    }

    /** What would happen. */
    public enum Conclusion {
        /** The agent would be enrolled, active, with a credential. */
        WOULD_ENROLL,
        /** The agent would be enrolled, pending an administrator's approval (its group requires it). */
        WOULD_ENROLL_PENDING_APPROVAL,
        /** An agent already holds the presented key: the request repeats its enrollment and counts no second use. */
        ALREADY_ENROLLED,
        /** A check fails: {@link DryRun#denial()} says which reason. */
        WOULD_DENY
    }

    /**
     * One check of the pipeline.
     *
     * @param name the step's name, as the pipeline's design note lists it
     * @param status passed, failed or not reached
     * @param detail what the step saw (ids only, never a secret); empty when not reached
     */
    public record Check(String name, Status status, String detail) {
        /**
         * Checks that no component is null.
         *
         * @param name the step's name, as the pipeline's design note lists it
         * @param status passed, failed or not reached
         * @param detail what the step saw (ids only, never a secret); empty when not reached
         */
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** How one check came out. */
    public enum Status {
        /** The check passed. */
        PASSED,
        /** The check failed; the request stops here. */
        FAILED,
        /** Not reached, because an earlier check failed. */
        NOT_REACHED
    }
}
