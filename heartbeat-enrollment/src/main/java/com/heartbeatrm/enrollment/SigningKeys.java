package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.KeyEndorsement;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.core.spi.SigningKeyStore;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's signing keys: they sign enrollment tokens and agent credentials, and agents pin their public
 * halves. Exactly one is active and signs; retired keys still verify until removed, so rotating never breaks
 * installers already handed out. Thread-safe; rotation is atomic across server nodes.
 *
 * <p>Where a private key lives decides its algorithm. A software key is Ed25519; it reaches the store only wrapped by
 * the host's {@link KeyEncryptionKey}, and leaves this class only through
 * {@link #exportPrivateKey(String, SecretAccess)}. When the server has a {@link Pkcs11IssuerToken}, new keys are
 * ECDSA P-256 (ES256) keys generated on the token, never extractable; the store keeps only the public key and the
 * key's label on the token ({@link Pkcs11IssuerToken#STORE_REFERENCE} in place of a key-encryption key id). Both kinds
 * rotate and endorse each other alike: an Ed25519 key endorses its P-256 successor with Ed25519, and back.
 *
 * <p>A key id names one key forever, so decoded public keys and unwrapped private keys are cached by id. Whether a
 * key still exists, and which one is active, is read from the store on every request (in the request's own
 * transaction), so a removal or rotation through one node is seen by every node on its next request.
 */
public final class SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    private final SigningKeyStore store;
    private final KeyEncryptionKey kek;
    private final Optional<Pkcs11IssuerToken> token;
    private final Clock clock;
    private final Map<String, Signer> signers = new ConcurrentHashMap<>();
    private final Map<String, SigningPublicKey> publicKeys = new ConcurrentHashMap<>();
    /** The last active key handed out, or null before the first; a cache, checked against the store's id. */
    private volatile @Nullable ActiveKey lastActive;

    SigningKeys(SigningKeyStore store, KeyEncryptionKey kek, Optional<Pkcs11IssuerToken> token, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.kek = Objects.requireNonNull(kek, "kek");
        this.token = Objects.requireNonNull(token, "token");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Signs with one private key: in this process (Ed25519, unwrapped) or on the token (ES256). */
    private interface Signer {
        byte[] sign(byte[] message);

        void destroy();
    }

    /**
     * The active key, creating the first one if the deployment has none. Safe when several nodes start at once.
     *
     * @return the active key's id, public key and dates
     */
    public SigningKeyInfo ensureActiveKey() {
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

    /**
     * Creates a new active key and retires the current one (which keeps verifying until removed): on the token when
     * the server has one, else a software Ed25519 key.
     *
     * @return the new active key
     * @throws ConflictException when another node rotated at the same moment
     */
    public SigningKeyInfo rotate() {
        return rotateFrom(store.active().map(StoredSigningKey::keyId));
    }

    private SigningKeyInfo rotateFrom(Optional<String> expectedActive) {
        return token.isPresent() ? rotateOnToken(token.get(), expectedActive) : rotateInSoftware(expectedActive);
    }

    private SigningKeyInfo rotateInSoftware(Optional<String> expectedActive) {
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
            return rotated(stored, softwareSigner(secret, pub), expectedActive);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private SigningKeyInfo rotateOnToken(Pkcs11IssuerToken t, Optional<String> expectedActive) {
        Instant now = clock.instant();
        SigningPublicKey pub = t.generate(now);
        String kid = pub.keyId();
        StoredSigningKey stored = new StoredSigningKey(kid, Base64Url.encode(pub.rawKey()), kid,
                Pkcs11IssuerToken.STORE_REFERENCE, StoredSigningKey.Status.ACTIVE, now, Optional.empty());
        try {
            store.rotate(stored, expectedActive, now);
        } catch (RuntimeException e) {
            t.delete(kid);
            throw e;
        }
        return rotated(stored, tokenSigner(t, stored), expectedActive);
    }

    private SigningKeyInfo rotated(StoredSigningKey stored, Signer signer, Optional<String> expectedActive) {
        endorsements = null;
        signers.put(stored.keyId(), signer);
        LOG.info("signing key {} is now active{}", stored.keyId(), expectedActive.map(k -> "; " + k + " retired").orElse(""));
        return info(stored);
    }

    /**
     * Every key, read from the store now.
     *
     * @return the active and the retired keys, oldest first
     */
    public List<SigningKeyInfo> list() {
        return store.list().stream().map(SigningKeys::info).toList();
    }

    /**
     * Removes a retired key: tokens and credentials it signed stop verifying everywhere. A key on the token is deleted
     * from the token too.
     *
     * @param keyId the key's id
     * @throws NotFoundException when the deployment has no such key
     * @throws ConflictException when it is the active key (rotate first)
     */
    public void remove(String keyId) {
        Optional<StoredSigningKey> stored = store.find(Objects.requireNonNull(keyId, "keyId"));
        store.remove(keyId);
        endorsements = null;
        publicKeys.remove(keyId);
        Signer s = signers.remove(keyId);
        if (s != null) {
            s.destroy();
        }
        if (stored.isPresent() && onToken(stored.get())) {
            token.ifPresent(t -> t.delete(stored.get().wrappedPrivateKey()));
        }
        LOG.info("signing key {} removed", keyId);
    }

    /**
     * The public key with this id, if the deployment still has it (active or retired): read from the store now.
     *
     * @param keyId the key's id
     * @return the public key; empty when the deployment has none with this id
     */
    public Optional<SigningPublicKey> publicKey(String keyId) {
        return store.find(keyId).map(k -> publicKeys.computeIfAbsent(k.keyId(), id -> publicKeyOf(k)));
    }

    /**
     * The public key with this id as last seen, without asking the store when it is cached. Only for a check whose
     * transaction confirms the key still exists (the enrollment and renewal steps do).
     */
    Optional<SigningPublicKey> cachedPublicKey(String keyId) {
        SigningPublicKey k = publicKeys.get(keyId);
        return k != null ? Optional.of(k) : publicKey(keyId);
    }

    /**
     * The keys agents should pin: the active and every retired key.
     *
     * @return the set, read from the store now
     */
    public PinnedKeySet publicKeySet() {
        List<SigningPublicKey> keys = store.list().stream().map(SigningKeys::publicKeyOf).toList();
        if (keys.isEmpty()) {
            throw new NotFoundException("signing key", "(none yet: call ensureActiveKey)");
        }
        return PinnedKeySet.of(keys);
    }

    /**
     * The 32-byte Ed25519 private key seed of a software key, for an explicit backup or migration. This is the only way
     * a private key leaves the SDK; a key on a token never does ({@link IssuerTokenException}). Logged (the id only)
     * as a warning.
     *
     * @param keyId the key's id
     * @param access {@link SecretAccess#grant()}: the caller says it means to take a secret out
     * @return the seed; destroy it when done
     * @throws NotFoundException when the deployment has no such key
     */
    public SecretBytes exportPrivateKey(String keyId, SecretAccess access) {
        Objects.requireNonNull(access, "access: exporting a private key needs SecretAccess.grant()");
        StoredSigningKey k = store.find(keyId).orElseThrow(() -> new NotFoundException("signing key", String.valueOf(keyId)));
        if (onToken(k)) {
            throw new IssuerTokenException("signing key " + keyId + " is on a PKCS#11 token and cannot be exported");
        }
        LOG.warn("private key of signing key {} exported", keyId);
        return unwrap(k);
    }

    /**
     * How long a node reuses the key set it signed endorsements for. A change of the active key is seen at once (the
     * request's transaction reads which key is active); a retired key added or removed through another node shows in
     * the endorsements within this time. Endorsements only ever vouch for the active key, so a stale set is harmless:
     * at worst an agent pinning a just-removed key still learns the active key from it for a few seconds more.
     */
    static final Duration ENDORSEMENTS_REFRESH = Duration.ofSeconds(10);

    /**
     * The active key endorsed by each other key the deployment still has (newest first, at most
     * {@link KeyEndorsement#MAX_PER_RESPONSE}): sent with every credential, so that an agent whose build pins an older
     * key learns the active one. Signed once per active key and key set, then cached; the key set is read again
     * every {@link #ENDORSEMENTS_REFRESH}, not on every request.
     */
    List<KeyEndorsement> endorsementsOf(ActiveKey active) {
        Endorsements cached = endorsements;
        Instant now = clock.instant();
        if (cached != null && cached.activeKeyId.equals(active.keyId) && !now.isBefore(cached.readAt)
                && now.isBefore(cached.readAt.plus(ENDORSEMENTS_REFRESH))) {
            return cached.list;
        }
        List<StoredSigningKey> all = store.list();
        List<String> ids = all.stream().map(StoredSigningKey::keyId).toList();
        if (cached != null && cached.activeKeyId.equals(active.keyId) && cached.keyIds.equals(ids)) {
            endorsements = new Endorsements(active.keyId, ids, cached.list, now);
            return cached.list;
        }
        SigningPublicKey activePublic = active.publicKey;
        byte[] message = KeyEndorsement.signedBytes(activePublic);
        List<KeyEndorsement> out = new java.util.ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < KeyEndorsement.MAX_PER_RESPONSE; i--) {
            StoredSigningKey k = all.get(i);
            if (k.keyId().equals(active.keyId)) {
                continue;
            }
            out.add(KeyEndorsement.of(activePublic, k.keyId(), signerOf(k).sign(message)));
        }
        List<KeyEndorsement> list = List.copyOf(out);
        endorsements = new Endorsements(active.keyId, ids, list, now);
        return list;
    }

    private record Endorsements(String activeKeyId, List<String> keyIds, List<KeyEndorsement> list, Instant readAt) {
    }

    /** Null until the first endorsement set is signed, and again after a rotation or a removal. */
    private volatile @Nullable Endorsements endorsements;

    /** The active key, ready to sign, read from the store. */
    ActiveKey active() {
        StoredSigningKey k = store.active().orElseThrow(() -> new NotFoundException("signing key", "(no active key: call ensureActiveKey)"));
        return activeOf(k);
    }

    /**
     * The active key whose id the request's transaction read: the cached one when it still is the active key, else
     * loaded from the store (once per rotation).
     */
    ActiveKey active(Optional<String> activeKeyId) {
        ActiveKey cached = lastActive;
        if (cached != null && activeKeyId.isPresent() && cached.keyId.equals(activeKeyId.get())) {
            return cached;
        }
        return active();
    }

    private ActiveKey activeOf(StoredSigningKey k) {
        ActiveKey cached = lastActive;
        if (cached != null && cached.keyId.equals(k.keyId())) {
            return cached;
        }
        ActiveKey fresh = new ActiveKey(k.keyId(), publicKeyOf(k), signerOf(k));
        lastActive = fresh;
        return fresh;
    }

    /** The active key's id, public key and signer; package-private so the signer stays inside this module. */
    static final class ActiveKey {
        final String keyId;
        final SigningPublicKey publicKey;
        private final Signer signer;

        private ActiveKey(String keyId, SigningPublicKey publicKey, Signer signer) {
            this.keyId = keyId;
            this.publicKey = publicKey;
            this.signer = signer;
        }

        byte[] sign(byte[] message) {
            return signer.sign(message);
        }

        @Override
        public String toString() {
            return "ActiveKey[" + keyId + "]";
        }
    }

    private static boolean onToken(StoredSigningKey k) {
        return k.keyEncryptionKeyId().equals(Pkcs11IssuerToken.STORE_REFERENCE);
    }

    /** The signer of a stored key, made once per key id: its private key unwrapped, or found on the token. */
    private Signer signerOf(StoredSigningKey k) {
        return signers.computeIfAbsent(k.keyId(), id -> {
            if (!onToken(k)) {
                return softwareSigner(unwrap(k), publicKeyOf(k).rawKey());
            }
            Pkcs11IssuerToken t = token.orElseThrow(() -> new IssuerTokenException("signing key " + k.keyId()
                    + " is on a PKCS#11 token: start the server with that token"));
            return tokenSigner(t, k);
        });
    }

    private Signer tokenSigner(Pkcs11IssuerToken t, StoredSigningKey k) {
        java.security.PrivateKey key = t.find(k.wrappedPrivateKey(), publicKeyOf(k)).orElseThrow(() -> new IssuerTokenException(
                "signing key " + k.keyId() + " is not on " + t + " (label " + k.wrappedPrivateKey() + ")"));
        return new Signer() {
            @Override
            public byte[] sign(byte[] message) {
                return t.sign(key, message);
            }

            @Override
            public void destroy() {
                // The key stays on the token; remove() deletes it there.
            }
        };
    }

    private static Signer softwareSigner(SecretBytes seed, byte[] publicKey) {
        return new Signer() {
            @Override
            public byte[] sign(byte[] message) {
                byte[] s = seed.toByteArray(SecretAccess.grant());
                try {
                    return BcEd25519.sign(s, publicKey, message);
                } finally {
                    Arrays.fill(s, (byte) 0);
                }
            }

            @Override
            public void destroy() {
                seed.destroy();
            }
        };
    }

    private SecretBytes unwrap(StoredSigningKey k) {
        if (!k.keyEncryptionKeyId().equals(kek.id())) {
            throw new KeyUnwrapException("signing key " + k.keyId() + " is wrapped by key-encryption key "
                    + k.keyEncryptionKeyId() + ", not " + kek.id());
        }
        byte[] wrapped;
        try {
            wrapped = Base64Url.decode(k.wrappedPrivateKey(), "wrapped key");
        } catch (TokenException e) {
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
            return SigningPublicKey.fromRaw(Base64Url.decode(k.publicKey(), "public key"));
        } catch (TokenException | IllegalArgumentException e) {
            throw new IllegalStateException("stored public key of " + k.keyId() + " is malformed");
        }
    }

    private static SigningKeyInfo info(StoredSigningKey k) {
        return new SigningKeyInfo(k.keyId(), k.status(), k.createdAt(), k.retiredAt(), publicKeyOf(k));
    }

    @Override
    public String toString() {
        return "SigningKeys[kek " + kek.id() + token.map(t -> ", " + t).orElse("") + "]";
    }
}
