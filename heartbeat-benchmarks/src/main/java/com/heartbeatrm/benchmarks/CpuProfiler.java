package com.heartbeatrm.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Where the CPU went, per operation: the load generator's threads (JMH's workers), the rest of this JVM (the
 * server: Jetty, TLS, our code, JIT and GC), and the local PostgreSQL's processes. On a machine where all three
 * share the cores, throughput alone cannot say what a deployment with its own database machine would do; the
 * database's CPU per operation can, and the capacity model in BENCHMARKS.md is built on it.
 *
 * <p>Use: {@code -prof com.heartbeatrm.benchmarks.CpuProfiler}. Linux only (reads {@code /proc}); PostgreSQL is
 * counted when it runs on this machine and its processes are named {@code postgres}.
 */
public final class CpuProfiler implements InternalProfiler {
    private static final long TICK_NANOS = 1_000_000_000L / 100; // USER_HZ is 100 on Linux
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long processStart;
    private long workersStart;
    private long databaseStart;
    private long wallStart;

    @Override
    public String getDescription() {
        return "CPU per operation: load generator, server JVM, local PostgreSQL";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        wallStart = System.nanoTime();
        processStart = processCpu();
        workersStart = workersCpu();
        databaseStart = databaseCpu();
    }

    @Override
    @SuppressWarnings("rawtypes") // JMH's InternalProfiler declares the raw Result type; an override must match it.
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long wall = System.nanoTime() - wallStart;
        long process = processCpu() - processStart;
        long workers = workersCpu() - workersStart;
        long database = databaseCpu() - databaseStart;
        double ops = Math.max(1.0, operations(benchmarkParams, result, wall));
        List<Result> out = new ArrayList<>();
        out.add(new ScalarResult("cpu.client.us/op", workers / 1e3 / ops, "us/op", AggregationPolicy.AVG));
        out.add(new ScalarResult("cpu.server.us/op", (process - workers) / 1e3 / ops, "us/op", AggregationPolicy.AVG));
        out.add(new ScalarResult("cpu.db.us/op", database / 1e3 / ops, "us/op", AggregationPolicy.AVG));
        out.add(new ScalarResult("cpu.cores.used", (process + database) / (double) wall, "cores", AggregationPolicy.AVG));
        out.add(new ScalarResult("ops/s", ops / (wall / 1e9), "ops/s", AggregationPolicy.AVG));
        return out;
    }

    /**
     * The operations in the iteration. In sample-time mode JMH's measured-ops count is not the number of calls
     * made by all threads, so a closed loop's count is derived the way the throughput in BENCHMARKS.md is:
     * threads x wall time / mean latency of the (unbiased) samples.
     */
    private static double operations(BenchmarkParams params, IterationResult result, long wallNanos) {
        double score = result.getPrimaryResult().getScore();
        if (params.getMode() == org.openjdk.jmh.annotations.Mode.SampleTime
                || params.getMode() == org.openjdk.jmh.annotations.Mode.AverageTime) {
            double meanNanos = score * params.getTimeUnit().toNanos(1);
            return meanNanos <= 0 ? 1 : params.getThreads() * (double) wallNanos / meanNanos;
        }
        return result.getMetadata().getMeasuredOps();
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private long workersCpu() {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        long sum = 0;
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && infos[i].getThreadName().contains("-jmh-worker-")) {
                long t = threads.getThreadCpuTime(ids[i]);
                sum += Math.max(0, t);
            }
        }
        return sum;
    }

    /** CPU time of every process named postgres, and of the ones that ended, in nanoseconds. */
    static long databaseCpu() {
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (open < 0 || close < open || !stat.substring(open + 1, close).startsWith("postgres")) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" ");
                    // utime, stime, and cutime, cstime: the postmaster's reaped children (backends and autovacuum
                    // workers that ended during the iteration), so that the sum never goes back.
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                } catch (IOException | RuntimeException gone) {
                    // the process ended, or is not ours to read
                }
            }
        } catch (IOException noProc) {
            return 0;
        }
        return ticks * TICK_NANOS;
    }
}
