package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a key lane's batches")
class KeyLanesTest {
    private static final OrganizationId ORG = OrganizationId.random();
    private static final InstallerId INSTALLER = InstallerId.random();
    private static final AccessKeyId KEY = AccessKeyId.random();

    /** A computer's agent key fingerprint, named for reading. */
    private static String fp(String name) {
        return String.format("%064x", name.hashCode() & 0xffffffffL);
    }

    private static KeyLanes.Member member(String name, String nonce) {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        return new KeyLanes.Member(new EnrollmentAttempt(ORG, INSTALLER, KEY, "hbs_test", fp(name), (nonce + "AAAAAAAAAAAAAAAAAAAAAAAA").substring(0, 24), now.plusSeconds(600), now,
                Optional.empty()), null);
    }

    private static List<String> names(List<KeyLanes.Member> members, List<String> all) {
        return members.stream().map(m -> all.stream().filter(n -> fp(n).equals(m.attempt.agentFingerprint())).findFirst().orElseThrow())
                .toList();
    }

    @Test
    @DisplayName("one member per agent key: a computer's second request (or a replay) waits for the next batch, in order")
    void oneMemberPerAgentKey() {
        Deque<KeyLanes.Member> queue = new ArrayDeque<>();
        List<String> all = List.of("a", "b", "c");
        for (String name : List.of("a", "b", "a", "c", "a", "b")) {
            queue.addLast(member(name, "nonce-" + name + queue.size()));
        }
        List<KeyLanes.Member> first = new ArrayList<>();
        KeyLanes.drain(queue, first);
        assertThat(names(first, all)).containsExactly("a", "b", "c");
        List<KeyLanes.Member> second = new ArrayList<>();
        KeyLanes.drain(queue, second);
        assertThat(names(second, all)).containsExactly("a", "b");
        List<KeyLanes.Member> third = new ArrayList<>();
        KeyLanes.drain(queue, third);
        assertThat(names(third, all)).containsExactly("a");
        assertThat(queue).isEmpty();
    }

    @Test
    @DisplayName("at most MAX_BATCH members; the rest stay queued oldest first")
    void bounded() {
        Deque<KeyLanes.Member> queue = new ArrayDeque<>();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < KeyLanes.MAX_BATCH + 3; i++) {
            all.add("pc" + i);
            queue.addLast(member("pc" + i, "nonce-" + i));
        }
        List<KeyLanes.Member> batch = new ArrayList<>();
        KeyLanes.drain(queue, batch);
        assertThat(batch).hasSize(KeyLanes.MAX_BATCH);
        assertThat(names(new ArrayList<>(queue), all)).containsExactly("pc64", "pc65", "pc66");
    }
}
