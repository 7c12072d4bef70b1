package com.heartbeatrm.agent;

import static com.heartbeatrm.agent.OtherUser.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.UnsafeStateException.Reason;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's state directory is its own: what another local user ({@code nobody}, through {@code runuser}) creates,
 * links or leaves writable is refused with a typed error, on every call that reads or writes; a fresh directory is
 * made owner-only.
 */
@DisplayName("FileAgentIdentityStore: the state directory is the agent's own")
class StateDirectoryOwnershipTest {
    private static final String ORG = "org_AAAAAAAAAAAAAAAAAAAAAA";
    @TempDir
    Path tmp;
    /** A directory every local user may create in, like /tmp. */
    private Path shared;

    @BeforeEach
    void shared() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static void refused(ThrowingCallable call, Path path, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(UnsafeStateException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.getMessage()).contains(path.toString()).contains("refused");
        });
    }

    @Test
    @DisplayName("a fresh directory and its missing parents are made 0700, its files 0600")
    void fresh() throws Exception {
        Path dir = tmp.resolve("new").resolve("deeper").resolve("agent");
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir);
        store.saveEnrollmentKey(ORG, AgentKeyPair.generate());
        store.save(FileAgentIdentityStoreTest.identity());
        for (Path d : List.of(tmp.resolve("new"), tmp.resolve("new").resolve("deeper"), dir)) {
            assertThat(Files.getPosixFilePermissions(d)).as(d.toString()).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        }
        for (String f : List.of(FileAgentIdentityStore.FILE_NAME, FileAgentIdentityStore.ENROLLING_FILE_NAME)) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(f))).as(f).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(store.load()).isPresent();
    }

    @Test
    @DisplayName("a directory nobody made, holding nobody's enrolling.json: its key is never used, nothing is written there")
    void plantedByAnotherUser() throws Exception {
        OtherUser.require();
        AgentKeyPair nobodys = AgentKeyPair.generate();
        FileAgentIdentityStore scratch = FileAgentIdentityStore.in(tmp.resolve("scratch"));
        scratch.saveEnrollmentKey(ORG, nobodys);
        byte[] planted = Files.readAllBytes(tmp.resolve("scratch").resolve(FileAgentIdentityStore.ENROLLING_FILE_NAME));
        Path dir = shared.resolve("state");
        OtherUser.sh("umask 077 && mkdir " + q(dir) + " && cat > " + q(dir.resolve(FileAgentIdentityStore.ENROLLING_FILE_NAME)), planted);
        assertThat(Files.getOwner(dir)).isEqualTo(OtherUser.principal());

        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir);
        refused(() -> store.enrollmentKey(ORG), dir, Reason.FOREIGN_OWNER);
        refused(store::load, dir, Reason.FOREIGN_OWNER);
        refused(() -> store.saveEnrollmentKey(ORG, AgentKeyPair.generate()), dir, Reason.FOREIGN_OWNER);
        refused(() -> store.save(FileAgentIdentityStoreTest.identity()), dir, Reason.FOREIGN_OWNER);
        refused(store::delete, dir, Reason.FOREIGN_OWNER);
        refused(store::deleteEnrollmentKey, dir, Reason.FOREIGN_OWNER);
        assertThatThrownBy(store::load).hasMessageContaining("owned by another user").hasMessageContaining(OtherUser.NAME)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(new String(planted, java.nio.charset.StandardCharsets.UTF_8)
                        .replaceAll("(?s).*\"privateKey\":\"([^\"]+)\".*", "$1")));
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly(FileAgentIdentityStore.ENROLLING_FILE_NAME);
        }
        assertThat(Files.readAllBytes(dir.resolve(FileAgentIdentityStore.ENROLLING_FILE_NAME))).isEqualTo(planted);
    }

    @Test
    @DisplayName("a symbolic link nobody placed: refused, and its target neither chmod-ed nor written")
    void linkPlacedByAnotherUser() throws Exception {
        OtherUser.require();
        Path target = Files.createDirectory(tmp.resolve("root-owned"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = shared.resolve("state");
        OtherUser.sh("ln -s " + q(target) + " " + q(link));
        assertThat(Files.getOwner(link, LinkOption.NOFOLLOW_LINKS)).isEqualTo(OtherUser.principal());

        FileAgentIdentityStore store = FileAgentIdentityStore.in(link);
        refused(() -> store.save(FileAgentIdentityStoreTest.identity()), link, Reason.LINK);
        refused(() -> store.saveEnrollmentKey(ORG, AgentKeyPair.generate()), link, Reason.LINK);
        refused(store::load, link, Reason.LINK);
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.list(target)) {
            assertThat(files.toList()).isEmpty();
        }

        // A link to a directory that would pass every check (root's own, 0700, with an identity) is refused all the same.
        Path own = tmp.resolve("own");
        FileAgentIdentityStore.in(own).save(FileAgentIdentityStoreTest.identity());
        Path link2 = shared.resolve("state2");
        OtherUser.sh("ln -s " + q(own) + " " + q(link2));
        refused(FileAgentIdentityStore.in(link2)::load, link2, Reason.LINK);
    }

    @Test
    @DisplayName("a directory writable by group or others is refused, though it is root's")
    void writableByOthers() throws Exception {
        for (String mode : List.of("rwxrwx---", "rwx---rwx", "rwxrwxrwx")) {
            Path dir = Files.createDirectory(tmp.resolve("open-" + mode));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
            FileAgentIdentityStore store = FileAgentIdentityStore.in(dir);
            refused(() -> store.saveEnrollmentKey(ORG, AgentKeyPair.generate()), dir, Reason.OPEN_TO_OTHERS);
            refused(store::load, dir, Reason.OPEN_TO_OTHERS);
            assertThat(Files.getPosixFilePermissions(dir)).as("never chmod-ed").isEqualTo(PosixFilePermissions.fromString(mode));
            try (var files = Files.list(dir)) {
                assertThat(files.toList()).isEmpty();
            }
        }
        Path readable = Files.createDirectory(tmp.resolve("readable"));
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rwxr-xr-x"));
        FileAgentIdentityStore.in(readable).save(FileAgentIdentityStoreTest.identity());
        assertThat(FileAgentIdentityStore.in(readable).load()).as("only write access for others is refused on the directory").isPresent();
    }

    @Test
    @DisplayName("in the agent's own directory, a state file that is a link, another user's, open to others or not a file is refused")
    void filesInside() throws Exception {
        OtherUser.require();
        Path dir = tmp.resolve("agent");
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir);
        store.save(FileAgentIdentityStoreTest.identity());
        store.saveEnrollmentKey(ORG, AgentKeyPair.generate());
        Path identity = dir.resolve(FileAgentIdentityStore.FILE_NAME);
        Path enrolling = dir.resolve(FileAgentIdentityStore.ENROLLING_FILE_NAME);

        Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rw-r--r--"));
        refused(store::load, identity, Reason.OPEN_TO_OTHERS);
        Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rw-------"));
        assertThat(store.load()).isPresent();

        Files.setOwner(enrolling, OtherUser.principal());
        refused(() -> store.enrollmentKey(ORG), enrolling, Reason.FOREIGN_OWNER);

        Path elsewhere = tmp.resolve("elsewhere.json");
        Files.move(identity, elsewhere);
        Files.createSymbolicLink(identity, elsewhere);
        refused(store::load, identity, Reason.LINK);

        Files.delete(identity);
        Files.createDirectory(identity);
        refused(store::load, identity, Reason.WRONG_TYPE);
    }
}
