package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.SigningPublicKey;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IssuerKeysTest {
    private final Fixture f = new Fixture();

    @Test
    @DisplayName("rotation: the new key signs, the retired key verifies until removed, the active key cannot be removed")
    void rotation() {
        IssuedToken before = f.issue();
        IssuerKeyInfo first = f.keys.ensureActiveKey();
        f.clock.advance(Duration.ofDays(30));
        IssuerKeyInfo second = f.keys.rotate();
        assertThat(second.keyId()).isNotEqualTo(first.keyId());
        assertThat(f.keys.list()).extracting(IssuerKeyInfo::status)
                .containsExactly(StoredSigningKey.Status.RETIRED, StoredSigningKey.Status.ACTIVE);
        IssuedToken after = f.issue();
        assertThat(f.validator.check(before.token().reveal())).isInstanceOf(TokenCheck.Valid.class);
        assertThat(((TokenCheck.Valid) f.validator.check(after.token().reveal())).token().signingKeyId()).isEqualTo(second.keyId());
        assertThat(f.keys.publicKeySet().keys()).extracting(SigningPublicKey::keyId).containsExactly(first.keyId(), second.keyId());

        assertThatThrownBy(() -> f.keys.remove(second.keyId())).isInstanceOf(ConflictException.class);
        f.keys.remove(first.keyId());
        assertThat(f.validator.check(before.token().reveal())).isInstanceOfSatisfying(TokenCheck.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(TokenRefusal.UNKNOWN_SIGNING_KEY));
        assertThat(f.validator.check(after.token().reveal())).isInstanceOf(TokenCheck.Valid.class);
    }

    @Test
    @DisplayName("two nodes rotating from the same active key: exactly one rotation happens")
    void nodesRaceToRotate() {
        IssuerKeys nodeB = IssuerKeys.create(f.store, f.kek, f.clock);
        IssuerKeyInfo a = f.keys.rotate();
        assertThat(nodeB.ensureActiveKey()).isEqualTo(a);
        assertThat(f.store.signingKeys().list()).filteredOn(k -> k.status() == StoredSigningKey.Status.ACTIVE).hasSize(1);
    }

    @Test
    @DisplayName("private keys are stored only wrapped by the key-encryption key, bound to their key id")
    void wrapping() {
        IssuerKeyInfo active = f.keys.ensureActiveKey();
        SecretBytes seed = f.keys.exportPrivateKey(active.keyId(), SecretAccess.grant());
        byte[] raw = seed.toByteArray(SecretAccess.grant());
        assertThat(BcEd25519.publicKey(raw)).isEqualTo(active.publicKey().rawKey());
        StoredSigningKey stored = f.store.signingKeys().find(active.keyId()).orElseThrow();
        String rawB64 = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThat(stored.wrappedPrivateKey()).doesNotContain(rawB64);
        assertThat(stored.keyEncryptionKeyId()).isEqualTo("test-kek");
        assertThatThrownBy(() -> f.keys.exportPrivateKey(active.keyId(), null)).isInstanceOf(InvalidInputException.class);

        // Another KEK with the same id cannot unwrap it.
        IssuerKeys wrongKek = IssuerKeys.create(f.store, AesGcmKeyEncryptionKey.generate("test-kek"), f.clock);
        assertThatThrownBy(() -> wrongKek.exportPrivateKey(active.keyId(), SecretAccess.grant())).isInstanceOf(KeyUnwrapException.class);
        IssuerKeys otherId = IssuerKeys.create(f.store, AesGcmKeyEncryptionKey.generate("other"), f.clock);
        assertThatThrownBy(() -> otherId.exportPrivateKey(active.keyId(), SecretAccess.grant()))
                .isInstanceOf(KeyUnwrapException.class).hasMessageContaining("other");
    }

    @Test
    @DisplayName("AES-GCM wrapping authenticates the ciphertext and its associated data")
    void aesGcm() {
        AesGcmKeyEncryptionKey kek = AesGcmKeyEncryptionKey.generate("k1");
        SecretBytes secret = SecretBytes.random(32);
        byte[] wrapped = kek.wrap(secret, "row-1".getBytes());
        assertThat(kek.unwrap(wrapped, "row-1".getBytes()).equalsSecret(secret)).isTrue();
        assertThatThrownBy(() -> kek.unwrap(wrapped, "row-2".getBytes())).isInstanceOf(KeyUnwrapException.class);
        byte[] flipped = wrapped.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> kek.unwrap(flipped, "row-1".getBytes())).isInstanceOf(KeyUnwrapException.class);
        assertThatThrownBy(() -> kek.unwrap(new byte[3], "row-1".getBytes())).isInstanceOf(KeyUnwrapException.class);
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
        for (IssuerKeyInfo k : f.keys.list()) {
            assertThat(SigningPublicKey.fromPem(k.publicKey().toPem())).isEqualTo(k.publicKey());
            assertThat(f.keys.publicKey(k.keyId())).contains(k.publicKey());
        }
        assertThat(f.keys.publicKey("hbs_" + "A".repeat(22))).isEqualTo(Optional.empty());
    }
}
