package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentJudge;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One lane per access key, so that concurrent enrollments on one key share a transaction.
 *
 * <h2>Why</h2>
 * Every enrollment on a key updates the key's row (its use count), so on a hot key each transaction waits for the
 * previous one's commit: throughput is one commit at a time, whatever the number of clients. Instead, enrollments that
 * arrive while one is in flight queue in the key's lane, and the next transaction takes them all: one conditional
 * update for n uses, one multi-row insert of agents, one of audit events, one commit.
 *
 * <h2>How</h2>
 * The first enrollment on an idle lane leads: it drains the lane (itself first, up to {@link #MAX_BATCH}, one member per
 * agent key: a second request of the same computer waits for the next batch), runs the
 * batch in the calling thread, hands each waiting member its own outcome, and passes the lead to the oldest member
 * still queued, or retires the lane. No thread of ours runs anything: the leader is always a caller, so a pool or a
 * servlet container sizes the work. A member whose batch failed (a lost connection, a deadlock that outlived its
 * retries, two members with one agent key) is told to go {@link #ALONE}: it runs the one-enrollment transaction itself
 * and sees its own outcome or exception. Since a batch is one transaction, a failed batch wrote nothing.
 */
final class KeyLanes {
    static final int MAX_BATCH = 64;
    /** The outcome that tells a member to run its enrollment on its own. */
    static final Object ALONE = new Object();
    private static final Object LEAD = new Object();

    /** One queued enrollment. */
    static final class Member {
        final EnrollmentAttempt attempt;
        final EnrollmentJudge judge;
        final CompletableFuture<Object> signal = new CompletableFuture<>();
        /** An {@link EnrollmentCommit}, or {@link #ALONE}; null until the batch sets it, before the signal. */
        @Nullable Object outcome;

        Member(EnrollmentAttempt attempt, EnrollmentJudge judge) {
            this.attempt = attempt;
            this.judge = judge;
        }
    }

    private static final class Lane {
        final ArrayDeque<Member> queue = new ArrayDeque<>();
        boolean led;
        boolean retired;
    }

    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * Enrolls through the attempt's key lane; {@code batch} runs a list of members in one transaction and sets each
     * outcome, {@code alone} runs one enrollment on its own.
     */
    EnrollmentCommit enroll(EnrollmentAttempt attempt, EnrollmentJudge judge, java.util.function.Consumer<List<Member>> batch,
            Function<Member, EnrollmentCommit> alone) {
        Member me = new Member(attempt, judge);
        String name = attempt.organization().value() + '/' + attempt.key().value();
        Lane lane;
        boolean lead;
        while (true) {
            lane = lanes.computeIfAbsent(name, n -> new Lane());
            synchronized (lane) {
                if (lane.retired) {
                    continue;
                }
                lane.queue.addLast(me);
                lead = !lane.led;
                lane.led = true;
            }
            break;
        }
        if (!lead && await(me) != LEAD) {
            return me.outcome == ALONE ? alone.apply(me) : (EnrollmentCommit) Objects.requireNonNull(me.outcome, "set before the signal");
        }
        // Leading: this member is the oldest in the lane.
        List<Member> members = new ArrayList<>();
        synchronized (lane) {
            drain(lane.queue, members);
        }
        try {
            if (members.size() == 1) {
                me.outcome = alone.apply(me);
            } else {
                batch.accept(members);
            }
        } catch (RuntimeException | Error e) {
            for (Member m : members) {
                m.outcome = ALONE;
            }
            if (members.size() == 1) {
                handOver(name, lane);
                throw e;
            }
        } finally {
            for (Member m : members) {
                if (m != me) {
                    if (m.outcome == null) {
                        m.outcome = ALONE;
                    }
                    m.signal.complete(m.outcome);
                }
            }
        }
        handOver(name, lane);
        if (me.outcome == ALONE || me.outcome == null) {
            return alone.apply(me);
        }
        return (EnrollmentCommit) me.outcome;
    }

    /**
     * Takes the batch from the queue, oldest first: at most {@link #MAX_BATCH}, and at most one member per agent key.
     * Two members with one agent key (a computer that sent twice, a replay) would fail the whole batch and send every
     * member to run alone, one commit each; a later one waits in the queue for the next batch instead.
     */
    static void drain(java.util.Deque<Member> queue, List<Member> into) {
        java.util.Set<String> agentKeys = new java.util.HashSet<>();
        for (java.util.Iterator<Member> it = queue.iterator(); it.hasNext() && into.size() < MAX_BATCH; ) {
            Member m = it.next();
            if (agentKeys.add(m.attempt.agentFingerprint())) {
                it.remove();
                into.add(m);
            }
        }
    }

    private void handOver(String name, Lane lane) {
        Member next;
        synchronized (lane) {
            next = lane.queue.peekFirst();
            if (next == null) {
                lane.led = false;
                lane.retired = true;
                lanes.remove(name, lane);
                return;
            }
        }
        next.signal.complete(LEAD);
    }

    private static Object await(Member me) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return me.signal.get();
                } catch (InterruptedException e) {
                    // The leader completes every member it took, and hands over the lead: keep waiting, then re-raise.
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lanes now open (for tests: an idle store has none). */
    int openLanes() {
        return lanes.size();
    }

    /** Enrollments now waiting in a lane behind a batch under way (for tests). */
    int queued() {
        int n = 0;
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                n += lane.queue.size();
            }
        }
        return n;
    }
}
