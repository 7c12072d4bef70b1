package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.protocol.internal.Pae;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A signing key vouching for another: how an agent learns the issuer's new key after a rotation, without a new
 * installer. The server sends, with every credential, its active key endorsed by each retired key it still has;
 * an agent that trusts the endorser (pinned in its build, or learned earlier) verifies the endorsement and trusts the
 * new key from then on. The signed bytes are the PASETO pre-authentication encoding of {@value #PURPOSE}, the new
 * key's id and its raw 32-byte public key, so an endorsement can be neither moved to another key nor mistaken for a
 * token or credential signature.
 */
public final class KeyEndorsement {
    /** The purpose string that opens the signed bytes, so the signature is good for nothing else. */
    public static final String PURPOSE = "heartbeat-key-endorsement/v1";
    /** The most endorsements an answer may carry. */
    public static final int MAX_PER_RESPONSE = 8;
    private final SigningPublicKey key;
    private final String endorsedBy;
    private final byte[] signature;

    private KeyEndorsement(SigningPublicKey key, String endorsedBy, byte[] signature) {
        this.key = Objects.requireNonNull(key, "key");
        if (endorsedBy == null || !endorsedBy.matches("hbs_[A-Za-z0-9_-]{22}")) {
            throw new IllegalArgumentException("endorsedBy: a signing key id (hbs_…)");
        }
        if (endorsedBy.equals(key.keyId())) {
            throw new IllegalArgumentException("endorsedBy: a key cannot endorse itself");
        }
        if (signature == null || signature.length != 64) {
            throw new IllegalArgumentException("signature: 64 bytes");
        }
        this.endorsedBy = endorsedBy;
        this.signature = signature.clone();
    }

    /**
     * An endorsement as received.
     *
     * @param key        the endorsed key
     * @param endorsedBy the key id of the endorsing key
     * @param signature  the endorsing key's 64-byte Ed25519 signature over {@link #signedBytes}
     * @return the endorsement, not verified
     */
    public static KeyEndorsement of(SigningPublicKey key, String endorsedBy, byte[] signature) {
        return new KeyEndorsement(key, endorsedBy, signature);
    }

    /**
     * What the endorsing key signs.
     *
     * @param key the endorsed key
     * @return the purpose, the key's id and its raw key, length-prefixed
     */
    public static byte[] signedBytes(SigningPublicKey key) {
        return Pae.encode(PURPOSE.getBytes(StandardCharsets.US_ASCII), key.keyId().getBytes(StandardCharsets.US_ASCII), key.rawKey());
    }

    /** {@return the endorsed key} */
    public SigningPublicKey key() {
        return key;
    }

    /** {@return the key id of the endorsing key} */
    public String endorsedBy() {
        return endorsedBy;
    }

    /**
     * True when {@code endorser} (whose id must be {@link #endorsedBy()}) signed this key.
     *
     * @param endorser the endorsing key, already trusted
     * @param ed25519  verifies the signature
     * @return whether it verifies; false for a key of another id
     */
    public boolean verifiedBy(SigningPublicKey endorser, Ed25519Verifier ed25519) {
        return endorser.keyId().equals(endorsedBy) && ed25519.verify(endorser.rawKey(), signedBytes(key), signature);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kid", key.keyId());
        m.put("x", Base64Url.encode(key.rawKey()));
        m.put("endorsedBy", endorsedBy);
        m.put("sig", Base64Url.encode(signature));
        return m;
    }

    /** From its JSON members; the key id must be the one the public key derives. */
    static KeyEndorsement fromJson(String kid, String x, String endorsedBy, String sig) throws TokenException {
        SigningPublicKey key = SigningPublicKey.of(Base64Url.decode(x, "x"));
        if (!key.keyId().equals(kid)) {
            throw new IllegalArgumentException("kid: does not match the endorsed key");
        }
        return new KeyEndorsement(key, endorsedBy, Base64Url.decode(sig, "sig"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyEndorsement e && e.key.equals(key) && e.endorsedBy.equals(endorsedBy)
                && java.util.Arrays.equals(e.signature, signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, endorsedBy);
    }

    @Override
    public String toString() {
        return "KeyEndorsement[" + key.keyId() + " by " + endorsedBy + "]";
    }
}
