package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SigningKeysTest {
    private final Fixture f = new Fixture();

    @Test
    @DisplayName("rotation: the new key signs, the retired key verifies until removed, the active key cannot be removed")
    void rotation() {
        IssuedToken before = f.issue();
        SigningKeyInfo first = f.keys.ensureActiveKey();
        f.clock.advance(Duration.ofDays(30));
        SigningKeyInfo second = f.keys.rotate();
        assertThat(second.keyId()).isNotEqualTo(first.keyId());
        assertThat(f.keys.list()).extracting(SigningKeyInfo::status)
                .containsExactly(StoredSigningKey.Status.RETIRED, StoredSigningKey.Status.ACTIVE);
        IssuedToken after = f.issue();
        assertThat(f.check(before)).isInstanceOf(TokenCheck.Valid.class);
        assertThat(((TokenCheck.Valid) f.check(after)).token().signingKeyId()).isEqualTo(second.keyId());
        assertThat(f.keys.publicKeySet().keys()).extracting(SigningPublicKey::keyId).containsExactly(first.keyId(), second.keyId());

        assertThatThrownBy(() -> f.keys.remove(second.keyId())).isInstanceOf(ConflictException.class);
        f.keys.remove(first.keyId());
        assertThat(f.check(before)).isInstanceOfSatisfying(TokenCheck.Denied.class,
                r -> assertThat(r.reason()).isEqualTo(DenialReason.UNKNOWN_SIGNING_KEY));
        assertThat(f.check(after)).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    @DisplayName("a rotation through one node: the other signs with the new key on its next request")
    void rotationSeenByOtherNodes() {
        HeartbeatServer nodeB = f.otherNode();
        Agents pc = Agents.windows("pc");
        pc.keep(nodeB.enroll(pc.enrollBody(f.issue().token(), f.clock), nodeB.contextFor(Agents.ip("192.0.2.1"))));
        SigningKeyInfo rotated = f.keys.rotate();
        Agents pc2 = Agents.windows("pc2");
        EnrollmentResult.Enrolled e = (EnrollmentResult.Enrolled) nodeB.enroll(pc2.enrollBody(f.issue().token(), f.clock),
                nodeB.contextFor(Agents.ip("192.0.2.1")));
        assertThat(e.credential().reveal()).as("the credential's footer names the new key")
                .endsWith(Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"kid\":\"" + rotated.keyId() + "\"}").getBytes(StandardCharsets.UTF_8)));
    }

    private static java.util.List<com.heartbeatrm.protocol.KeyEndorsement> endorsementsIn(EnrollmentResult r) {
        assertThat(r).isInstanceOf(EnrollmentResult.Enrolled.class);
        return ((com.heartbeatrm.protocol.EnrollmentResponse.Credentialed) r.toResponse()).endorsements();
    }

    private EnrollmentResult enrollOn(HeartbeatServer node, String host) {
        return node.enroll(Agents.windows(host).enrollBody(f.issue().token(), f.clock), node.contextFor(Agents.ip("192.0.2.1")));
    }

    @Test
    @DisplayName("endorsements: each retired key vouches for the active one; a rotation elsewhere shows at once, a removal within the refresh")
    void endorsementsAcrossNodes() {
        SigningKeyInfo first = f.keys.ensureActiveKey();
        f.clock.advance(Duration.ofDays(1));
        SigningKeyInfo second = f.keys.rotate();
        HeartbeatServer nodeB = f.otherNode();
        var endorsed = endorsementsIn(enrollOn(nodeB, "pc-1"));
        assertThat(endorsed).singleElement().satisfies(e -> {
            assertThat(e.key().keyId()).isEqualTo(second.keyId());
            assertThat(e.endorsedBy()).isEqualTo(first.keyId());
            SigningPublicKey by = f.keys.publicKey(first.keyId()).orElseThrow();
            assertThat(e.verifiedBy(by, BcEd25519.PLAIN)).isTrue();
        });

        // A rotation through node A: node B's very next credential is signed by, and endorses, the new key.
        f.clock.advance(Duration.ofDays(1));
        SigningKeyInfo third = f.keys.rotate();
        assertThat(endorsementsIn(enrollOn(nodeB, "pc-2"))).extracting(e -> e.key().keyId()).containsOnly(third.keyId());
        assertThat(endorsementsIn(enrollOn(nodeB, "pc-2b"))).extracting(e -> e.endorsedBy())
                .containsExactly(second.keyId(), first.keyId());

        // A removal through node A: node B may keep the endorsement it signed for up to the refresh, then drops it.
        f.keys.remove(first.keyId());
        assertThat(endorsementsIn(enrollOn(f.server, "pc-3"))).extracting(e -> e.endorsedBy()).containsExactly(second.keyId());
        f.clock.advance(SigningKeys.ENDORSEMENTS_REFRESH.minusSeconds(1));
        assertThat(endorsementsIn(enrollOn(nodeB, "pc-4"))).extracting(e -> e.endorsedBy()).containsExactly(second.keyId(), first.keyId());
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(endorsementsIn(enrollOn(nodeB, "pc-5"))).extracting(e -> e.endorsedBy()).containsExactly(second.keyId());
    }

    @Test
    @DisplayName("two nodes rotating from the same active key: exactly one rotation happens")
    void nodesRaceToRotate() {
        SigningKeys nodeB = f.otherNode().signingKeys();
        SigningKeyInfo a = f.keys.rotate();
        assertThat(nodeB.ensureActiveKey()).isEqualTo(a);
        assertThat(f.store.signingKeys().list()).filteredOn(k -> k.status() == StoredSigningKey.Status.ACTIVE).hasSize(1);
    }

    @Test
    @DisplayName("private keys are stored only wrapped by the key-encryption key, bound to their key id")
    void wrapping() {
        SigningKeyInfo active = f.keys.ensureActiveKey();
        SecretBytes seed = f.keys.exportPrivateKey(active.keyId(), SecretAccess.grant());
        byte[] raw = seed.toByteArray(SecretAccess.grant());
        assertThat(BcEd25519.publicKey(raw)).isEqualTo(active.publicKey().rawKey());
        StoredSigningKey stored = f.store.signingKeys().find(active.keyId()).orElseThrow();
        String rawB64 = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThat(stored.wrappedPrivateKey()).doesNotContain(rawB64);
        assertThat(stored.keyEncryptionKeyId()).isEqualTo("test-kek");
        assertThatThrownBy(() -> f.keys.exportPrivateKey(active.keyId(), null)).isInstanceOf(NullPointerException.class);

        // Another KEK with the same id cannot unwrap it.
        SigningKeys wrongKek = HeartbeatServer.builder(f.store, AesGcmKeyEncryptionKey.generate("test-kek"), Fixture.ISSUER).build().signingKeys();
        assertThatThrownBy(() -> wrongKek.exportPrivateKey(active.keyId(), SecretAccess.grant())).isInstanceOf(KeyUnwrapException.class);
        SigningKeys otherId = HeartbeatServer.builder(f.store, AesGcmKeyEncryptionKey.generate("other"), Fixture.ISSUER).build().signingKeys();
        assertThatThrownBy(() -> otherId.exportPrivateKey(active.keyId(), SecretAccess.grant()))
                .isInstanceOf(KeyUnwrapException.class).hasMessageContaining("other");
    }

    @Test
    @DisplayName("AES-GCM wrapping authenticates the ciphertext and its associated data")
    void aesGcm() {
        AesGcmKeyEncryptionKey kek = AesGcmKeyEncryptionKey.generate("k1");
        SecretBytes secret = SecretBytes.random(32);
        byte[] wrapped = kek.wrap(secret, "row-1".getBytes(StandardCharsets.UTF_8));
        assertThat(kek.unwrap(wrapped, "row-1".getBytes(StandardCharsets.UTF_8)).equalsSecret(secret)).isTrue();
        assertThatThrownBy(() -> kek.unwrap(wrapped, "row-2".getBytes(StandardCharsets.UTF_8))).isInstanceOf(KeyUnwrapException.class);
        byte[] flipped = wrapped.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> kek.unwrap(flipped, "row-1".getBytes(StandardCharsets.UTF_8))).isInstanceOf(KeyUnwrapException.class);
        assertThatThrownBy(() -> kek.unwrap(new byte[3], "row-1".getBytes(StandardCharsets.UTF_8))).isInstanceOf(KeyUnwrapException.class);
        assertThat(kek.wrap(secret, new byte[0])).isNotEqualTo(kek.wrap(secret, new byte[0]));
        assertThatThrownBy(() -> AesGcmKeyEncryptionKey.of("k", SecretBytes.random(16))).isInstanceOf(InvalidInputException.class);
        assertThat(kek.toString()).isEqualTo("AesGcmKeyEncryptionKey[k1]");
    }

    @Test
    @DisplayName("the public key set exports as JSON and PEM for pinning")
    void export() {
        f.keys.rotate();
        String json = f.keys.publicKeySet().toJson();
        assertThat(json).contains("\"crv\":\"Ed25519\"");
        for (SigningKeyInfo k : f.keys.list()) {
            assertThat(SigningPublicKey.fromPem(k.publicKey().toPem())).isEqualTo(k.publicKey());
            assertThat(f.keys.publicKey(k.keyId())).contains(k.publicKey());
        }
        assertThat(f.keys.publicKey("hbs_" + "A".repeat(22))).isEqualTo(Optional.empty());
    }
}
