package com.heartbeatrm.core.spi;

/** Decides a renewal from what the store read; a pure function, which a store may call more than once. */
@FunctionalInterface
public interface RenewalJudge {
    RenewalVerdict judge(RenewalFacts facts);
}
