package com.heartbeatrm.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@link TpmAttestationBenchmark}'s three operations timed by the thread's CPU time instead of the wall clock, in
 * interleaved rounds (attest, ceiling, ceilingWithOaep, again), with the median per operation: on a shared machine
 * the wall-clock throughput swings several-fold between JMH runs, while CPU time barely moves. Warm-up rounds first.
 *
 * <p>Run: {@code java -cp heartbeat-benchmarks/target/benchmarks.jar com.heartbeatrm.benchmarks.TpmAttestationCpuTime}
 */
public final class TpmAttestationCpuTime {
    private TpmAttestationCpuTime() {}

    private interface Op {
        Object run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        TpmAttestationBenchmark b = new TpmAttestationBenchmark();
        b.setUp();
        String[] names = {"attest", "ceiling", "ceilingWithOaep"};
        Op[] ops = {b::attest, b::ceiling, b::ceilingWithOaep};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<List<Double>> micros = new ArrayList<>();
        for (int i = 0; i < ops.length; i++) {
            micros.add(new ArrayList<>());
        }
        Object sink = null;
        for (int round = -10; round < rounds; round++) {
            for (int i = 0; i < ops.length; i++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int n = 0; n < perRound; n++) {
                    sink = ops[i].run();
                }
                long cpu = threads.getCurrentThreadCpuTime() - start;
                if (round >= 0) {
                    micros.get(i).add(cpu / 1000.0 / perRound);
                }
            }
        }
        double[] median = new double[ops.length];
        for (int i = 0; i < ops.length; i++) {
            double[] v = micros.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            median[i] = v[v.length / 2];
            System.out.printf(Locale.ROOT, "%-16s median %8.1f us CPU/op  (p10 %8.1f, p90 %8.1f)  %8.0f ops/s per core%n", names[i],
                    median[i], v[v.length / 10], v[v.length * 9 / 10], 1e6 / median[i]);
        }
        System.out.printf(Locale.ROOT, "attest / ceiling (throughput ratio)         %.2f%n", median[1] / median[0]);
        System.out.printf(Locale.ROOT, "attest / ceilingWithOaep (throughput ratio) %.2f%n", median[2] / median[0]);
        System.out.println(sink == null ? "" : "(" + Arrays.asList(names).size() + " operations, " + rounds + " rounds of "
                + perRound + ")");
    }
}
