package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EnrollmentTokens;
import com.heartbeatrm.enrollment.IssuedToken;
import com.heartbeatrm.enrollment.IssuerKeys;
import com.heartbeatrm.enrollment.TokenRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Generate Installer" as a server does it: issue a token, pack it, record which file came out. */
class InstallerRecordsTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("each packed installer is recorded with its token: format, base and output SHA-256 and size")
    void generateInstaller() throws Exception {
        InMemoryHeartbeatStore store = new InMemoryHeartbeatStore();
        HeartbeatAdmin admin = HeartbeatAdmin.builder().store(store).build();
        IssuerKeys keys = IssuerKeys.create(store, AesGcmKeyEncryptionKey.generate("k"), Clock.systemUTC());
        keys.ensureActiveKey();
        EnrollmentTokens tokens = EnrollmentTokens.builder(store, keys, "https://rmm.example",
                List.of(URI.create("https://rmm.example/enroll"))).build();
        Actor alice = Actor.of("alice");
        NewOrganization acme = admin.organizations().setUp(alice, "Acme MSP");

        IssuedToken issued = tokens.issue(alice, acme.id(), acme.defaultKey().id(), TokenRequest.DEFAULTS);
        Path out = dir.resolve("agent-installer.jar");
        PackResult packed = InstallerPacker.pack(Tools.runnableJar(dir, "agent"), issued.token(), out);
        InstallerRecord record = tokens.recordArtifacts(alice, acme.id(), issued.record().id(), packed.format().recordName(),
                new ArtifactDigest(packed.base().sha256(), packed.base().size()),
                new ArtifactDigest(packed.output().sha256(), packed.output().size()));

        assertThat(record.format()).isEqualTo("zip");
        assertThat(record.output()).contains(new ArtifactDigest(packed.output().sha256(), java.nio.file.Files.size(out)));
        assertThat(tokens.require(acme.id(), issued.record().id())).isEqualTo(record);
        // An admin holding a file can tell which installer (and so which token and key) it is.
        assertThat(InstallerReader.read(out).token()).isEqualTo(issued.token());
    }
}
