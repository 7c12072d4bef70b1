package com.heartbeatrm.enrollment;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The machinery of the enrollment and renewal pipelines: a step is a named check that looks at the evidence so far
 * and passes it on, enriched, or denies; {@link #run} runs steps in order and stops at the first denial. A
 * {@link Trace} records each step's outcome for a dry run; on the hot path it records nothing and the detail texts
 * are never built.
 */
final class Steps {
    private Steps() {
    }

    /** What a step decided. */
    sealed interface Decision<E> permits Pass, Deny {
    }

    /** Passed, with the evidence for the next step and a description for a dry run (built only when asked). */
    record Pass<E>(E evidence, Supplier<String> detail) implements Decision<E> {
    }

    /** Denied, with the reason, a detail for logs and the audit log (ids only, never a secret) and the evidence so far. */
    record Deny<E>(DenialReason reason, String detail, E evidence) implements Decision<E> {
        Deny {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** One named check. */
    record Step<E>(String name, Function<E, Decision<E>> check) {
    }

    static <E> Pass<E> pass(E evidence, Supplier<String> detail) {
        return new Pass<>(evidence, detail);
    }

    static <E> Deny<E> deny(DenialReason reason, String detail, E evidence) {
        return new Deny<>(reason, detail, evidence);
    }

    /**
     * What an earlier step put into the evidence. Null means a step runs before the one that fills {@code what} in:
     * a bug in the pipeline's order, not a request to deny.
     */
    static <T> T filled(@Nullable T value, String what) {
        if (value == null) {
            throw new IllegalStateException("no " + what + " yet: a step runs before the one that fills it in");
        }
        return value;
    }

    /** Runs {@code steps} on {@code start} in order; returns the first denial, or the last pass. */
    static <E> Decision<E> run(List<Step<E>> steps, E start, Trace trace) {
        E e = start;
        for (Step<E> s : steps) {
            Decision<E> d = s.check().apply(e);
            if (d instanceof Deny<E> deny) {
                trace.failed(s.name(), deny.reason(), deny.detail());
                return deny;
            }
            Pass<E> p = (Pass<E>) d;
            trace.passed(s.name(), p.detail());
            e = p.evidence();
        }
        return new Pass<>(e, () -> "");
    }

    /** The names of the steps, in order (a dry run lists the ones it did not reach). */
    static List<String> names(List<? extends Step<?>> steps) {
        return steps.stream().map(Step::name).toList();
    }

    /** What a dry run reports; on the hot path, {@link #NONE} records nothing. */
    static class Trace {
        static final Trace NONE = new Trace();

        void passed(String step, Supplier<String> detail) {
            // not recording
        }

        void failed(String step, DenialReason reason, String detail) {
            // not recording
        }

        List<DryRun.Check> checks() {
            return List.of();
        }

        static Trace recording() {
            return new Recording();
        }
    }

    private static final class Recording extends Trace {
        private final List<DryRun.Check> checks = new ArrayList<>();

        @Override
        void passed(String step, Supplier<String> detail) {
            checks.add(new DryRun.Check(step, DryRun.Status.PASSED, detail.get()));
        }

        @Override
        void failed(String step, DenialReason reason, String detail) {
            checks.add(new DryRun.Check(step, DryRun.Status.FAILED, reason + ": " + detail));
        }

        @Override
        List<DryRun.Check> checks() {
            return List.copyOf(checks);
        }
    }
}
