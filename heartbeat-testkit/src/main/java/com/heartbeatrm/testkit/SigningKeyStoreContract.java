package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.spi.StoredSigningKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Signing keys: one active key through rotations, retirement, removal, racing rotations. */
@DisplayName("signing keys")
public interface SigningKeyStoreContract extends StoreContract {
    /** Contract: rotation keeps exactly one active key, retires the old one, and refuses a stale expectation. */
    @Test
    @DisplayName("rotation keeps exactly one active key, retires the old one, and refuses a stale expectation")
    default void rotation() {
        Optional<String> before = store().signingKeys().active().map(StoredSigningKey::keyId);
        StoredSigningKey k1 = newSigningKey();
        store().signingKeys().rotate(k1, before, clock().instant());
        assertThat(store().signingKeys().active()).contains(k1);
        clock().advance(Duration.ofDays(1));
        StoredSigningKey k2 = newSigningKey();
        store().signingKeys().rotate(k2, Optional.of(k1.keyId()), clock().instant());
        assertThat(store().signingKeys().active()).contains(k2);
        assertThat(store().signingKeys().find(k1.keyId())).hasValueSatisfying(k -> {
            assertThat(k.status()).isEqualTo(StoredSigningKey.Status.RETIRED);
            assertThat(k.retiredAt()).contains(clock().instant());
            assertThat(k.wrappedPrivateKey()).isEqualTo(k1.wrappedPrivateKey());
        });
        assertThatThrownBy(() -> store().signingKeys().rotate(newSigningKey(), Optional.of(k1.keyId()), clock().instant()))
                .isInstanceOf(ConflictException.class);
        assertThat(store().signingKeys().list()).extracting(StoredSigningKey::keyId).containsSubsequence(k1.keyId(), k2.keyId());
        assertThat(store().signingKeys().list()).filteredOn(k -> k.status() == StoredSigningKey.Status.ACTIVE).hasSize(1);

        assertThatThrownBy(() -> store().signingKeys().remove(k2.keyId())).isInstanceOf(ConflictException.class);
        store().signingKeys().remove(k1.keyId());
        assertThat(store().signingKeys().find(k1.keyId())).isEmpty();
    }

    /**
     * Contract: concurrent rotations from the same active key: exactly one wins.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("concurrent rotations from the same active key: exactly one wins")
    default void concurrentRotation() throws Exception {
        StoredSigningKey base = newSigningKey();
        store().signingKeys().rotate(base, store().signingKeys().active().map(StoredSigningKey::keyId), clock().instant());
        List<Boolean> won = runConcurrently(Math.min(8, concurrency()), () -> {
            try {
                store().signingKeys().rotate(newSigningKey(), Optional.of(base.keyId()), clock().instant());
                return true;
            } catch (ConflictException e) {
                return false;
            }
        });
        assertThat(won).containsOnlyOnce(true);
        assertThat(store().signingKeys().list()).filteredOn(k -> k.status() == StoredSigningKey.Status.ACTIVE).hasSize(1);
    }

    /** A key on a PKCS#11 token: a 65-byte P-256 public key and a token label, kept as written. */
    @Test
    @DisplayName("a key on a PKCS#11 token: a 65-byte P-256 public key and a token label, kept as written")
    default void keyOnToken() {
        byte[] point = new byte[65];
        new java.security.SecureRandom().nextBytes(point);
        point[0] = 0x04;
        String id = randomSigningKeyId();
        StoredSigningKey onToken = new StoredSigningKey(id, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(point),
                id, "pkcs11-token", StoredSigningKey.Status.ACTIVE, clock().instant(), Optional.empty());
        store().signingKeys().rotate(onToken, store().signingKeys().active().map(StoredSigningKey::keyId), clock().instant());
        assertThat(store().signingKeys().find(id)).contains(onToken);
        assertThat(store().signingKeys().active()).contains(onToken);
        assertThat(onToken.publicKey()).hasSize(87);
    }
}
