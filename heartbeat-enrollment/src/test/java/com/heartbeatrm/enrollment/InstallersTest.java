package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyNotUsableException;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerReader;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallersTest {
    private final Fixture f = new Fixture();

    @TempDir
    Path dir;

    private DenialReason refusal(IssuedToken t) {
        TokenCheck c = f.check(t);
        assertThat(c).isInstanceOf(TokenCheck.Denied.class);
        return ((TokenCheck.Denied) c).reason();
    }

    private Path zipBase() throws Exception {
        Path base = dir.resolve("agent.zip");
        try (OutputStream os = Files.newOutputStream(base); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("agent.txt"));
            zip.write("the agent".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return base;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    @DisplayName("an issued token names key, organization, base URLs and pins; an agent verifies it against the exported key set")
    void issueAndVerifyOnTheAgent() throws Exception {
        String pin = "A".repeat(42) + "E";
        HeartbeatServer pinned = HeartbeatServer.builder(f.store, f.kek, Fixture.ISSUER).clock(f.clock).endpoints(Fixture.ENDPOINTS)
                .tlsPins(() -> List.of(pin)).build();
        IssuedToken issued = pinned.installers().issueToken(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.DEFAULTS);
        PinnedKeySet keys = PinnedKeySet.parseJson(f.keys.publicKeySet().toJson());
        VerifiedEnrollmentToken v = EnrollmentTokenVerifier.builder(keys).clock(f.clock).build().verify(issued.token());
        assertThat(v.claims().accessKeyId()).isEqualTo(f.keyA.id().value());
        assertThat(v.claims().organizationId()).isEqualTo(f.acme.id().value());
        assertThat(v.claims().installerId()).isEqualTo(issued.record().id().value());
        assertThat(v.claims().endpoints()).isEqualTo(Fixture.ENDPOINTS);
        assertThat(v.claims().tlsPins()).containsExactly(pin);
        assertThat(v.claims().issuer()).isEqualTo(Fixture.ISSUER);
        assertThat(v.signingKeyId()).isEqualTo(f.keys.ensureActiveKey().keyId());

        assertThat(f.check(issued)).isInstanceOfSatisfying(TokenCheck.Valid.class, ok -> {
            assertThat(ok.key().id()).isEqualTo(f.keyA.id());
            assertThat(ok.installer()).isEqualTo(issued.record());
        });
    }

    @Test
    @DisplayName("a packed installer is recorded with its format and the base and output digests, once its file exists")
    void packedInstallersAreRecorded() throws Exception {
        BaseInstaller base = BaseInstaller.open(zipBase());
        Path out = dir.resolve("agent-installer.zip");
        InstallerRecord record = f.installers.issue(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.DEFAULTS, base, out);
        assertThat(record.format()).isEqualTo("zip");
        assertThat(record.output()).contains(new ArtifactDigest(sha256(Files.readAllBytes(out)), Files.size(out)));
        assertThat(record.base()).contains(new ArtifactDigest(base.baseSha256(), base.baseSize()));
        assertThat(f.installers.require(f.acme.id(), record.id())).isEqualTo(record);
        assertThat(InstallerReader.read(out).token().reveal()).isNotEmpty();
        assertThat(f.installers.check(InstallerReader.read(out).token())).isInstanceOf(TokenCheck.Valid.class);

        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        InstallerRecord other = f.installers.issue(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.DEFAULTS, base, streamed);
        assertThat(other.output()).contains(new ArtifactDigest(sha256(streamed.toByteArray()), streamed.size()));
        assertThat(f.admin.audit().query(AuditQuery.all(f.acme.id())).items()).filteredOn(r -> r.event().action() == AuditAction.INSTALLER_ISSUED)
                .hasSize(2).allSatisfy(r -> assertThat(r.event().after()).containsKey("outputSha256").containsEntry("format", "zip"));
    }

    @Test
    @DisplayName("an installer whose file could not be produced leaves no record")
    void failedPackingLeavesNoRecord() throws Exception {
        BaseInstaller base = BaseInstaller.open(zipBase());
        Path noDir = dir.resolve("missing/dir/out.zip");
        assertThatThrownBy(() -> f.installers.issue(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.DEFAULTS, base, noDir))
                .isInstanceOf(InstallerException.class);
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("connection reset");
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                throw new java.io.IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> f.installers.issue(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.DEFAULTS, base, broken))
                .isInstanceOf(InstallerException.class);
        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "x");
        assertThatThrownBy(() -> f.installers.issue(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.DEFAULTS, base,
                dir.resolve("never.zip"))).isInstanceOf(AccessKeyNotUsableException.class);
        assertThat(Files.exists(dir.resolve("never.zip"))).isFalse();
        assertThat(f.installers.list(f.acme.id(), PageRequest.first(10)).items()).isEmpty();
    }

    @Test
    @DisplayName("each token is recorded with who, when, key, platform and format, listed per key and organization")
    void records() {
        IssuedToken a = f.issue();
        f.clock.advance(Duration.ofSeconds(1));
        IssuedToken b = f.installers.issueToken(Actor.of("bob"), f.acme.id(), f.keyA.id(), InstallerRequest.builder().platform(Platform.LINUX).build());
        InstallerRecord rb = f.installers.require(f.acme.id(), b.record().id());
        assertThat(rb.issuedBy().name()).isEqualTo("bob");
        assertThat(rb.platform()).contains(Platform.LINUX);
        assertThat(rb.format()).isEqualTo("token");
        assertThat(rb.issuedAt()).isEqualTo(f.clock.instant());
        assertThat(f.installers.listByKey(f.acme.id(), f.keyA.id(), PageRequest.first(10)).items())
                .extracting(InstallerRecord::id).containsExactly(a.record().id(), b.record().id());
        assertThat(f.installers.list(f.acme.id(), PageRequest.first(10)).items()).hasSize(2);
    }

    @Test
    @DisplayName("disabling the key refuses every token that names it; enabling admits them again")
    void disablingTheKeyRefusesItsInstallers() {
        IssuedToken t1 = f.issue();
        IssuedToken t2 = f.issue();
        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "leaked");
        assertThat(refusal(t1)).isEqualTo(DenialReason.KEY_DISABLED);
        assertThat(refusal(t2)).isEqualTo(DenialReason.KEY_DISABLED);
        assertThatThrownBy(f::issue).isInstanceOfSatisfying(AccessKeyNotUsableException.class,
                e -> assertThat(e.status()).isEqualTo(AccessKeyStatus.DISABLED));
        f.admin.accessKeys().enable(f.alice, f.acme.id(), f.keyA.id());
        assertThat(f.check(t1)).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    @DisplayName("revoking one installer refuses only that token")
    void revokeOne() {
        IssuedToken t1 = f.issue();
        IssuedToken t2 = f.issue();
        InstallerRecord r = f.installers.revoke(f.alice, f.acme.id(), t1.record().id(), "sent to the wrong customer");
        assertThat(r.revoked()).hasValueSatisfying(x -> assertThat(x.reason()).isEqualTo("sent to the wrong customer"));
        assertThat(refusal(t1)).isEqualTo(DenialReason.TOKEN_REVOKED);
        assertThat(f.check(t2)).isInstanceOf(TokenCheck.Valid.class);
        assertThat(f.admin.accessKeys().status(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()))).isEqualTo(AccessKeyStatus.ENABLED);
    }

    @Test
    @DisplayName("issuing is refused for disabled, expired, exhausted and deleted keys; deleting the key refuses its tokens")
    void issuingNeedsAUsableKey() {
        AccessKey shortLived = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("short", f.customerA.id())
                .expiresIn(Duration.ofHours(1)).build());
        IssuedToken t = f.installers.issueToken(f.alice, f.acme.id(), shortLived.id(), InstallerRequest.DEFAULTS);
        assertThat(t.record().expiresAt()).as("a token never outlives its key").isEqualTo(shortLived.expiresAt());
        assertThatThrownBy(() -> f.installers.issueToken(f.alice, f.acme.id(), shortLived.id(),
                InstallerRequest.builder().expiresIn(Duration.ofHours(2)).build())).isInstanceOf(InvalidInputException.class);
        f.clock.advance(Duration.ofHours(1));
        assertThatThrownBy(() -> f.installers.issueToken(f.alice, f.acme.id(), shortLived.id(), InstallerRequest.DEFAULTS))
                .isInstanceOfSatisfying(AccessKeyNotUsableException.class, e -> assertThat(e.status()).isEqualTo(AccessKeyStatus.EXPIRED));
        assertThat(refusal(t)).isEqualTo(DenialReason.TOKEN_EXPIRED);

        IssuedToken doomed = f.issue();
        f.admin.accessKeys().delete(f.alice, f.acme.id(), f.keyA.id());
        assertThat(refusal(doomed)).isEqualTo(DenialReason.KEY_NOT_FOUND);
        assertThatThrownBy(f::issue).isInstanceOf(NotFoundException.class);
    }

    @Test
    @DisplayName("a platform must be allowed by the key's group; base URLs can be overridden per installer, and must be base URLs")
    void platformAndEndpoints() {
        f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.WINDOWS));
        assertThatThrownBy(() -> f.installers.issueToken(f.alice, f.acme.id(), f.keyA.id(),
                InstallerRequest.builder().platform(Platform.LINUX).build())).isInstanceOf(InvalidInputException.class).hasMessageContaining("linux");
        List<URI> other = List.of(URI.create("https://eu.heartbeat.example/v1/"), URI.create("https://us.heartbeat.example/hb/v1/"));
        IssuedToken t = f.installers.issueToken(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.builder().platform(Platform.WINDOWS)
                .endpoints(other).build());
        TokenCheck.Valid ok = (TokenCheck.Valid) f.check(t);
        assertThat(ok.token().claims().endpoints()).isEqualTo(other);
        assertThat(ok.token().claims().platform()).contains("windows");
        for (String bad : List.of("ftp://x.example/", "https://user:pw@x.example/", "https://x.example/v1/enroll", "https://x.example/v1/?a=b")) {
            assertThatThrownBy(() -> InstallerRequest.builder().endpoints(List.of(URI.create(bad)))).as(bad)
                    .isInstanceOf(InvalidInputException.class);
        }
        HeartbeatServer noEndpoints = HeartbeatServer.builder(f.store, f.kek, Fixture.ISSUER).clock(f.clock).build();
        assertThatThrownBy(() -> noEndpoints.installers().issueToken(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.DEFAULTS))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("endpoints"));
    }

    @Test
    @DisplayName("a token of another deployment or issuer, one never recorded, or garbage is refused with its reason")
    void foreignAndUnrecorded() {
        Fixture other = new Fixture();
        assertThat(refusal(other.issue())).isEqualTo(DenialReason.UNKNOWN_SIGNING_KEY);

        // Same signing keys, but the record is gone (e.g. a store restored from an old backup).
        IssuedToken t = f.issue();
        assertThat(f.store.installers().find(f.acme.id(), t.record().id())).isPresent();
        HeartbeatServer restored = HeartbeatServer.builder(f.store, f.kek, Fixture.ISSUER).clock(f.clock).endpoints(Fixture.ENDPOINTS).build();
        Fixture fresh = new Fixture();
        assertThat(fresh.installers.check(t.token())).isInstanceOfSatisfying(TokenCheck.Denied.class,
                r -> assertThat(r.reason()).isEqualTo(DenialReason.UNKNOWN_SIGNING_KEY));
        assertThat(restored.installers().check(t.token())).isInstanceOf(TokenCheck.Valid.class);

        HeartbeatServer otherIssuer = HeartbeatServer.builder(f.store, f.kek, "https://someone-else.example").clock(f.clock).build();
        assertThat(otherIssuer.installers().check(f.issue().token())).isInstanceOfSatisfying(TokenCheck.Denied.class,
                r -> assertThat(r.reason()).isEqualTo(DenialReason.WRONG_ISSUER));
        assertThat(f.installers.check(com.heartbeatrm.protocol.EnrollmentToken.of("garbage"))).isInstanceOfSatisfying(TokenCheck.Denied.class,
                r -> assertThat(r.reason()).isEqualTo(DenialReason.TOKEN_MALFORMED));
    }

    @Test
    @DisplayName("the token never reaches the store, the audit log, a record or a toString")
    void tokenNeverStoredOrPrinted() {
        IssuedToken t = f.issue();
        f.installers.revoke(f.alice, f.acme.id(), t.record().id(), "test");
        String text = t.token().reveal();
        String signaturePart = text.substring(text.length() - 60, text.length() - 40);
        String everything = f.admin.audit().query(AuditQuery.all(f.acme.id())).items().toString()
                + f.installers.list(f.acme.id(), PageRequest.first(10)).items() + t + t.token() + t.record() + f.keys + f.kek
                + f.keys.list() + f.store.signingKeys().list() + f.server;
        assertThat(everything).doesNotContain("v4.public").doesNotContain(signaturePart);
        assertThat(f.admin.audit().query(AuditQuery.all(f.acme.id())).items()).extracting(r -> r.event().action())
                .contains(AuditAction.INSTALLER_ISSUED, AuditAction.INSTALLER_REVOKED);
    }
}
