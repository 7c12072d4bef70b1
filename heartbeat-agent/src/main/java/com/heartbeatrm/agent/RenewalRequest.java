package com.heartbeatrm.agent;

import com.heartbeatrm.agent.RequestException.Problem;
import com.heartbeatrm.agent.internal.Base64Url;
import com.heartbeatrm.agent.internal.RequestJson;
import com.heartbeatrm.agent.internal.SignedRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An enrolled agent asking for a fresh credential (or polling while its enrollment awaits approval). Proves
 * possession of the agent key it enrolled with, over a fresh nonce and timestamp.
 */
public final class RenewalRequest {
    static final String PURPOSE = "heartbeat-renewal-request/v1";
    private static final Set<String> FIELDS = Set.of("v", "agentId", "organizationId", "publicKey", "nonce", "timestamp", "proof");
    private static final Pattern AGENT = Pattern.compile("agt_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern ORG = Pattern.compile("org_[A-Za-z0-9_-]{21}[AQgw]");

    private final String agentId;
    private final String organizationId;
    private final byte[] publicKey;
    private final String nonce;
    private final String timestampText;
    private final Instant timestamp;
    private final byte[] proof;

    private RenewalRequest(String agentId, String organizationId, byte[] publicKey, String nonce, String timestampText,
            Instant timestamp, byte[] proof) {
        this.agentId = agentId;
        this.organizationId = organizationId;
        this.publicKey = publicKey;
        this.nonce = nonce;
        this.timestampText = timestampText;
        this.timestamp = timestamp;
        this.proof = proof;
    }

    public static RenewalRequest create(String agentId, String organizationId, AgentKeyPair keys, Clock clock) {
        return create(agentId, organizationId, keys.publicKey(), SignedRequest.newNonce(), clock.instant(), keys::sign);
    }

    public static RenewalRequest create(String agentId, String organizationId, byte[] publicKey, String nonce, Instant at,
            Function<byte[], byte[]> signer) {
        if (agentId == null || !AGENT.matcher(agentId).matches() || organizationId == null || !ORG.matcher(organizationId).matches()) {
            throw new IllegalArgumentException("agentId and organizationId must be well-formed ids");
        }
        RenewalRequest unsigned = new RenewalRequest(agentId, organizationId, publicKey.clone(), nonce, at.toString(), at, new byte[0]);
        return new RenewalRequest(agentId, organizationId, publicKey.clone(), nonce, at.toString(), at, signer.apply(unsigned.signedBytes()));
    }

    public static RenewalRequest parse(byte[] body) throws RequestException {
        Map<String, Object> m = RequestJson.parse(body, FIELDS, Set.of());
        RequestJson.version(m);
        String agent = RequestJson.string(m, "agentId", true);
        String org = RequestJson.string(m, "organizationId", true);
        if (!AGENT.matcher(agent).matches() || !ORG.matcher(org).matches()) {
            throw new RequestException(Problem.INVALID_VALUE, "agentId or organizationId is malformed");
        }
        byte[] pub = SignedRequest.bytes("publicKey", RequestJson.string(m, "publicKey", true), 32, 32);
        String nonce = RequestJson.string(m, "nonce", true);
        SignedRequest.bytes("nonce", nonce, 16, 64);
        String ts = RequestJson.string(m, "timestamp", true);
        Instant at = SignedRequest.timestamp(ts);
        byte[] proof = SignedRequest.bytes("proof", RequestJson.string(m, "proof", true), 64, 64);
        return new RenewalRequest(agent, org, pub, nonce, ts, at, proof);
    }

    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("agentId", agentId);
        m.put("organizationId", organizationId);
        m.put("publicKey", Base64Url.encode(publicKey));
        m.put("nonce", nonce);
        m.put("timestamp", timestampText);
        m.put("proof", Base64Url.encode(proof));
        return RequestJson.write(m);
    }

    public byte[] signedBytes() {
        return SignedRequest.proofBytes(PURPOSE, agentId, organizationId, Base64Url.encode(publicKey), nonce, timestampText);
    }

    public boolean proofVerifies(Ed25519Verifier verifier) {
        return verifier.verify(publicKey, signedBytes(), proof);
    }

    public String agentId() {
        return agentId;
    }

    public String organizationId() {
        return organizationId;
    }

    public String publicKeyFingerprint() {
        return AgentKeyPair.fingerprintOf(publicKey);
    }

    public String nonce() {
        return nonce;
    }

    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public String toString() {
        return "RenewalRequest[" + agentId + "]";
    }
}
