package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.spi.Judged;
import java.util.function.Function;

/**
 * A judge as one atomic step runs it: each call hands the step the verdict and keeps the judge's whole result, so
 * that the step returns the last one with its commit (a transaction retried runs the judge again).
 */
final class Judging<F, V, R extends Judged<V>> {
    private final Function<F, R> judge;
    private volatile R last;

    Judging(Function<F, R> judge) {
        this.judge = judge;
    }

    V verdict(F facts) {
        last = judge.apply(facts);
        return last.verdict();
    }

    /** What the judge returned last; the step calls it before it commits, on every path. */
    R last() {
        if (last == null) {
            throw new IllegalStateException("the step committed without judging");
        }
        return last;
    }
}
