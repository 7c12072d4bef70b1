package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.GroupId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an enrollment request would do, check by check, without consuming anything (no key use, no nonce, no
 * throttling counter, no agent, no audit event). For support staff and admin screens.
 */
public record DryRun(List<Check> checks, Conclusion outcome, Optional<DenialReason> denial, Optional<GroupId> group) {
    public DryRun {
        checks = List.copyOf(checks);
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(denial, "denial");
        Objects.requireNonNull(group, "group");
    }

    /** What would happen. */
    public enum Conclusion {
        WOULD_ENROLL,
        WOULD_ENROLL_PENDING_APPROVAL,
        ALREADY_ENROLLED,
        WOULD_DENY
    }

    /** One check of the pipeline. */
    public record Check(String name, Status status, String detail) {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
        }
    }

    public enum Status {
        PASSED,
        FAILED,
        /** Not reached, because an earlier check failed. */
        NOT_REACHED
    }
}
