package com.heartbeatrm.examples.server;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference server's per-request log ({@code serve --request-log}), written off the request thread: a request
 * thread only offers a small record to a bounded queue (never blocking, never formatting), and one daemon thread
 * formats and writes the lines. When the writer falls behind (a slow terminal, a full disk), records are dropped and
 * counted, and the count is written with the next line, so that logging can never slow or stall enrollment.
 * Off by default: a line per request on a synchronous appender cost more server CPU than the TLS records did.
 */
final class RequestLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestLog.class);
    static final int CAPACITY = 8192;

    /** One request, as the request thread saw it; formatted on the writer thread. */
    record Entry(String method, String path, int status, long elapsedNanos) {
    }

    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Consumer<String> sink;
    private final Thread writer;
    private volatile boolean closed;

    /** Lines through slf4j at INFO (the host's configuration decides where). */
    static Consumer<String> slf4j() {
        return LOG::info;
    }

    RequestLog(Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.writer = new Thread(this::drain, "heartbeat-request-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Called on the request thread: never blocks. */
    void offer(String method, String path, int status, long elapsedNanos) {
        if (closed || !queue.offer(new Entry(method, path, status, elapsedNanos))) {
            dropped.incrementAndGet();
        }
    }

    /** Records dropped because the writer was behind, for tests and the next line. */
    long dropped() {
        return dropped.get();
    }

    private void drain() {
        long reported = 0;
        while (!closed || !queue.isEmpty()) {
            Entry e;
            try {
                e = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException x) {
                if (closed) {
                    continue;
                }
                Thread.currentThread().interrupt();
                return;
            }
            if (e == null) {
                continue;
            }
            long lost = dropped.get();
            String line = ReferenceServer.printable(e.method()) + " " + ReferenceServer.printable(e.path()) + " " + e.status() + " "
                    + e.elapsedNanos() / 1_000_000 + " ms";
            try {
                sink.accept(lost > reported ? line + " (" + (lost - reported) + " earlier lines dropped)" : line);
                reported = lost;
            } catch (RuntimeException x) {
                dropped.incrementAndGet();
            }
        }
    }

    /** Writes what is queued (waiting up to a second), then stops the writer. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
