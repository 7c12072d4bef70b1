package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.PinnedKeySet;
import com.heartbeatrm.agent.SigningPublicKey;
import com.heartbeatrm.agent.internal.Base64Url;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.SigningKeyStore;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's issuer signing keys (Ed25519). Exactly one is active and signs; retired keys still verify
 * until removed, so rotating never breaks installers already handed out. Private keys reach the store only
 * wrapped by the host's {@link KeyEncryptionKey}, and leave this class only through
 * {@link #exportPrivateKey(String, SecretAccess)}. Thread-safe; rotation is atomic across server nodes.
 */
public final class IssuerKeys {
    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    private final SigningKeyStore store;
    private final KeyEncryptionKey kek;
    private final Clock clock;
    /** Unwrapped seeds by key id. A key id names one key forever, so an entry never goes stale. */
    private final Map<String, SecretBytes> seeds = new ConcurrentHashMap<>();
    /** Decoded public keys by key id; like seeds, never stale. Existence is still checked in the store per call. */
    private final Map<String, SigningPublicKey> publicKeys = new ConcurrentHashMap<>();
    private volatile ActiveKey lastActive;

    private IssuerKeys(SigningKeyStore store, KeyEncryptionKey kek, Clock clock) {
        this.store = store;
        this.kek = kek;
        this.clock = clock;
    }

    public static IssuerKeys create(HeartbeatStore store, KeyEncryptionKey kek, Clock clock) {
        return new IssuerKeys(Objects.requireNonNull(store, "store").signingKeys(), Objects.requireNonNull(kek, "kek"),
                Objects.requireNonNull(clock, "clock"));
    }

    /** The active key, creating the first one if the deployment has none. Safe when several nodes start at once. */
    public IssuerKeyInfo ensureActiveKey() {
        Optional<StoredSigningKey> active = store.active();
        if (active.isPresent()) {
            return info(active.get());
        }
        try {
            return rotateFrom(Optional.empty());
        } catch (ConflictException raced) {
            return info(store.active().orElseThrow(() -> raced));
        }
    }

    /** Creates a new active key and retires the current one (which keeps verifying until removed). */
    public IssuerKeyInfo rotate() {
        return rotateFrom(store.active().map(StoredSigningKey::keyId));
    }

    private IssuerKeyInfo rotateFrom(Optional<String> expectedActive) {
        byte[] seed = BcEd25519.generateSeed();
        try {
            byte[] pub = BcEd25519.publicKey(seed);
            String kid = SigningPublicKey.keyIdOf(pub);
            SecretBytes secret = SecretBytes.copyOf(seed, SecretAccess.grant());
            byte[] wrapped = kek.wrap(secret, associatedData(kid));
            Instant now = clock.instant();
            StoredSigningKey stored = new StoredSigningKey(kid, Base64Url.encode(pub), Base64Url.encode(wrapped), kek.id(),
                    StoredSigningKey.Status.ACTIVE, now, Optional.empty());
            store.rotate(stored, expectedActive, now);
            seeds.put(kid, secret);
            LOG.info("issuer signing key {} is now active{}", kid, expectedActive.map(k -> "; " + k + " retired").orElse(""));
            return info(stored);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Every key, oldest first. */
    public List<IssuerKeyInfo> list() {
        return store.list().stream().map(IssuerKeys::info).toList();
    }

    /** Removes a retired key: tokens it signed stop verifying everywhere. */
    public void remove(String keyId) {
        store.remove(Objects.requireNonNull(keyId, "keyId"));
        publicKeys.remove(keyId);
        SecretBytes s = seeds.remove(keyId);
        if (s != null) {
            s.destroy();
        }
        LOG.info("issuer signing key {} removed", keyId);
    }

    /** The public key with this id, if the deployment still has it (active or retired). */
    public Optional<SigningPublicKey> publicKey(String keyId) {
        return store.find(keyId).map(k -> publicKeys.computeIfAbsent(k.keyId(), id -> publicKeyOf(k)));
    }

    /** The keys agents should pin: the active and every retired key. */
    public PinnedKeySet publicKeySet() {
        List<SigningPublicKey> keys = store.list().stream().map(IssuerKeys::publicKeyOf).toList();
        if (keys.isEmpty()) {
            throw new NotFoundException("signing key", "(none yet: call ensureActiveKey)");
        }
        return PinnedKeySet.of(keys);
    }

    /**
     * The 32-byte Ed25519 private key seed of a key, for an explicit backup or migration. This is the only way a
     * private key leaves the SDK.
     */
    public SecretBytes exportPrivateKey(String keyId, SecretAccess access) {
        if (access == null) {
            throw new InvalidInputException("access", "exporting a private key needs SecretAccess.grant()");
        }
        StoredSigningKey k = store.find(keyId).orElseThrow(() -> new NotFoundException("signing key", String.valueOf(keyId)));
        LOG.warn("private key of issuer signing key {} exported", keyId);
        return unwrap(k);
    }

    /** The active key, ready to sign. */
    ActiveKey active() {
        StoredSigningKey k = store.active().orElseThrow(() -> new NotFoundException("signing key", "(no active key: call ensureActiveKey)"));
        ActiveKey cached = lastActive;
        if (cached != null && cached.keyId.equals(k.keyId())) {
            return cached;
        }
        SecretBytes seed = seeds.computeIfAbsent(k.keyId(), id -> unwrap(k));
        ActiveKey fresh = new ActiveKey(k.keyId(), publicKeyOf(k).rawKey(), seed);
        lastActive = fresh;
        return fresh;
    }

    /** The active key's id, public key and seed; package-private so the seed stays inside this module. */
    static final class ActiveKey {
        final String keyId;
        final byte[] publicKey;
        private final SecretBytes seed;

        ActiveKey(String keyId, byte[] publicKey, SecretBytes seed) {
            this.keyId = keyId;
            this.publicKey = publicKey;
            this.seed = seed;
        }

        byte[] sign(byte[] message) {
            byte[] s = seed.toByteArray(SecretAccess.grant());
            try {
                return BcEd25519.sign(s, publicKey, message);
            } finally {
                Arrays.fill(s, (byte) 0);
            }
        }

        @Override
        public String toString() {
            return "ActiveKey[" + keyId + "]";
        }
    }

    private SecretBytes unwrap(StoredSigningKey k) {
        if (!k.keyEncryptionKeyId().equals(kek.id())) {
            throw new KeyUnwrapException("signing key " + k.keyId() + " is wrapped by key-encryption key "
                    + k.keyEncryptionKeyId() + ", not " + kek.id());
        }
        byte[] wrapped;
        try {
            wrapped = Base64Url.decode(k.wrappedPrivateKey(), "wrapped key");
        } catch (com.heartbeatrm.agent.TokenException e) {
            throw new KeyUnwrapException("signing key " + k.keyId() + " has a malformed wrapped key");
        }
        SecretBytes seed = kek.unwrap(wrapped, associatedData(k.keyId()));
        byte[] s = seed.toByteArray(SecretAccess.grant());
        try {
            if (s.length != 32 || !Arrays.equals(BcEd25519.publicKey(s), publicKeyOf(k).rawKey())) {
                throw new KeyUnwrapException("signing key " + k.keyId() + " does not match its public key");
            }
        } finally {
            Arrays.fill(s, (byte) 0);
        }
        return seed;
    }

    private static byte[] associatedData(String keyId) {
        return ("heartbeat-issuer-key/v1:" + keyId).getBytes(StandardCharsets.US_ASCII);
    }

    private static SigningPublicKey publicKeyOf(StoredSigningKey k) {
        try {
            return SigningPublicKey.of(Base64Url.decode(k.publicKey(), "public key"));
        } catch (com.heartbeatrm.agent.TokenException e) {
            throw new IllegalStateException("stored public key of " + k.keyId() + " is malformed");
        }
    }

    private static IssuerKeyInfo info(StoredSigningKey k) {
        return new IssuerKeyInfo(k.keyId(), k.status(), k.createdAt(), k.retiredAt(), publicKeyOf(k));
    }

    @Override
    public String toString() {
        return "IssuerKeys[kek " + kek.id() + "]";
    }
}
