package com.heartbeatrm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.protocol.Ed25519Verifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Agent key custody: software (Ed25519, P-256) and PKCS#11 on real SoftHSM2 tokens")
class KeyCustodyTest {
    private static final byte[] MESSAGE = "heartbeat custody test".getBytes(StandardCharsets.US_ASCII);
    private static final AgentFacts FACTS = new AgentFacts("pc-1", "linux", "6.1", "1.0", Optional.empty());

    @TempDir
    Path dir;

    static AgentIdentity identity(CustodyKey key) {
        return new AgentIdentity(key, "agt_DDDDDDDDDDDDDDDDDDDDDA", "org_AAAAAAAAAAAAAAAAAAAAAA", "https://hb.example",
                List.of(URI.create("https://hb.example/v1/")), List.of(), AgentIdentity.Status.ACTIVE,
                Optional.of(AgentCredential.of("v4.public.eyJ4IjoxfQ." + "B".repeat(86))), Optional.of(Instant.parse("2026-06-01T10:00:00Z")),
                Optional.of(Instant.parse("2026-06-01T16:00:00Z")), 3, "Acme MSP", "Customer A");
    }

    private static void signsAndVerifies(CustodyKey key) {
        byte[] sig = key.sign(MESSAGE);
        assertThat(sig).hasSize(AgentKeyAlgorithm.SIGNATURE_LENGTH);
        assertThat(key.algorithm().verify(key.publicKey(), MESSAGE, sig, Ed25519Verifier.jdk())).isTrue();
        assertThat(key.algorithm().verify(key.publicKey(), "other".getBytes(StandardCharsets.US_ASCII), sig, Ed25519Verifier.jdk())).isFalse();
    }

    @Nested
    @DisplayName("software")
    class Software {
        @Test
        @DisplayName("P-256 keys sign in P1363 form, are saved with their algorithm and read back")
        void p256RoundTrip() throws Exception {
            FileAgentIdentityStore store = FileAgentIdentityStore.in(dir, AgentKeyCustody.software(AgentKeyAlgorithm.ECDSA_P256));
            CustodyKey key = store.keyCustody().generate();
            assertThat(key.algorithm()).isEqualTo(AgentKeyAlgorithm.ECDSA_P256);
            assertThat(key.publicKey()).hasSize(65).startsWith(0x04);
            signsAndVerifies(key);
            store.save(identity(key));
            assertThat(Files.readString(store.file())).contains("\"keyAlgorithm\":\"ecdsa-p256\"").contains("\"privateKey\"")
                    .doesNotContain("keyCustody");
            AgentIdentity back = FileAgentIdentityStore.in(dir).load().orElseThrow();
            assertThat(back.keys().algorithm()).isEqualTo(AgentKeyAlgorithm.ECDSA_P256);
            assertThat(back.keys().fingerprint()).isEqualTo(key.fingerprint());
            signsAndVerifies(back.keys());
        }

        @Test
        @DisplayName("an Ed25519 state is written as before custodies existed (no keyAlgorithm, no keyCustody)")
        void ed25519StateUnchanged() throws Exception {
            FileAgentIdentityStore store = FileAgentIdentityStore.in(dir);
            store.save(identity(store.keyCustody().generate()));
            assertThat(Files.readString(store.file())).contains("\"privateKey\"").doesNotContain("keyAlgorithm").doesNotContain("keyCustody");
            assertThat(store.load().orElseThrow().keys().algorithm()).isEqualTo(AgentKeyAlgorithm.ED25519);
        }

        @Test
        @DisplayName("a state whose key sits on a token is refused by the software custody: OTHER_CUSTODY, never a new key")
        void otherCustodyRefused() throws Exception {
            Path state = dir.resolve("identity.json");
            FileAgentIdentityStore.in(dir).save(identity(AgentKeyPair.generate(AgentKeyAlgorithm.ECDSA_P256)));
            String text = Files.readString(state).replaceFirst("\"privateKey\":\"[^\"]*\"",
                    "\"keyCustody\":\"pkcs11\",\"keyReference\":\"aGVhcnRiZWF0LWFnZW50LTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw\"");
            Files.writeString(state, text);
            assertThatThrownBy(() -> FileAgentIdentityStore.in(dir).load()).isInstanceOfSatisfying(KeyCustodyException.class,
                    e -> assertThat(e.kind()).isEqualTo(KeyCustodyException.Kind.OTHER_CUSTODY));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @DisplayName("PKCS#11 (SunPKCS11 over SoftHSM2)")
    class Pkcs11 {
        private Path work;
        private Path configA;
        private Path configB;
        private Path pin;

        @BeforeAll
        void tokens() throws Exception {
            work = Files.createTempDirectory("hb-pkcs11");
            configA = SoftHsm2.config(work, "agent-a");
            configB = SoftHsm2.config(work, "agent-b");
            pin = SoftHsm2.pinFile(work, SoftHsm2.PIN);
        }

        @Test
        @DisplayName("a key generated on the token signs there, is not extractable, and is found again by a new provider (a restart)")
        void generateSignReopen() throws Exception {
            CustodyKey key = AgentKeyCustody.pkcs11(configA, pin, AgentKeyAlgorithm.ECDSA_P256).generate();
            assertThat(key.custody()).isEqualTo("pkcs11");
            assertThat(new String(key.reference(), StandardCharsets.US_ASCII)).matches("heartbeat-agent-[0-9a-f]{32}");
            signsAndVerifies(key);

            CustodyKey again = AgentKeyCustody.pkcs11(configA, pin, AgentKeyAlgorithm.ECDSA_P256)
                    .open(AgentKeyAlgorithm.ECDSA_P256, key.publicKey(), key.reference());
            assertThat(again.fingerprint()).isEqualTo(key.fingerprint());
            signsAndVerifies(again);

            // The private key is on the token as a sensitive, non-extractable object: its encoding is not available.
            Provider p = Security.getProvider("SunPKCS11").configure(configA.toString());
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, SoftHsm2.PIN.toCharArray());
            Key onToken = ks.getKey(new String(key.reference(), StandardCharsets.US_ASCII), null);
            assertThat(onToken).isNotNull();
            assertThat(onToken.getEncoded()).as("no private key bytes leave the token").isNull();
        }

        @Test
        @DisplayName("Ed25519 on a token: UNSUPPORTED (SunPKCS11 has no EdDSA)")
        void ed25519Unsupported() {
            assertThatThrownBy(() -> AgentKeyCustody.pkcs11(configA, pin, AgentKeyAlgorithm.ED25519).generate())
                    .isInstanceOfSatisfying(KeyCustodyException.class, e -> assertThat(e.kind()).isEqualTo(KeyCustodyException.Kind.UNSUPPORTED));
        }

        @Test
        @DisplayName("a wrong PIN: UNAVAILABLE, and the PIN is in no message")
        void wrongPin() throws Exception {
            // A token of its own: PKCS#11 keeps a login per process and token, so no other test may have logged in.
            Path configC = SoftHsm2.config(work, "agent-c");
            Path wrong = SoftHsm2.pinFile(work, "not-the-pin");
            assertThatThrownBy(() -> AgentKeyCustody.pkcs11(configC, wrong, AgentKeyAlgorithm.ECDSA_P256).generate())
                    .isInstanceOfSatisfying(KeyCustodyException.class, e -> {
                        assertThat(e.kind()).isEqualTo(KeyCustodyException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).doesNotContain("not-the-pin");
                    });
        }

        @Test
        @DisplayName("a state directory copied to a computer with another token: refused locally (KEY_CUSTODY/NOT_FOUND), no re-enrollment")
        void copiedStateRefused() throws Exception {
            TestKeys issuer = TestKeys.generate();
            Path tls = Files.createTempDirectory("hb-pkcs11-tls");
            try (ProtocolServer server = new ProtocolServer(issuer, ProtocolServer.TlsIdentity.create(tls, "served"), Clock.systemUTC())) {
                Path stateA = dir.resolve("a");
                EnrollmentClient a = EnrollmentClient.builder(PinnedKeySet.of(issuer.publicKey)).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                        .identityStore(FileAgentIdentityStore.in(stateA, AgentKeyCustody.pkcs11(configA, pin, AgentKeyAlgorithm.ECDSA_P256))).build();
                var token = server.token(List.of(), List.of(server.tls.pin()));
                EnrollmentClient.Outcome enrolled = a.enrollOrRenewIfDue(token, FACTS);
                assertThat(enrolled.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
                assertThat(enrolled.identity().keys().algorithm()).isEqualTo(AgentKeyAlgorithm.ECDSA_P256);
                assertThat(Files.readString(stateA.resolve(FileAgentIdentityStore.FILE_NAME))).contains("\"keyCustody\":\"pkcs11\"").contains("\"keyAlgorithm\":\"ecdsa-p256\"").doesNotContain("privateKey");
                assertThat(a.renew(enrolled.identity()).status()).as("the proof, signed on the token, verifies").isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
                int requests = server.requests.get();
                String state = Files.readString(stateA.resolve(FileAgentIdentityStore.FILE_NAME));

                // The same state on another computer, whose token is agent-b.
                Path stateB = dir.resolve("b");
                Files.createDirectory(stateB, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
                Files.copy(stateA.resolve(FileAgentIdentityStore.FILE_NAME), stateB.resolve(FileAgentIdentityStore.FILE_NAME));
                EnrollmentClient b = EnrollmentClient.builder(PinnedKeySet.of(issuer.publicKey)).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                        .identityStore(FileAgentIdentityStore.in(stateB, AgentKeyCustody.pkcs11(configB, pin, AgentKeyAlgorithm.ECDSA_P256))).build();
                assertThatThrownBy(() -> b.enrollOrRenewIfDue(token, FACTS)).isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.KEY_CUSTODY);
                    assertThat(e.getCause()).isInstanceOfSatisfying(KeyCustodyException.class,
                            k -> assertThat(k.kind()).isEqualTo(KeyCustodyException.Kind.NOT_FOUND));
                });
                assertThat(server.requests.get()).as("nothing was sent: no renewal, no new enrollment").isEqualTo(requests);
                assertThat(Files.readString(stateB.resolve(FileAgentIdentityStore.FILE_NAME))).as("the copied state is left as it was").isEqualTo(state);
            }
        }

        @Test
        @DisplayName("keys leave the token with the state that names them: a replaced or refused enrollment key, a deleted identity; the identity's key stays")
        void keysLeaveTheToken() throws Exception {
            AgentKeyCustody custody = AgentKeyCustody.pkcs11(configA, pin, AgentKeyAlgorithm.ECDSA_P256);
            Path state = dir.resolve("destroy");
            FileAgentIdentityStore store = FileAgentIdentityStore.in(state, custody);
            CustodyKey first = custody.generate();
            store.saveEnrollmentKey("org_a", first);
            CustodyKey second = custody.generate();
            store.saveEnrollmentKey("org_b", second);
            assertThat(onTokenA(first)).as("the key kept for another enrollment, replaced").isFalse();
            assertThat(onTokenA(second)).isTrue();
            store.deleteEnrollmentKey();
            assertThat(onTokenA(second)).as("a kept key no identity holds (the server refused its agent)").isFalse();

            TestKeys issuer = TestKeys.generate();
            Path tls = Files.createTempDirectory("hb-pkcs11-tls");
            try (ProtocolServer server = new ProtocolServer(issuer, ProtocolServer.TlsIdentity.create(tls, "served"), Clock.systemUTC())) {
                EnrollmentClient client = EnrollmentClient.builder(PinnedKeySet.of(issuer.publicKey)).retries(1, Duration.ofMillis(1), Duration.ofMillis(1))
                        .identityStore(store).build();
                EnrollmentClient.Outcome enrolled = client.enrollOrRenewIfDue(server.token(List.of(), List.of(server.tls.pin())), FACTS);
                assertThat(enrolled.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
                CustodyKey own = enrolled.identity().keys();
                assertThat(state.resolve(FileAgentIdentityStore.ENROLLING_FILE_NAME)).as("the kept key was forgotten after the save").doesNotExist();
                assertThat(onTokenA(own)).as("the saved identity's key is never destroyed with the kept record").isTrue();
                assertThat(client.renew(enrolled.identity()).status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
            }
            CustodyKey own = store.load().orElseThrow().keys();
            store.delete();
            assertThat(store.load()).isEmpty();
            assertThat(onTokenA(own)).as("a deleted identity's key is gone from the token").isFalse();
            store.delete(); // nothing left: no error
        }

        /** Whether token agent-a holds {@code key}'s entry, seen through a provider and key store of its own. */
        private boolean onTokenA(CustodyKey key) throws Exception {
            Provider p = Security.getProvider("SunPKCS11").configure(configA.toString());
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, SoftHsm2.PIN.toCharArray());
            return ks.containsAlias(new String(key.reference(), StandardCharsets.US_ASCII));
        }

        @AfterAll
        void done() {
            // The tokens live under target/ and go with it.
        }
    }
}
