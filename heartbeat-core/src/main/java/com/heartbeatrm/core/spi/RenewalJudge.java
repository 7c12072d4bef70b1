package com.heartbeatrm.core.spi;

/** Decides a renewal from what the store read; a pure function, which a store may call more than once. */
@FunctionalInterface
public interface RenewalJudge {
    /**
     * Decides one renewal.
     *
     * @param facts what the store read, with the agent locked
     * @return the verdict the store applies
     */
    RenewalVerdict judge(RenewalFacts facts);
}
