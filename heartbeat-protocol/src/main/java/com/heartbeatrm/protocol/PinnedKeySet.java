package com.heartbeatrm.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.protocol.internal.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The issuer public keys an agent build trusts. Its JSON form is a JWK set of Ed25519 keys:
 * {@code {"keys":[{"kty":"OKP","crv":"Ed25519","kid":"hbs_…","x":"…"}]}}.
 */
public final class PinnedKeySet {
    /** The most keys a set holds. */
    public static final int MAX_KEYS = 32;
    /** The longest JSON form read, in characters. */
    public static final int MAX_JSON_LENGTH = 16 * 1024;
    private final Map<String, SigningPublicKey> byId;

    private PinnedKeySet(Map<String, SigningPublicKey> byId) {
        this.byId = byId;
    }

    /**
     * The set of {@code keys}.
     *
     * @param keys 1 to {@link #MAX_KEYS} keys; a key given twice is kept once
     * @return the set
     * @throws IllegalArgumentException none, or more than {@link #MAX_KEYS}
     */
    public static PinnedKeySet of(Collection<SigningPublicKey> keys) {
        if (keys.isEmpty() || keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("a pinned key set holds 1 to " + MAX_KEYS + " keys");
        }
        Map<String, SigningPublicKey> map = new LinkedHashMap<>();
        for (SigningPublicKey k : keys) {
            map.put(k.keyId(), k);
        }
        return new PinnedKeySet(java.util.Collections.unmodifiableMap(map));
    }

    /**
     * The set of {@code keys}.
     *
     * @param keys 1 to {@link #MAX_KEYS} keys; a key given twice is kept once
     * @return the set
     */
    public static PinnedKeySet of(SigningPublicKey... keys) {
        return of(List.of(keys));
    }

    /**
     * Looks a key up by its id.
     *
     * @param keyId a key id, as a token's footer names it
     * @return the key; empty when it is not pinned
     */
    public Optional<SigningPublicKey> find(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    /** {@return the keys, unmodifiable} */
    public Collection<SigningPublicKey> keys() {
        return byId.values();
    }

    /**
     * Parses the JSON form; refuses anything but Ed25519 keys whose kid matches the key.
     *
     * @param json at most {@link #MAX_JSON_LENGTH} characters
     * @return the set
     * @throws IllegalArgumentException anything else
     */
    public static PinnedKeySet parseJson(String json) {
        if (json == null || json.length() > MAX_JSON_LENGTH) {
            throw new IllegalArgumentException("key set JSON missing or longer than " + MAX_JSON_LENGTH);
        }
        try (JsonParser p = Json.parser(json.getBytes(StandardCharsets.UTF_8))) {
            Json.expect(p, JsonToken.START_OBJECT);
            List<SigningPublicKey> keys = new java.util.ArrayList<>();
            boolean sawKeys = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (!p.currentName().equals("keys")) {
                    p.nextToken();
                    p.skipChildren();
                    continue;
                }
                if (sawKeys) {
                    throw Json.duplicate("key set");
                }
                sawKeys = true;
                Json.expect(p, JsonToken.START_ARRAY);
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    Map<String, String> jwk = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        if (jwk.containsKey(name)) {
                            throw Json.duplicate("key set");
                        }
                        if (p.nextToken() == JsonToken.VALUE_STRING) {
                            jwk.put(name, p.getText());
                        } else {
                            jwk.put(name, "");
                            p.skipChildren();
                        }
                    }
                    if (!"OKP".equals(jwk.get("kty")) || !"Ed25519".equals(jwk.get("crv")) || jwk.get("x") == null) {
                        throw new IllegalArgumentException("only Ed25519 keys (kty OKP, crv Ed25519) can be pinned");
                    }
                    SigningPublicKey key = SigningPublicKey.of(Base64Url.decode(jwk.get("x"), "x"));
                    if (jwk.containsKey("kid") && !jwk.get("kid").equals(key.keyId())) {
                        throw new IllegalArgumentException("kid " + jwk.get("kid") + " does not match its key");
                    }
                    keys.add(key);
                    if (keys.size() > MAX_KEYS) {
                        throw new IllegalArgumentException("more than " + MAX_KEYS + " keys");
                    }
                }
            }
            if (!sawKeys) {
                throw new IllegalArgumentException("no \"keys\" member");
            }
            Json.expectEnd(p);
            return of(keys);
        } catch (IOException | TokenException e) {
            throw new IllegalArgumentException("malformed key set JSON: " + Json.describe(e));
        }
    }

    /** {@return the JSON form {@link #parseJson} reads} */
    public String toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("keys");
            for (SigningPublicKey k : byId.values()) {
                g.writeStartObject();
                g.writeStringField("kty", "OKP");
                g.writeStringField("crv", "Ed25519");
                g.writeStringField("kid", k.keyId());
                g.writeStringField("x", Base64Url.encode(k.rawKeyUnsafe()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "PinnedKeySet" + byId.keySet();
    }
}
