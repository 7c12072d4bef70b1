package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Subject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Refused agent requests, audited in aggregate: a request that proves nothing must not buy a row of the audit log.
 *
 * <h2>Design</h2>
 * Time is cut into fixed windows (the throttle window, 10 minutes by default). Within one window, denials are tallied
 * by organization, action, subject, outcome and source (an IPv4 address or an IPv6 /64). The first refusal of a
 * tally is appended at once, as it always was, with {@code count=1}: the log shows at once that a revoked installer
 * or a forged renewal is being tried, and from where. The repeats are appended as one row per tally when the window
 * ends ({@code aggregate=repeats}, with {@code count}, {@code firstAt} and {@code lastAt}, and only what all of them
 * share: no agent key, the source as tallied), by whichever comes first: the next refusal after the window, a
 * background flush every minute at most, or {@link #close()}. Repeats are appended by the background thread, never
 * by the request that happens to end a window. After {@link #close()} every refusal is appended as it comes.
 * <p>
 * Bounds, per node and window: a subject keeps at most {@value #MAX_SOURCES} sources apart, the rest are tallied as
 * {@code other sources}; past {@value #MAX_TALLIES} tallies, new ones fold into one per organization, action and
 * outcome. So the rows one window adds are at most two per tally, and the tallies are bounded by the subjects that
 * exist (installers, keys and agents of the organization), the outcomes, and {@value #MAX_SOURCES} + 1, whatever the
 * number of requests or of source addresses.
 */
final class DenialDigest implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DenialDigest.class);
    static final int MAX_SOURCES = 8;
    static final int MAX_TALLIES = 10_000;
    static final String OTHER_SOURCES = "other sources";

    private record Kind(OrganizationId org, AuditAction action, Subject subject, String outcome) {
    }

    private record Key(Kind kind, String source) {
    }

    private static final class Tally {
        final AuditEvent first;
        final String source;
        int repeats;
        Instant lastAt;

        Tally(AuditEvent first, String source) {
            this.first = first;
            this.source = source;
            this.lastAt = first.at();
        }
    }

    private final Consumer<AuditEvent> sink;
    private final Duration window;
    private final Clock clock;
    private final Map<Key, Tally> tallies = new HashMap<>();
    private final Map<Kind, Integer> sources = new HashMap<>();
    private Instant windowEnd = Instant.MIN;
    /** Null until the first refusal is tallied: a server that refuses nothing starts no thread. */
    private @Nullable ScheduledExecutorService flusher;
    private boolean closed;

    DenialDigest(Consumer<AuditEvent> sink, Duration window, Clock clock) {
        this.sink = sink;
        this.window = window;
        this.clock = clock;
    }

    /**
     * Tallies one refusal, described by {@code event} (whose {@code outcome} names it), from {@code source}; appends it
     * now when it is the first of its tally in this window.
     */
    void refused(AuditEvent event, String source) {
        List<AuditEvent> out = new ArrayList<>(1);
        synchronized (this) {
            if (closed) {
                Map<String, String> after = new LinkedHashMap<>(event.after());
                after.put("count", "1");
                out.add(AuditEvent.of(event.at(), event.organizationId(), event.actor(), event.action(), event.subject(), event.before(), after));
            } else {
                tally(event, source, out);
            }
        }
        out.forEach(sink);
    }

    /** Runs {@code task} on the background thread (starting it if need be), or not at all once closed. */
    synchronized void inBackground(Runnable task) {
        if (!closed) {
            submit(task);
        }
    }

    /** The caller holds the lock, and the digest is open. */
    private void submit(Runnable task) {
        flusher().execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("background work of the refusal digest failed: {}", e.getClass().getSimpleName());
            }
        });
    }

    /** Tallies one refusal; {@code out} gets the row to append now, if any. The caller holds the lock. */
    private void tally(AuditEvent event, String source, List<AuditEvent> out) {
        Instant now = event.at();
        if (!now.isBefore(windowEnd)) {
            List<AuditEvent> repeats = new ArrayList<>();
            drain(repeats);
            if (!repeats.isEmpty()) {
                submit(() -> append(repeats));
            }
            windowEnd = now.plus(window);
        }
        Kind kind = new Kind(event.organizationId(), event.action(), event.subject(), event.after().getOrDefault("outcome", ""));
        Key key = new Key(kind, source);
        Tally t = tallies.get(key);
        if (t == null) {
            if (sources.getOrDefault(kind, 0) >= MAX_SOURCES) {
                key = new Key(kind, OTHER_SOURCES);
            } else if (tallies.size() >= MAX_TALLIES) {
                key = new Key(new Kind(kind.org(), kind.action(), Subject.of(kind.org()), kind.outcome()), OTHER_SOURCES);
            }
            t = tallies.get(key);
        }
        if (t == null) {
            if (!key.source().equals(OTHER_SOURCES)) {
                sources.merge(kind, 1, Integer::sum);
            }
            Map<String, String> after = new LinkedHashMap<>(event.after());
            after.put("count", "1");
            AuditEvent first = AuditEvent.of(event.at(), event.organizationId(), event.actor(), event.action(), key.kind().subject(),
                    event.before(), after);
            tallies.put(key, new Tally(first, key.source()));
            out.add(first);
        } else {
            t.repeats++;
            if (now.isAfter(t.lastAt)) {
                t.lastAt = now;
            }
        }
        flusher(); // started with the first refusal, so this window's repeats are appended when it ends
    }

    /** Appends the repeats of every window that has ended by now. */
    void flushEnded() {
        List<AuditEvent> out = new ArrayList<>();
        synchronized (this) {
            if (!clock.instant().isBefore(windowEnd)) {
                drain(out);
            }
        }
        out.forEach(sink);
    }

    /** Appends every tally's repeats now, waits (10 s at most) for the background thread's work, and stops it. */
    @Override
    public void close() {
        List<AuditEvent> out = new ArrayList<>();
        ScheduledExecutorService stopping;
        synchronized (this) {
            drain(out);
            closed = true;
            stopping = flusher;
        }
        if (stopping != null) {
            stopping.shutdown();
            try {
                stopping.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.forEach(sink);
    }

    private void append(List<AuditEvent> events) {
        for (AuditEvent e : events) {
            sink.accept(e);
        }
    }

    /** Moves the repeats of the current tallies into {@code out} and forgets the tallies; the caller holds the lock. */
    private void drain(List<AuditEvent> out) {
        for (Tally t : tallies.values()) {
            if (t.repeats > 0) {
                Map<String, String> after = new LinkedHashMap<>(t.first.after());
                // What only the first request said (its agent key) is not the repeats': they share the tally's fields.
                after.remove("agentKeyFingerprint");
                after.put("sourceAddress", t.source);
                after.put("aggregate", "repeats");
                after.put("count", Integer.toString(t.repeats));
                after.put("firstAt", t.first.at().toString());
                after.put("lastAt", t.lastAt.toString());
                out.add(AuditEvent.of(t.lastAt, t.first.organizationId(), Actor.SYSTEM, t.first.action(), t.first.subject(), Map.of(), after));
            }
        }
        tallies.clear();
        sources.clear();
    }

    /** The background thread, started on first use; the caller holds the lock, and the digest is open. */
    // The periodic task needs no handle: close() shuts the executor down, and flushQuietly catches its own failures.
    @SuppressWarnings("FutureReturnValueIgnored")
    private ScheduledExecutorService flusher() {
        ScheduledExecutorService running = flusher;
        if (running != null) {
            return running;
        }
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-refusal-digest");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(window.toSeconds(), 60));
        started.scheduleWithFixedDelay(this::flushQuietly, period, period, TimeUnit.SECONDS);
        flusher = started;
        return started;
    }

    private void flushQuietly() {
        try {
            flushEnded();
        } catch (RuntimeException e) {
            // The store is unreachable now: that window's repeats are lost; its first denials were appended already.
            LOG.warn("refused requests of one window not audited (their first denials were): {}", e.getClass().getSimpleName());
        }
    }
}
