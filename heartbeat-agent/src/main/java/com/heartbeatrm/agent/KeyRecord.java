package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.protocol.StrictJson;
import com.heartbeatrm.protocol.TokenException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the state files record an agent key: {@code publicKey}, {@code keyAlgorithm} (absent for Ed25519), and for
 * the software custody {@code privateKey} (the PKCS#8 bytes, as before custodies existed, so an Ed25519 file state
 * reads as it always did), for any other custody {@code keyCustody} and {@code keyReference}.
 */
final class KeyRecord {
    static final Set<String> FIELDS = Set.of("publicKey", "keyAlgorithm", "privateKey", "keyCustody", "keyReference");

    private KeyRecord() {
    }

    static void write(CustodyKey key, Map<String, Object> m) {
        m.put("publicKey", Base64Url.encode(key.publicKey()));
        if (key.algorithm() != AgentKeyAlgorithm.ED25519) {
            m.put("keyAlgorithm", key.algorithm().wireName());
        }
        if (SoftwareKeyCustody.NAME.equals(key.custody())) {
            m.put("privateKey", Base64Url.encode(key.reference()));
        } else {
            m.put("keyCustody", key.custody());
            m.put("keyReference", Base64Url.encode(key.reference()));
        }
    }

    /**
     * The key the members of {@code m} record, opened with {@code custody}; refused with
     * {@link KeyCustodyException.Kind#OTHER_CUSTODY} when they record a key of another custody.
     */
    static CustodyKey read(Map<String, Object> m, AgentKeyCustody custody) throws StrictJson.JsonException, TokenException, KeyCustodyException {
        Optional<String> algorithmName = StrictJson.string(m, "keyAlgorithm");
        AgentKeyAlgorithm algorithm = algorithmName.isEmpty() ? AgentKeyAlgorithm.ED25519
                : AgentKeyAlgorithm.ofWireName(algorithmName.get()).orElseThrow(() -> new IllegalArgumentException("unknown keyAlgorithm"));
        byte[] publicKey = Base64Url.decode(StrictJson.requireString(m, "publicKey"), "publicKey");
        if (!algorithm.isValidPublicKey(publicKey)) {
            throw new IllegalArgumentException("publicKey is not an " + algorithm.wireName() + " public key");
        }
        Optional<String> recorded = StrictJson.string(m, "keyCustody");
        if (recorded.isPresent() && (recorded.get().equals(SoftwareKeyCustody.NAME) || m.containsKey("privateKey"))) {
            throw new IllegalArgumentException("keyCustody and privateKey do not go together");
        }
        String custodyName = recorded.orElse(SoftwareKeyCustody.NAME);
        if (!custodyName.equals(custody.name())) {
            throw new KeyCustodyException(KeyCustodyException.Kind.OTHER_CUSTODY, "the agent key is held by custody \""
                    + (custodyName.matches("[a-z0-9-]{1,32}") ? custodyName : "?") + "\", not by the configured \"" + custody.name() + "\"");
        }
        String referenceMember = recorded.isPresent() ? "keyReference" : "privateKey";
        String reference = StrictJson.requireString(m, referenceMember);
        if (reference.length() > (AgentKeyCustody.MAX_REFERENCE_BYTES * 4 + 2) / 3) {
            throw new IllegalArgumentException(referenceMember + " is too long");
        }
        CustodyKey key = custody.open(algorithm, publicKey, Base64Url.decode(reference, referenceMember));
        if (key.algorithm() != algorithm || !java.security.MessageDigest.isEqual(key.publicKey(), publicKey)) {
            throw new KeyCustodyException(KeyCustodyException.Kind.NOT_FOUND, "the custody returned another key than the recorded one");
        }
        return key;
    }
}
