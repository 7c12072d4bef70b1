package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue #25 item 7 by thread CPU time: enrollment and renewal with Ed25519 and with P-256 agent keys
 * ({@link EnrollmentBenchmark}, {@link RenewalBenchmark}) and the whole server side of a TPM-attested enrollment
 * ({@link AttestedEnrollmentBenchmark}), each beside its crypto ceiling. All ten operations run in interleaved rounds
 * (each operation {@code perRound} times, then the next), warm-up rounds first, and each one's median CPU time per
 * operation is reported with its ratio to its ceiling: on a shared machine the wall clock swings with the other
 * loads, the thread's CPU time much less, and interleaving exposes every pair to the same moments.
 *
 * <p>One thread. The set-up answers the attested enrollments' challenges with a swtpm first (its server runs on a
 * fixed clock), then builds the other pools, whose requests carry the time they were signed: the whole run must
 * take less than the server's clock skew (5 minutes), which the default sizes do.
 *
 * <p>Run: {@code java -cp heartbeat-benchmarks/target/benchmarks.jar com.heartbeatrm.benchmarks.HardwareIdentityCpuTime
 * [rounds [perRound]]} (defaults 20 and 20, after 10 warm-up rounds).
 */
public final class HardwareIdentityCpuTime {
    private static final int WARM_UP_ROUNDS = 10;

    private HardwareIdentityCpuTime() {}

    /** One operation to time. */
    interface Op {
        Object run() throws Exception;
    }

    /** An operation and its name. */
    record Named(String name, Op op) {}

    /** The median, 10th and 90th percentiles of one operation's CPU microseconds per call. */
    record Result(String name, double median, double p10, double p90) {}

    /**
     * Times {@code ops} in interleaved rounds by the current thread's CPU time.
     *
     * @param ops      the operations, in the order each round runs them
     * @param warmUp   rounds run first and not counted
     * @param rounds   rounds counted
     * @param perRound calls of each operation per round
     * @return each operation's result, in order
     * @throws Exception an operation failed
     */
    static List<Result> measure(List<Named> ops, int warmUp, int rounds, int perRound) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<List<Double>> micros = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            micros.add(new ArrayList<>());
        }
        int sink = 0;
        for (int round = -warmUp; round < rounds; round++) {
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i).op();
                long start = threads.getCurrentThreadCpuTime();
                for (int n = 0; n < perRound; n++) {
                    sink += System.identityHashCode(op.run()) & 1;
                }
                long cpu = threads.getCurrentThreadCpuTime() - start;
                if (round >= 0) {
                    micros.get(i).add(cpu / 1000.0 / perRound);
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            double[] v = micros.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            results.add(new Result(ops.get(i).name(), v[v.length / 2], v[v.length / 10], v[v.length * 9 / 10]));
        }
        if (sink < 0) {
            throw new AssertionError();
        }
        return results;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int pool = (WARM_UP_ROUNDS + rounds) * perRound + 1;
        long began = System.nanoTime();

        AttestedEnrollmentBenchmark attestedCeiling = new AttestedEnrollmentBenchmark();
        attestedCeiling.setUp();
        AttestedEnrollmentBenchmark.Pool attested = new AttestedEnrollmentBenchmark.Pool();
        attested.setUp(pool);
        System.out.printf(Locale.ROOT, "attested set-up: %d answers in %.0f s%n", pool, (System.nanoTime() - began) / 1e9);

        List<Named> ops = new ArrayList<>();
        for (AgentKeyAlgorithm a : AgentKeyAlgorithm.values()) {
            EnrollmentBenchmark e = new EnrollmentBenchmark();
            e.keyAlgorithm = a.wireName();
            e.pool = pool;
            e.setUp();
            ops.add(new Named("enroll " + a.wireName(), e::enrollOne));
            ops.add(new Named("enroll ceiling " + a.wireName(), e::cryptoOnce));
        }
        for (AgentKeyAlgorithm a : AgentKeyAlgorithm.values()) {
            RenewalBenchmark r = new RenewalBenchmark();
            r.keyAlgorithm = a.wireName();
            r.setUp();
            RenewalBenchmark.Pool p = new RenewalBenchmark.Pool();
            p.setUp(pool, a);
            ops.add(new Named("renew " + a.wireName(), () -> RenewalBenchmark.renewOne(p)));
            ops.add(new Named("renew ceiling " + a.wireName(), r::cryptoOnce));
        }
        ops.add(new Named("attested enrollment", attested.attested::enrollOne));
        ops.add(new Named("attested ceiling", attestedCeiling::ceiling));
        System.out.printf(Locale.ROOT, "set-up done after %.0f s%n", (System.nanoTime() - began) / 1e9);

        List<Result> results = measure(ops, WARM_UP_ROUNDS, rounds, perRound);
        System.out.printf(Locale.ROOT, "%-28s %10s %10s %10s %12s %8s%n", "operation", "median us", "p10", "p90", "ops/s/core", "ratio");
        for (int i = 0; i < results.size(); i += 2) {
            Result op = results.get(i);
            Result ceiling = results.get(i + 1);
            print(ceiling, "");
            print(op, String.format(Locale.ROOT, "%8.2f", ceiling.median() / op.median()));
        }
        System.out.printf(Locale.ROOT, "(%d rounds of %d after %d warm-up rounds; %.0f s in all; ratio = the ceiling's CPU time / the operation's)%n",
                rounds, perRound, WARM_UP_ROUNDS, (System.nanoTime() - began) / 1e9);
    }

    private static void print(Result r, String ratio) {
        System.out.printf(Locale.ROOT, "%-28s %10.1f %10.1f %10.1f %12.0f %8s%n", r.name(), r.median(), r.p10(), r.p90(), 1e6 / r.median(), ratio);
    }
}
