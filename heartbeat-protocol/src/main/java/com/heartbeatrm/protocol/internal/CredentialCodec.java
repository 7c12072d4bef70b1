package com.heartbeatrm.protocol.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.TokenException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Agent credentials: PASETO v4.public with their own implicit assertion, so they never pass as anything else. */
public final class CredentialCodec {
    public static final byte[] IMPLICIT_ASSERTION = "heartbeat-agent-credential/v1".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> FIELDS = Set.of("ver", "iss", "org", "agt", "grp", "fp", "gen", "iat", "exp");

    private CredentialCodec() {
    }

    public static String encode(CredentialClaims c, String signingKeyId, Function<byte[], byte[]> signer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ver", CredentialClaims.FORMAT_VERSION);
        m.put("iss", c.issuer());
        m.put("org", c.organizationId());
        m.put("agt", c.agentId());
        m.put("grp", c.groupId());
        m.put("fp", c.publicKeyFingerprint());
        m.put("gen", c.generation());
        m.put("iat", c.issuedAt().toString());
        m.put("exp", c.expiresAt().toString());
        byte[] footer = ("{\"kid\":\"" + signingKeyId + "\"}").getBytes(StandardCharsets.US_ASCII);
        return PasetoV4Public.sign(RequestJson.write(m), footer, IMPLICIT_ASSERTION, signer);
    }

    public static CredentialClaims decode(byte[] payload) throws TokenException {
        Map<String, String> m = new LinkedHashMap<>();
        long generation = 0;
        try (JsonParser p = Json.parser(payload)) {
            Json.expect(p, JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (m.containsKey(name)) {
                    throw Json.duplicate("credential");
                }
                if (!FIELDS.contains(name)) {
                    throw new TokenException(Reason.INVALID_CLAIMS, "unknown credential claim");
                }
                if (name.equals("ver") || name.equals("gen")) {
                    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw new TokenException(Reason.INVALID_CLAIMS, "claim \"" + name + "\" has the wrong type");
                    }
                    long v = p.getLongValue();
                    if (name.equals("ver") && v != CredentialClaims.FORMAT_VERSION) {
                        throw new TokenException(Reason.UNSUPPORTED_VERSION, "credential format " + v + " is not "
                                + CredentialClaims.FORMAT_VERSION);
                    }
                    if (name.equals("gen")) {
                        generation = v;
                    }
                    m.put(name, Long.toString(v));
                } else if (t == JsonToken.VALUE_STRING) {
                    m.put(name, p.getText());
                } else {
                    throw new TokenException(Reason.INVALID_CLAIMS, "claim \"" + name + "\" has the wrong type");
                }
            }
            Json.expectEnd(p);
        } catch (IOException e) {
            throw Json.toTokenException(e, "credential");
        }
        if (!m.keySet().equals(FIELDS)) {
            throw new TokenException(Reason.INVALID_CLAIMS, "credential claims missing");
        }
        try {
            return new CredentialClaims(claim(m, "iss"), claim(m, "org"), claim(m, "agt"), claim(m, "grp"), claim(m, "fp"),
                    generation, instant(claim(m, "iat")), instant(claim(m, "exp")));
        } catch (IllegalArgumentException e) {
            throw new TokenException(Reason.INVALID_CLAIMS, String.valueOf(e.getMessage()));
        }
    }

    /** A claim {@code decode} has checked is there (the key set equals {@link #FIELDS}). */
    private static String claim(Map<String, String> m, String name) throws TokenException {
        String v = m.get(name);
        if (v == null) {
            throw new TokenException(Reason.INVALID_CLAIMS, "credential claims missing");
        }
        return v;
    }

    private static Instant instant(String s) throws TokenException {
        return Rfc3339.parse(s).orElseThrow(() -> new TokenException(Reason.INVALID_CLAIMS, "not an RFC 3339 timestamp"));
    }
}
