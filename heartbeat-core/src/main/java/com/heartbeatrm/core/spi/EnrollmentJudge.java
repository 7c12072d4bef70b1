package com.heartbeatrm.core.spi;

/**
 * Decides an enrollment from what the store read, inside the store's atomic step. Must be a pure function of its
 * argument: a store may call it more than once (when it retries a transaction) and keeps only the last verdict. A
 * judge that needs more back than the verdict goes through {@link AgentStore#judgeAndEnroll}.
 */
@FunctionalInterface
public interface EnrollmentJudge {
    /**
     * Decides one enrollment.
     *
     * @param facts what the store read in the enrollment's transaction
     * @return the verdict the store applies
     */
    EnrollmentVerdict judge(EnrollmentFacts facts);
}
