package com.heartbeatrm.protocol.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.TokenException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The HeartbeatRM enrollment token on top of PASETO v4.public: claims JSON, footer, implicit assertion. */
public final class EnrollmentTokenCodec {
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;
    /** Binds a token to its purpose: a PASETO minted for anything else never verifies as an enrollment token. */
    public static final byte[] IMPLICIT_ASSERTION = "heartbeat-enrollment-token/v1".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern KID = Pattern.compile("hbs_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Set<String> REQUIRED = Set.of("ver", "iss", "org", "key", "jti", "iat", "endpoints");
    private static final Set<String> KNOWN = Set.of("ver", "iss", "org", "key", "jti", "iat", "exp", "endpoints", "pins", "platform");

    private EnrollmentTokenCodec() {
    }

    /** Builds and signs a token; {@code signer} gets the PAE bytes and returns the Ed25519 signature. */
    public static String encode(EnrollmentClaims claims, String signingKeyId, Function<byte[], byte[]> signer) {
        if (!KID.matcher(signingKeyId).matches()) {
            throw new IllegalArgumentException("malformed signing key id");
        }
        byte[] payload = json(g -> {
            g.writeStartObject();
            g.writeNumberField("ver", claims.formatVersion());
            g.writeStringField("iss", claims.issuer());
            g.writeStringField("org", claims.organizationId());
            g.writeStringField("key", claims.accessKeyId());
            g.writeStringField("jti", claims.installerId());
            g.writeStringField("iat", claims.issuedAt().toString());
            if (claims.expiresAt().isPresent()) {
                g.writeStringField("exp", claims.expiresAt().get().toString());
            }
            g.writeArrayFieldStart("endpoints");
            for (URI u : claims.endpoints()) {
                g.writeString(u.toString());
            }
            g.writeEndArray();
            if (!claims.tlsPins().isEmpty()) {
                g.writeArrayFieldStart("pins");
                for (String p : claims.tlsPins()) {
                    g.writeString(p);
                }
                g.writeEndArray();
            }
            if (claims.platform().isPresent()) {
                g.writeStringField("platform", claims.platform().get());
            }
            g.writeEndObject();
        });
        byte[] footer = json(g -> {
            g.writeStartObject();
            g.writeStringField("kid", signingKeyId);
            g.writeEndObject();
        });
        String token = PasetoV4Public.sign(payload, footer, IMPLICIT_ASSERTION, signer);
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("claims too large for a token");
        }
        return token;
    }

    /** Reads the signing key id from the (not yet authenticated) footer: exactly {@code {"kid":"hbs_…"}}. */
    public static String readKeyId(byte[] footer) throws TokenException {
        if (footer.length == 0) {
            throw new TokenException(Reason.MALFORMED, "the footer must name the signing key");
        }
        try (JsonParser p = Json.parser(footer)) {
            Json.expect(p, JsonToken.START_OBJECT);
            String kid = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals("kid") || value != JsonToken.VALUE_STRING) {
                    throw new TokenException(Reason.MALFORMED, "the footer holds only a string \"kid\"");
                }
                if (kid != null) {
                    throw Json.duplicate("footer");
                }
                kid = p.getText();
            }
            Json.expectEnd(p);
            if (kid == null || !KID.matcher(kid).matches()) {
                throw new TokenException(Reason.MALFORMED, "the footer's kid is missing or malformed");
            }
            return kid;
        } catch (IOException e) {
            throw Json.toTokenException(e, "footer");
        }
    }

    /** Parses verified payload bytes into claims; unknown, missing or mistyped claims are refused. */
    public static EnrollmentClaims decodeClaims(byte[] payload) throws TokenException {
        @Nullable Integer ver = null;
        @Nullable String iss = null;
        @Nullable String org = null;
        @Nullable String key = null;
        @Nullable String jti = null;
        @Nullable Instant iat = null;
        @Nullable Instant exp = null;
        List<URI> endpoints = List.of();
        List<String> pins = List.of();
        @Nullable String platform = null;
        Set<String> seen = new HashSet<>();
        try (JsonParser p = Json.parser(payload)) {
            Json.expect(p, JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!seen.add(name)) {
                    throw Json.duplicate("payload");
                }
                if (!KNOWN.contains(name)) {
                    throw new TokenException(Reason.INVALID_CLAIMS, "unknown claim \"" + safe(name) + "\"");
                }
                switch (name) {
                    case "ver" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                            throw wrongType(name);
                        }
                        ver = p.getIntValue();
                    }
                    case "iss" -> iss = string(p, value, name);
                    case "org" -> org = string(p, value, name);
                    case "key" -> key = string(p, value, name);
                    case "jti" -> jti = string(p, value, name);
                    case "iat" -> iat = instant(string(p, value, name), name);
                    case "exp" -> exp = instant(string(p, value, name), name);
                    case "platform" -> platform = string(p, value, name);
                    case "endpoints" -> {
                        List<URI> list = new ArrayList<>();
                        for (String s : strings(p, value, name, EnrollmentClaims.MAX_ENDPOINTS)) {
                            try {
                                list.add(new URI(s));
                            } catch (URISyntaxException e) {
                                throw new TokenException(Reason.INVALID_CLAIMS, "endpoints: not a URL");
                            }
                        }
                        endpoints = list;
                    }
                    case "pins" -> pins = strings(p, value, name, EnrollmentClaims.MAX_PINS);
                    default -> throw new IllegalStateException(name);
                }
            }
            Json.expectEnd(p);
        } catch (IOException e) {
            throw Json.toTokenException(e, "payload");
        }
        if (ver == null) {
            throw missing("ver");
        }
        if (ver != EnrollmentClaims.FORMAT_VERSION) {
            throw new TokenException(Reason.UNSUPPORTED_VERSION, "claims format " + ver + " is not " + EnrollmentClaims.FORMAT_VERSION);
        }
        for (String r : REQUIRED) {
            if (!seen.contains(r)) {
                throw missing(r);
            }
        }
        try {
            return new EnrollmentClaims(ver, present(iss, "iss"), present(org, "org"), present(key, "key"),
                    present(jti, "jti"), present(iat, "iat"), Optional.ofNullable(exp), endpoints, pins,
                    Optional.ofNullable(platform));
        } catch (IllegalArgumentException e) {
            throw new TokenException(Reason.INVALID_CLAIMS, String.valueOf(e.getMessage()));
        }
    }

    private static String string(JsonParser p, JsonToken value, String name) throws IOException, TokenException {
        if (value != JsonToken.VALUE_STRING) {
            throw wrongType(name);
        }
        return p.getText();
    }

    private static List<String> strings(JsonParser p, JsonToken value, String name, int max) throws IOException, TokenException {
        if (value != JsonToken.START_ARRAY) {
            throw wrongType(name);
        }
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw wrongType(name);
            }
            if (out.size() == max) {
                throw new TokenException(Reason.INVALID_CLAIMS, name + ": more than " + max + " entries");
            }
            out.add(p.getText());
        }
        return out;
    }

    private static Instant instant(String text, String name) throws TokenException {
        if (text.length() > Rfc3339.MAX_LENGTH) {
            throw new TokenException(Reason.INVALID_CLAIMS, name + ": not a timestamp");
        }
        return Rfc3339.parse(text).orElseThrow(() -> new TokenException(Reason.INVALID_CLAIMS, name + ": not an RFC 3339 timestamp"));
    }

    /** A required claim's value; {@code decodeClaims} has checked it was seen, this makes the type say so. */
    private static <T> T present(@Nullable T value, String name) throws TokenException {
        if (value == null) {
            throw missing(name);
        }
        return value;
    }

    private static TokenException missing(String name) {
        return new TokenException(Reason.INVALID_CLAIMS, "missing claim \"" + name + "\"");
    }

    private static TokenException wrongType(String name) {
        return new TokenException(Reason.INVALID_CLAIMS, "claim \"" + name + "\" has the wrong type");
    }

    private static String safe(String name) {
        return name.length() > 32 || !name.matches("[A-Za-z0-9_-]*") ? "(unprintable)" : name;
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            w.write(g);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
