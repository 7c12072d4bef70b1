package com.heartbeatrm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.AgentIdentity;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.IssuerTokenException;
import com.heartbeatrm.enrollment.KeyEncryptionKey;
import com.heartbeatrm.enrollment.Pkcs11IssuerToken;
import com.heartbeatrm.enrollment.SigningKeyInfo;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.hsm.SoftHsm;
import com.heartbeatrm.examples.server.ReferenceServer;
import com.heartbeatrm.examples.tls.ServerTls;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issuer signing keys on a PKCS#11 token (SoftHSM2): ECDSA P-256 keys generated there and never extractable, agents
 * that pin them enrolling and renewing over real HTTPS, rotation with endorsements from an Ed25519 key to P-256 keys,
 * a server restart that finds its key on the token again, and the CLI's {@code init --signing-keys-pkcs11}.
 */
@DisplayName("issuer signing keys on a PKCS#11 token")
class IssuerKeysOnTokenTest {
    private static final Actor ALICE = Actor.of("alice");
    private static final Pattern EXTRACTABLE = Pattern.compile("(?<![A-Z_])CKA_EXTRACTABLE");
    @TempDir
    static Path dir;
    private static SoftHsm.Token issuerToken;
    private static SoftHsm.Token cliToken;

    @BeforeAll
    static void tokens() throws Exception {
        // Both tokens before the first SunPKCS11 provider loads SoftHSM, which reads its token directory once.
        issuerToken = SoftHsm.initToken("hb-issuer", dir);
        cliToken = SoftHsm.initToken("hb-cli", dir);
    }

    @Test
    @DisplayName("keys made on the token stay there; agents pinning them enroll, renew, follow rotations, and a restart finds them")
    void serverWithKeysOnToken() throws Exception {
        InMemoryHeartbeatStore store = new InMemoryHeartbeatStore();
        KeyEncryptionKey kek = AesGcmKeyEncryptionKey.generate("test");
        Path tlsDir = Files.createDirectories(dir.resolve("tls"));
        ServerTls tls = ServerTls.create(tlsDir, Optional.empty(), Optional.empty(), List.of("127.0.0.1"));
        // One port for every server of this test: agents keep the endpoint of their installer.
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }

        // Before the token: a software Ed25519 key, and an agent enrolled under it whose build pins only that key.
        HeartbeatServer software = HeartbeatServer.builder(store, kek, "https://hb.example").build();
        SigningKeyInfo ed25519 = software.signingKeys().ensureActiveKey();
        assertThat(ed25519.publicKey().algorithm()).isEqualTo(SigningPublicKey.Algorithm.ED25519);
        NewOrganization org = software.admin().organizations().setUp(ALICE, "Acme MSP");
        var accessKey = software.admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("fleet", org.rootGroup().id()).build());
        PinnedKeySet oldBuild = PinnedKeySet.of(ed25519.publicKey());
        AgentIdentity old;
        try (ReferenceServer server = serverOn(software, port).tls(tls, tlsDir).build().start()) {
            old = client(oldBuild).enroll(installer(software, org, accessKey, server, tls, oldBuild), facts("old")).identity();
        }
        software.close();

        // The token: its first key succeeds the software key, which endorses it.
        Pkcs11IssuerToken token = Pkcs11IssuerToken.open(issuerToken.config(), issuerToken.pinFile());
        HeartbeatServer hb = HeartbeatServer.builder(store, kek, "https://hb.example").issuerToken(token).build();
        SigningKeyInfo p256 = hb.signingKeys().rotate();
        assertThat(p256.publicKey().algorithm()).isEqualTo(SigningPublicKey.Algorithm.ES256);
        StoredSigningKey stored = store.signingKeys().find(p256.keyId()).orElseThrow();
        assertThat(stored.keyEncryptionKeyId()).isEqualTo(Pkcs11IssuerToken.STORE_REFERENCE);
        assertThat(stored.wrappedPrivateKey()).as("only the key's label on the token").isEqualTo(p256.keyId());
        assertThatThrownBy(() -> hb.signingKeys().exportPrivateKey(p256.keyId(), SecretAccess.grant()))
                .isInstanceOf(IssuerTokenException.class);
        // GnuTLS's p11tool reads the key's attributes on the token: sensitive, never extractable.
        List<String> flags = SoftHsm.privateKeyFlags(issuerToken);
        assertThat(flags).hasSize(1).allSatisfy(f -> {
            assertThat(f).contains("CKA_SENSITIVE", "CKA_NEVER_EXTRACTABLE", "CKA_PRIVATE");
            assertThat(EXTRACTABLE.matcher(f).find()).as(f).isFalse();
        });

        PinnedKeySet tokenBuild = PinnedKeySet.of(p256.publicKey());
        assertThat(PinnedKeySet.parseJson(tokenBuild.toJson()).keys()).containsExactly(p256.publicKey());
        AgentIdentity fresh;
        try (ReferenceServer server = serverOn(hb, port).tls(tls, tlsDir).build().start()) {
            // The old agent renews: its credential is signed by the P-256 key, which its pinned Ed25519 key endorsed.
            old = client(oldBuild).renew(old).identity();
            assertThat(old.generation()).isEqualTo(2);
            assertThat(old.learnedKeys()).contains(p256.publicKey());
            // An agent built with the pinned P-256 key enrolls from an installer the token signed.
            VerifiedEnrollmentToken installer = installer(hb, org, accessKey, server, tls, tokenBuild);
            assertThat(installer.signingKeyId()).isEqualTo(p256.keyId());
            assertThatThrownBy(() -> EnrollmentTokenVerifier.builder(oldBuild).build().verify(installer.token()))
                    .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.UNKNOWN_SIGNING_KEY));
            fresh = client(tokenBuild).enroll(installer, facts("fresh")).identity();
            assertThat(fresh.generation()).isEqualTo(1);

            // Rotation on the token: the first P-256 key endorses the second.
            SigningKeyInfo next = hb.signingKeys().rotate();
            assertThat(next.publicKey().algorithm()).isEqualTo(SigningPublicKey.Algorithm.ES256);
            fresh = client(tokenBuild).renew(fresh).identity();
            assertThat(fresh.learnedKeys()).contains(next.publicKey());
            old = client(oldBuild).renew(old).identity();
            assertThat(old.learnedKeys()).contains(next.publicKey());
            assertThat(SoftHsm.privateKeyFlags(issuerToken)).hasSize(2);
        }
        hb.close();
        token.close();

        // A restart: a new login to the token, a new server over the same store, which finds the active key again.
        try (Pkcs11IssuerToken again = Pkcs11IssuerToken.open(issuerToken.config(), issuerToken.pinFile())) {
            HeartbeatServer restarted = HeartbeatServer.builder(store, kek, "https://hb.example").issuerToken(again).build();
            try (ReferenceServer server = serverOn(restarted, port).tls(tls, tlsDir).build().start()) {
                long before = fresh.generation();
                fresh = client(tokenBuild).renew(fresh).identity();
                assertThat(fresh.generation()).isEqualTo(before + 1);
                old = client(oldBuild).renew(old).identity();
                // New installers are signed by the active key: an agent build made now pins the published set.
                PinnedKeySet newBuild = restarted.signingKeys().publicKeySet();
                VerifiedEnrollmentToken installer = installer(restarted, org, accessKey, server, tls, newBuild);
                assertThat(client(newBuild).enroll(installer, facts("after-restart")).status())
                        .isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
            }
            // Removing a retired key on the token deletes it there too.
            restarted.signingKeys().remove(p256.keyId());
            assertThat(SoftHsm.privateKeyFlags(issuerToken)).hasSize(1);
            restarted.close();
        }

        // A server without the token cannot sign with a key that is on it, and says so.
        HeartbeatServer tokenless = HeartbeatServer.builder(store, kek, "https://hb.example").build();
        assertThatThrownBy(() -> tokenless.installers().issueToken(ALICE, org.id(), accessKey.id(),
                InstallerRequest.builder().endpoints(List.of(URI.create("https://127.0.0.1:1/v1/"))).build()))
                .isInstanceOf(IssuerTokenException.class).hasMessageContaining("PKCS#11 token");
        tokenless.close();
    }

    @Test
    @DisplayName("init --signing-keys-pkcs11 puts the signing keys on the token; rotation makes the next one there")
    void cliInit() throws Exception {
        Path data = dir.resolve("cli-data");
        Path loosePin = dir.resolve("loose.pin");
        Files.writeString(loosePin, SoftHsm.USER_PIN + "\n");
        Files.setPosixFilePermissions(loosePin, PosixFilePermissions.fromString("rw-r--r--"));
        CliRun refused = CliRun.of("--data", data.toString(), "--org", "Acme", "init", "--server-url", "http://127.0.0.1:18080",
                "--signing-keys-pkcs11", cliToken.config().toString(), "--pkcs11-pin-file", loosePin.toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("owner-only").doesNotContain(SoftHsm.USER_PIN);
        CliRun alone = CliRun.of("--data", data.toString(), "--org", "Acme", "init", "--signing-keys-pkcs11", cliToken.config().toString());
        assertThat(alone.exit()).isEqualTo(2);

        CliRun init = CliRun.of("--data", data.toString(), "--org", "Acme", "init", "--server-url", "http://127.0.0.1:18080",
                "--signing-keys-pkcs11", cliToken.config().toString(), "--pkcs11-pin-file", cliToken.pinFile().toString());
        assertThat(init.exit()).as(init.err()).isZero();
        CliRun rotate = CliRun.of("--data", data.toString(), "--org", "Acme", "signing-keys", "rotate");
        assertThat(rotate.exit()).as(rotate.err()).isZero();
        try (Deployment d = Deployment.open(data, null, null, null)) {
            List<SigningKeyInfo> keys = d.server.signingKeys().list();
            assertThat(keys).hasSize(2).allSatisfy(k -> assertThat(k.publicKey().algorithm()).isEqualTo(SigningPublicKey.Algorithm.ES256));
            assertThat(rotate.out().strip()).isEqualTo(keys.get(1).keyId());
            assertThat(d.store.signingKeys().list()).allSatisfy(k -> assertThat(k.keyEncryptionKeyId()).isEqualTo(Pkcs11IssuerToken.STORE_REFERENCE));
        }
        assertThat(SoftHsm.privateKeyFlags(cliToken)).hasSize(2)
                .allSatisfy(f -> assertThat(EXTRACTABLE.matcher(f).find()).as(f).isFalse());
        assertThat(Files.readString(data.resolve("issuer-token"))).doesNotContain(SoftHsm.USER_PIN);
    }

    private static ReferenceServer.Builder serverOn(HeartbeatServer hb, int port) {
        return ReferenceServer.builder(hb.endpoint(), new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
    }

    private static EnrollmentClient client(PinnedKeySet pins) {
        return EnrollmentClient.builder(pins).connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(30)).build();
    }

    private static VerifiedEnrollmentToken installer(HeartbeatServer hb, NewOrganization org, com.heartbeatrm.core.AccessKey key,
            ReferenceServer server, ServerTls tls, PinnedKeySet build) throws Exception {
        var issued = hb.installers().issueToken(ALICE, org.id(), key.id(), InstallerRequest.builder()
                .endpoints(List.of(URI.create("https://127.0.0.1:" + server.port() + "/v1/"))).tlsPins(tls.pins()).build());
        return EnrollmentTokenVerifier.builder(build).build().verify(issued.token());
    }

    private static AgentFacts facts(String host) {
        return new AgentFacts(host, "linux", "6.1", "1.0", Optional.empty());
    }
}
