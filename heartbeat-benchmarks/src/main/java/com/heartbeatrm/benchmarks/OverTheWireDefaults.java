package com.heartbeatrm.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings of {@link EndToEndBenchmark} and its ceiling {@link PlainSqlCeilingBenchmark}, which must match for
 * their ratio to mean anything: latency samples in microseconds, a long warm-up (over the wire, a 2-core machine
 * needs about 15 s before Jetty's, TLS's and our code is compiled), a 2 GiB heap and quiet logs.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 4)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.com.heartbeatrm.examples.server=warn"})
public abstract class OverTheWireDefaults extends ThroughputDefaults {
}
