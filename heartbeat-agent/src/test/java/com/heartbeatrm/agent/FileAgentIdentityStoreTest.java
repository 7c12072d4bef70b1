package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentCredential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAgentIdentityStoreTest {
    private static final String ORG = "org_AAAAAAAAAAAAAAAAAAAAAA";
    @TempDir
    Path dir;

    static AgentIdentity identity() {
        return new AgentIdentity(AgentKeyPair.generate(), "agt_DDDDDDDDDDDDDDDDDDDDDA", "org_AAAAAAAAAAAAAAAAAAAAAA", "https://hb.example",
                List.of(URI.create("https://hb.example/v1/")), List.of("A".repeat(43)), AgentIdentity.Status.ACTIVE,
                Optional.of(AgentCredential.of("v4.public.eyJ4IjoxfQ." + "B".repeat(86))), Optional.of(Instant.parse("2026-06-01T10:00:00Z")),
                Optional.of(Instant.parse("2026-06-01T16:00:00Z")), 3, "Acme MSP", "Customer A", List.of(TestKeys.generate().publicKey));
    }

    @Test
    @DisplayName("saved owner-only through a temp file, read back equal; no temp file left; secrets not in toString")
    void roundTrip() throws Exception {
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));
        AgentIdentity id = identity();
        store.save(id);
        assertThat(Files.getPosixFilePermissions(dir.resolve("agent"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(store.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(dir.resolve("agent"))) {
            assertThat(files.toList()).containsExactly(store.file());
        }
        AgentIdentity back = store.load().orElseThrow();
        assertThat(back.toStateBytes()).isEqualTo(id.toStateBytes());
        assertThat(back.learnedKeys()).isEqualTo(id.learnedKeys());
        assertThat(id.toString()).doesNotContain(id.credential().orElseThrow().reveal()).contains("redacted");
    }

    @Test
    @DisplayName("a corrupt or foreign state file is a typed error that does not echo it")
    void corrupt() throws Exception {
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));
        store.save(identity());
        Files.writeString(store.file(), "{\"v\":1,\"privateKey\":\"SECRETSECRET\"}");
        assertThatThrownBy(store::load).isInstanceOf(IOException.class).satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRETSECRET"));
        assertThatThrownBy(() -> AgentIdentity.fromStateBytes(new byte[] {1, 2, 3})).isInstanceOf(AgentIdentity.InvalidStateException.class);
    }

    @Test
    @DisplayName("an unanswered renewal is kept with the identity, read back, cleared by a new credential; a half one is refused")
    void unansweredRenewal() throws Exception {
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));
        AgentIdentity id = identity();
        assertThat(id.unansweredRenewalSince()).isEmpty();
        Instant at = Instant.parse("2026-06-01T13:59:58.123456789Z");
        AgentIdentity sending = id.withUnansweredRenewal("n".repeat(32), at);
        store.save(sending);
        AgentIdentity back = store.load().orElseThrow();
        assertThat(back.unansweredRenewal()).contains(new AgentIdentity.UnansweredRenewal("n".repeat(32), at));
        assertThat(back.unansweredRenewalSince()).contains(at);
        assertThat(back.toStateBytes()).isEqualTo(sending.toStateBytes());
        assertThat(back.toString()).contains("a renewal unanswered").doesNotContain("n".repeat(32));
        assertThat(back.sameAgentAs(id)).isTrue();
        assertThat(back.withoutUnansweredRenewal().toStateBytes()).isEqualTo(id.toStateBytes());

        String state = new String(sending.toStateBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String half = state.replaceAll(",\\s*\"renewalTimestamp\":\"[^\"]*\"", "");
        assertThat(half).doesNotContain("renewalTimestamp");
        assertThatThrownBy(() -> AgentIdentity.fromStateBytes(half.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(AgentIdentity.InvalidStateException.class).hasMessageContaining("go together");
        String badNonce = state.replace("n".repeat(32), "not a nonce");
        assertThatThrownBy(() -> AgentIdentity.fromStateBytes(badNonce.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(AgentIdentity.InvalidStateException.class).hasMessageContaining("renewalNonce");
        assertThatThrownBy(() -> sending.withUnansweredRenewal("x", at)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("an enrollment key is kept owner-only until deleted; delete() forgets it with the identity; a corrupt one is a typed error")
    void enrollmentKey() throws Exception {
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));
        assertThat(store.enrollmentKey(ORG)).isEmpty();
        AgentKeyPair keys = AgentKeyPair.generate();
        store.saveEnrollmentKey(ORG, keys);
        Path file = dir.resolve("agent").resolve(FileAgentIdentityStore.ENROLLING_FILE_NAME);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(store.enrollmentKey(ORG).orElseThrow().fingerprint()).isEqualTo(keys.fingerprint());
        assertThat(store.enrollmentKey("org_BBBBBBBBBBBBBBBBBBBBBA")).as("kept for one organization only").isEmpty();
        store.deleteEnrollmentKey();
        assertThat(store.enrollmentKey(ORG)).isEmpty();

        store.saveEnrollmentKey(ORG, keys);
        store.save(identity());
        store.delete();
        assertThat(store.load()).isEmpty();
        assertThat(store.enrollmentKey(ORG)).as("delete() means the next enrollment is a new agent").isEmpty();

        store.saveEnrollmentKey(ORG, keys);
        String kept = Files.readString(file);
        String privateKey = kept.replaceAll("(?s).*\"privateKey\":\"([^\"]+)\".*", "$1");
        Files.writeString(file, kept.replace("\"publicKey\":\"", "\"publicKey\":\"A"));
        assertThatThrownBy(() -> store.enrollmentKey(ORG)).isInstanceOf(IOException.class).hasMessageContaining("malformed enrollment key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(privateKey));
        Files.writeString(file, "{\"v\":1,\"organizationId\":\"org_AAAAAAAAAAAAAAAAAAAAAA\",\"publicKey\":\"x\",\"privateKey\":\"y\",\"extra\":1}");
        assertThatThrownBy(() -> store.enrollmentKey(ORG)).isInstanceOf(IOException.class);
    }
}
