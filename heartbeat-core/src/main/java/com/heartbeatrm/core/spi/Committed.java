package com.heartbeatrm.core.spi;

import java.util.Objects;

/**
 * What an atomic step of {@link AgentStore} stored, and the value its judge returned for the facts it committed on
 * (the last call, when the store ran the step more than once).
 *
 * @param commit what the store did
 * @param judged what the judge returned
 * @param <C> {@link EnrollmentCommit} or {@link RenewalCommit}
 * @param <R> the judge's own result type
 */
public record Committed<C, R>(C commit, R judged) {
    /**
     * Checks that both parts are present.
     *
     * @param commit what the store did
     * @param judged what the judge returned
     */
    public Committed {
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(judged, "judged");
    }
}
