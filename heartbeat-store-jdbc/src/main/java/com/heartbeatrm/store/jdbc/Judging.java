package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.spi.Judged;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A judge as one atomic step runs it: each call hands the step the verdict and keeps the judge's whole result, so
 * that the step returns the last one with its commit (a transaction retried runs the judge again).
 */
final class Judging<F, V, R extends Judged<V>> {
    private final Function<F, R> judge;
    /** Null until the judge ran. */
    private volatile @Nullable R last;

    Judging(Function<F, R> judge) {
        this.judge = judge;
    }

    V verdict(F facts) {
        R judged = judge.apply(facts);
        last = judged;
        return judged.verdict();
    }

    /** What the judge returned last; the step calls it before it commits, on every path. */
    R last() {
        R judged = last;
        if (judged == null) {
            throw new IllegalStateException("the step committed without judging");
        }
        return judged;
    }
}
