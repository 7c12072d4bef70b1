package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.KeyEndorsement;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TlsPin;
import com.heartbeatrm.protocol.AgentSigningKey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.heartbeatrm.protocol.internal.CredentialCodec;
import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import com.heartbeatrm.protocol.internal.JdkEd25519;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protocol's test vectors in {@code docs/testdata}: keys, tokens, request and response bodies, each with the
 * verdict the specification ({@code docs/protocol.md}) gives it. Everything is deterministic (fixed seeds, fixed
 * times, Ed25519 is deterministic), so {@link ProtocolVectorsTest} regenerates the files and requires them to be
 * byte-identical, then checks every verdict against the production code.
 *
 * <p>The expected verdicts are written here by hand, case by case, never computed by the code under test. Malformed
 * tokens are signed by this class's own PASETO signer (PAE and the JDK's Ed25519), not by the production encoder.
 *
 * <p>Regenerate: {@code mvn -q -pl heartbeat-agent test -Dtest=ProtocolVectorsTest -Dheartbeat.vectors.write=true}.
 */
final class ProtocolVectors {
    static final Path DIR = Path.of("..", "docs", "testdata");
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final Instant IAT = Instant.parse("2026-01-01T00:00:00Z");
    static final String ISS = "https://rmm.example";
    static final String ORG = "org_4gkSx9Ma2Bv1YrT0Qd7LwA";
    static final String KEY = "hbk_Jz3pQ8vRt5Ww2Xy6Bn1KmA";
    static final String JTI = "ins_Hc7Dq2Lr9Ts4Vu1Ye8MnPw";
    static final String AGT = "agt_Rf5Gh2Jk8Lm1Np4Qs7TvXg";
    static final String GRP = "grp_Ue3Wi6Yo9Ap2Sd5Fg8HjKQ";
    static final String NONCE = b64(sha256("heartbeat test vector nonce"), 24);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final byte[] TOKEN_PURPOSE = "heartbeat-enrollment-token/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CREDENTIAL_PURPOSE = "heartbeat-agent-credential/v1".getBytes(StandardCharsets.US_ASCII);

    /** An Ed25519 key from a 32-byte seed: SHA-256 of a label, so anyone can rebuild it. */
    static final class Key {
        final String label;
        final byte[] seed;
        final byte[] publicKey;
        final PrivateKey privateKey;

        Key(String label) {
            this.label = label;
            this.seed = sha256(label);
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
                g.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
                KeyPair kp = g.generateKeyPair();
                byte[] spki = kp.getPublic().getEncoded();
                this.publicKey = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
                this.privateKey = TestKeys.fromSeed(seed);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        String kid() {
            return SigningPublicKey.keyIdOf(publicKey);
        }

        byte[] sign(byte[] message) {
            return TestKeys.sign(privateKey, message);
        }
    }

    /** Hands the key pair generator exactly the seed, so the JDK derives the public key of a chosen private key. */
    private static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(bytes.length, seed.length));
        }
    }

    static final Key ISSUER = new Key("heartbeat test vector issuer 1");
    static final Key ROTATED = new Key("heartbeat test vector issuer 2");
    static final Key AGENT = new Key("heartbeat test vector agent");
    static final String PIN_A = b64(sha256("heartbeat test vector tls key A"), 32);
    static final String PIN_B = b64(sha256("heartbeat test vector tls key B"), 32);

    private ProtocolVectors() {
    }

    /** The files, by name, as the generator writes them. */
    static Map<String, byte[]> files() throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("keys.json", write(keys()));
        out.put("tokens.json", write(tokens()));
        out.put("requests.json", write(requests()));
        out.put("responses.json", write(responses()));
        out.put("renewal-timing.json", write(renewalTiming()));
        return out;
    }

    // ------------------------------------------------------------------------------------------------ keys

    static ObjectNode keys() {
        ObjectNode root = described("Ed25519 keys of the vectors. seed = SHA-256(label); x = the raw public key; kid = \"hbs_\" + "
                + "base64url(first 16 bytes of SHA-256(x)). pinnedKeySet is what an agent build pins: it holds issuer 1 only.");
        ArrayNode keys = root.putArray("keys");
        for (Key k : List.of(ISSUER, ROTATED, AGENT)) {
            ObjectNode o = keys.addObject();
            o.put("label", k.label);
            o.put("seed", b64(k.seed));
            o.put("x", b64(k.publicKey));
            o.put("kid", k.kid());
            o.put("fingerprint", AgentSigningKey.fingerprintOf(k.publicKey));
        }
        ObjectNode pinned = root.putObject("pinnedKeySet");
        ObjectNode jwk = pinned.putArray("keys").addObject();
        jwk.put("kty", "OKP").put("crv", "Ed25519").put("kid", ISSUER.kid()).put("x", b64(ISSUER.publicKey));
        ObjectNode pae = root.putObject("pae");
        pae.put("description", "PAE of the pieces \"v4.public.\", \"ab\" and \"\": LE64 count, then each piece's LE64 length and bytes");
        pae.putArray("piecesHex").add(hex("v4.public.".getBytes(StandardCharsets.US_ASCII))).add(hex("ab".getBytes(StandardCharsets.US_ASCII))).add("");
        pae.put("encodedHex", hex(com.heartbeatrm.protocol.internal.Pae.encode("v4.public.".getBytes(StandardCharsets.US_ASCII),
                "ab".getBytes(StandardCharsets.US_ASCII), new byte[0])));
        ObjectNode pin = root.putObject("tlsPin");
        byte[] spki = JdkEd25519.spki(AGENT.publicKey);
        pin.put("description", "a TLS pin is base64url(SHA-256(DER SubjectPublicKeyInfo)); here the SPKI of the agent key");
        pin.put("spkiHex", hex(spki));
        pin.put("pin", TlsPin.ofSpki(spki));
        ObjectNode endorsement = root.putObject("endorsement");
        byte[] signed = KeyEndorsement.signedBytes(SigningPublicKey.of(ROTATED.publicKey));
        endorsement.put("description", "issuer 1 endorses issuer 2: sig = Ed25519(issuer 1, PAE(\"heartbeat-key-endorsement/v1\", kid, x))");
        endorsement.put("kid", ROTATED.kid());
        endorsement.put("x", b64(ROTATED.publicKey));
        endorsement.put("endorsedBy", ISSUER.kid());
        endorsement.put("signedBytesHex", hex(signed));
        endorsement.put("sig", b64(ISSUER.sign(signed)));
        return root;
    }

    // ---------------------------------------------------------------------------------------------- tokens

    static String claimsJson(String inner) {
        return "{" + inner + "}";
    }

    static String minimalClaims() {
        return "\"ver\":2,\"iss\":\"" + ISS + "\",\"org\":\"" + ORG + "\",\"key\":\"" + KEY + "\",\"jti\":\"" + JTI + "\",\"iat\":\"" + IAT
                + "\",\"endpoints\":[\"https://rmm.example/v1/\"]";
    }

    /** The token every tag vector carries. */
    static String fullToken() {
        return EnrollmentTokenCodec.encode(fullClaims(), ISSUER.kid(), ISSUER::sign);
    }

    static EnrollmentClaims fullClaims() {
        return new EnrollmentClaims(2, ISS, ORG, KEY, JTI, IAT, Optional.of(Instant.parse("2027-01-01T00:00:00Z")),
                List.of(URI.create("https://rmm.example/v1/"), URI.create("https://rmm-backup.example:8443/hb/v1/")),
                List.of(PIN_A, PIN_B), Optional.of("windows"));
    }

    static ObjectNode tokens() {
        ObjectNode root = described("Enrollment tokens. Verify each at \"now\" against keys.json's pinnedKeySet with 300 s of allowed "
                + "clock skew. A valid token lists its claims; an invalid one names the reason of docs/protocol.md, section Token.");
        root.put("now", NOW.toString());
        root.put("allowedClockSkewSeconds", 300);
        ArrayNode v = root.putArray("vectors");
        String footer = "{\"kid\":\"" + ISSUER.kid() + "\"}";

        String minimal = sign(claimsJson(minimalClaims()), footer, TOKEN_PURPOSE, ISSUER);
        valid(v, "minimal", "only the required claims", minimal, claims(minimalClaims(), null, List.of("https://rmm.example/v1/"), List.of(), null));
        String full = fullToken();
        valid(v, "full", "expiry, two endpoints, two TLS pins and a platform (the token of every tag vector)", full,
                claims(minimalClaims(), "2027-01-01T00:00:00Z", List.of("https://rmm.example/v1/", "https://rmm-backup.example:8443/hb/v1/"),
                        List.of(PIN_A, PIN_B), "windows"));

        invalid(v, "expired", "exp is before now", sign(claimsJson(minimalClaims() + ",\"exp\":\"2026-02-01T00:00:00Z\""), footer,
                TOKEN_PURPOSE, ISSUER), "EXPIRED");
        invalid(v, "expires-now", "exp equal to now is expired", sign(claimsJson(minimalClaims() + ",\"exp\":\"" + NOW + "\""), footer,
                TOKEN_PURPOSE, ISSUER), "EXPIRED");
        String future = minimalClaims().replace(IAT.toString(), NOW.plus(Duration.ofMinutes(6)).toString());
        invalid(v, "not-yet-valid", "iat more than the allowed skew after now", sign(claimsJson(future), footer, TOKEN_PURPOSE, ISSUER),
                "NOT_YET_VALID");
        String nearFuture = minimalClaims().replace(IAT.toString(), NOW.plus(Duration.ofMinutes(4)).toString());
        valid(v, "iat-within-skew", "iat after now but within the allowed skew", sign(claimsJson(nearFuture), footer, TOKEN_PURPOSE, ISSUER),
                claims(nearFuture, null, List.of("https://rmm.example/v1/"), List.of(), null));
        invalid(v, "unknown-signing-key", "signed by issuer 2, which the agent does not pin",
                sign(claimsJson(minimalClaims()), "{\"kid\":\"" + ROTATED.kid() + "\"}", TOKEN_PURPOSE, ROTATED), "UNKNOWN_SIGNING_KEY");
        invalid(v, "kid-of-another-key", "the footer names issuer 1, issuer 2 signed", sign(claimsJson(minimalClaims()), footer, TOKEN_PURPOSE,
                ROTATED), "BAD_SIGNATURE");
        invalid(v, "tampered-claims", "one payload byte changed after signing", tamperPayload(minimal), "BAD_SIGNATURE");
        invalid(v, "wrong-implicit-assertion", "signed as an agent credential (implicit assertion heartbeat-agent-credential/v1)",
                sign(claimsJson(minimalClaims()), footer, CREDENTIAL_PURPOSE, ISSUER), "BAD_SIGNATURE");
        invalid(v, "footer-changed", "the footer is authenticated too: a space added", withFooter(minimal, "{\"kid\": \"" + ISSUER.kid() + "\"}"),
                "MALFORMED_OR_BAD_SIGNATURE");
        invalid(v, "v3-header", "another PASETO version", "v3.public." + minimal.substring("v4.public.".length()), "WRONG_VERSION_OR_PURPOSE");
        invalid(v, "local-purpose", "another PASETO purpose", "v4.local." + minimal.substring("v4.public.".length()), "WRONG_VERSION_OR_PURPOSE");
        invalid(v, "not-paseto", "not a PASETO token at all", "hello world", "MALFORMED");
        invalid(v, "no-footer", "a token without the footer that names its key", minimal.substring(0, minimal.lastIndexOf('.')), "MALFORMED");
        invalid(v, "empty-footer", "a trailing dot and no footer", minimal.substring(0, minimal.lastIndexOf('.') + 1), "MALFORMED");
        invalid(v, "five-parts", "a fifth dot-separated part", minimal + ".e30", "MALFORMED");
        invalid(v, "footer-extra-member", "the footer holds a member besides kid",
                sign(claimsJson(minimalClaims()), "{\"kid\":\"" + ISSUER.kid() + "\",\"alg\":\"none\"}", TOKEN_PURPOSE, ISSUER), "MALFORMED");
        invalid(v, "padding", "base64 padding is not base64url", minimal.substring(0, minimal.lastIndexOf('.')) + "=" + minimal.substring(minimal.lastIndexOf('.')), "NON_CANONICAL_ENCODING");
        invalid(v, "trailing-bits", "non-zero unused bits in the last payload character", trailingBits(minimal), "NON_CANONICAL_ENCODING");
        invalid(v, "short-payload", "a payload shorter than a signature", "v4.public." + b64(new byte[40]) + "."
                + b64(footer.getBytes(StandardCharsets.US_ASCII)), "MALFORMED");
        invalid(v, "oversized", "longer than 16384 characters", "v4.public." + "A".repeat(16384), "OVERSIZED");
        invalid(v, "unknown-claim", "a claim the format does not define", sign(claimsJson(minimalClaims() + ",\"admin\":true"), footer,
                TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "duplicate-claim", "org twice", sign(claimsJson(minimalClaims() + ",\"org\":\"" + ORG + "\""), footer, TOKEN_PURPOSE, ISSUER),
                "DUPLICATE_JSON_KEY");
        invalid(v, "claims-version-1", "ver 1: endpoints were enroll URLs then", sign(claimsJson(minimalClaims().replace("\"ver\":2", "\"ver\":1")),
                footer, TOKEN_PURPOSE, ISSUER), "UNSUPPORTED_VERSION");
        invalid(v, "claims-version-3", "a future claims format", sign(claimsJson(minimalClaims().replace("\"ver\":2", "\"ver\":3")), footer,
                TOKEN_PURPOSE, ISSUER), "UNSUPPORTED_VERSION");
        invalid(v, "ver-as-string", "ver must be an integer", sign(claimsJson(minimalClaims().replace("\"ver\":2", "\"ver\":\"2\"")), footer,
                TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "missing-jti", "a required claim missing", sign(claimsJson(minimalClaims().replace(",\"jti\":\"" + JTI + "\"", "")), footer,
                TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "endpoint-without-slash", "an endpoint is a base URL whose path ends in /",
                sign(claimsJson(minimalClaims().replace("/v1/\"", "/v1\"")), footer, TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "endpoint-with-query", "no query in an endpoint",
                sign(claimsJson(minimalClaims().replace("/v1/\"", "/v1/?x=1\"")), footer, TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "malformed-org", "org must be org_ and 22 base64url characters",
                sign(claimsJson(minimalClaims().replace(ORG, "org_x")), footer, TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "bad-pin", "a pin must be 43 base64url characters (32 bytes)",
                sign(claimsJson(minimalClaims() + ",\"pins\":[\"abc\"]"), footer, TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "exp-before-iat", "exp must be after iat",
                sign(claimsJson(minimalClaims() + ",\"exp\":\"2025-12-31T00:00:00Z\""), footer, TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "platform-unknown", "platform is windows, macos or linux",
                sign(claimsJson(minimalClaims() + ",\"platform\":\"beos\""), footer, TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS");
        invalid(v, "claims-not-json", "the signed payload is not JSON", sign("not json", footer, TOKEN_PURPOSE, ISSUER), "INVALID_CLAIMS_OR_MALFORMED");
        return root;
    }

    private static ObjectNode claims(String inner, String exp, List<String> endpoints, List<String> pins, String platform) {
        ObjectNode c = JSON.createObjectNode();
        c.put("ver", 2);
        c.put("iss", ISS);
        c.put("org", ORG);
        c.put("key", KEY);
        c.put("jti", JTI);
        String iat = inner.replaceAll(".*\"iat\":\"([^\"]+)\".*", "$1");
        c.put("iat", iat);
        if (exp != null) {
            c.put("exp", exp);
        }
        ArrayNode e = c.putArray("endpoints");
        endpoints.forEach(e::add);
        ArrayNode p = c.putArray("pins");
        pins.forEach(p::add);
        if (platform != null) {
            c.put("platform", platform);
        }
        return c;
    }

    private static void valid(ArrayNode v, String name, String what, String token, ObjectNode claims) {
        vector(v, "name", name, "description", what, "token", token, "valid", true).set("claims", claims);
    }

    private static void invalid(ArrayNode v, String name, String what, String token, String reason) {
        ObjectNode o = vector(v, "name", name, "description", what, "token", token, "valid", false);
        ArrayNode reasons = o.putArray("reason");
        // A few inputs are refused for two reasons at once; either is a correct verdict (an implementation may check in
        // another order, or read the footer more strictly).
        switch (reason) {
            case "MALFORMED_OR_BAD_SIGNATURE" -> reasons.add("MALFORMED").add("BAD_SIGNATURE");
            case "INVALID_CLAIMS_OR_MALFORMED" -> reasons.add("INVALID_CLAIMS").add("MALFORMED");
            default -> reasons.add(reason);
        }
    }

    /** PASETO v4.public, written here from the specification: base64url(m || Ed25519(PAE(h, m, f, i))) . base64url(f). */
    static String sign(String payload, String footer, byte[] implicit, Key key) {
        byte[] m = payload.getBytes(StandardCharsets.UTF_8);
        byte[] f = footer.getBytes(StandardCharsets.UTF_8);
        byte[] h = "v4.public.".getBytes(StandardCharsets.US_ASCII);
        byte[] sig = key.sign(pae(h, m, f, implicit));
        byte[] body = Arrays.copyOf(m, m.length + 64);
        System.arraycopy(sig, 0, body, m.length, 64);
        return "v4.public." + b64(body) + (f.length == 0 ? "" : "." + b64(f));
    }

    /** PAE: the count, then each piece's length and bytes; every number 64-bit little-endian with the top bit clear. */
    static byte[] pae(byte[]... pieces) {
        int size = 8 + Arrays.stream(pieces).mapToInt(p -> 8 + p.length).sum();
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN).putLong(pieces.length & Long.MAX_VALUE);
        Arrays.stream(pieces).forEach(p -> out.putLong(p.length & Long.MAX_VALUE).put(p));
        return out.array();
    }

    /** A vectors file's root object, with its description. */
    private static ObjectNode described(String description) {
        ObjectNode root = JSON.createObjectNode();
        root.put("description", description);
        return root;
    }

    private static String tamperPayload(String token) {
        String[] parts = token.split("\\.");
        byte[] body = Base64.getUrlDecoder().decode(parts[2]);
        body[20] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + b64(body) + "." + parts[3];
    }

    private static String withFooter(String token, String footer) {
        return token.substring(0, token.lastIndexOf('.') + 1) + b64(footer.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets an unused low bit in the payload's last base64url character (the payload length is not a multiple of 3). */
    private static String trailingBits(String token) {
        String[] parts = token.split("\\.");
        String p = parts[2];
        if (p.length() % 4 == 0) {
            throw new IllegalStateException("payload length is a multiple of 3: no unused bits");
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = p.charAt(p.length() - 1);
        char changed = alphabet.charAt(alphabet.indexOf(last) | 1);
        return parts[0] + "." + parts[1] + "." + p.substring(0, p.length() - 1) + changed + "." + parts[3];
    }

    // -------------------------------------------------------------------------------------------- requests

    static ObjectNode requests() {
        ObjectNode root = described("Request bodies. verdict \"proof_verifies\": well-formed, and proof is a valid Ed25519 signature by "
                + "publicKey over the proof input of docs/protocol.md; \"bad_proof\": well-formed, the proof does not verify; "
                + "\"invalid_request\": refused by the parser with problem (and field, when one is at fault). The agent key is "
                + "keys.json's \"heartbeat test vector agent\". A body is body (its UTF-8 encoding is sent) or, when it is not "
                + "UTF-8 text, bodyHex (the bytes sent, in hex).");
        ArrayNode v = root.putArray("vectors");
        String token = sign(claimsJson(minimalClaims()), "{\"kid\":\"" + ISSUER.kid() + "\"}", TOKEN_PURPOSE, ISSUER);
        AgentFacts facts = new AgentFacts("pc-0042", "windows", "10.0.26100", "heartbeat-agent/1.4.2", Optional.of("a1b2c3"));
        byte[] enroll = EnrollmentRequest.create(EnrollmentToken.of(token), AGENT.publicKey, facts, NONCE, NOW, AGENT::sign).toJson();
        String e = new String(enroll, StandardCharsets.UTF_8);
        ObjectNode valid = request(v, "enroll", "enroll-valid", "a well-formed, correctly signed enrollment", e, "proof_verifies", null, null);
        valid.put("proofInputHex", hex(EnrollmentRequest.create(EnrollmentToken.of(token), AGENT.publicKey, facts, NONCE, NOW, AGENT::sign)
                .signedBytes()));
        AgentFacts noPrint = new AgentFacts("pc-0043", "linux", "6.1", "heartbeat-agent/1.4.2", Optional.empty());
        request(v, "enroll", "enroll-no-machine-fingerprint", "machineFingerprint omitted: it is signed as the empty string",
                new String(EnrollmentRequest.create(EnrollmentToken.of(token), AGENT.publicKey, noPrint, NONCE, NOW, AGENT::sign).toJson(),
                        StandardCharsets.UTF_8), "proof_verifies", null, null);
        request(v, "enroll", "enroll-tampered-hostname", "hostname changed after signing", e.replace("pc-0042", "pc-0666"), "bad_proof", null, null);
        request(v, "enroll", "enroll-tampered-timestamp", "timestamp changed after signing", e.replace(NOW.toString(), "2026-06-01T00:00:01Z"),
                "bad_proof", null, null);
        request(v, "enroll", "enroll-unknown-field", "a member the protocol does not define", e.replace("{\"v\":1,", "{\"v\":1,\"admin\":true,"),
                "invalid_request", "UNKNOWN_FIELD", "admin");
        request(v, "enroll", "enroll-duplicate-field", "nonce twice", e.replace("\"nonce\":", "\"nonce\":\"" + NONCE + "\",\"nonce\":"),
                "invalid_request", "DUPLICATE_FIELD", null);
        request(v, "enroll", "enroll-missing-proof", "no proof", e.replaceAll(",\"proof\":\"[^\"]+\"", ""), "invalid_request", "MISSING_FIELD", "proof");
        request(v, "enroll", "enroll-version-2", "v is 1", e.replace("{\"v\":1,", "{\"v\":2,"), "invalid_request", "UNSUPPORTED_VERSION", "v");
        request(v, "enroll", "enroll-short-nonce", "a nonce is 16 to 64 bytes", e.replace(NONCE, b64(new byte[8])), "invalid_request",
                "INVALID_VALUE", "nonce");
        request(v, "enroll", "enroll-bad-platform", "platform is windows, macos or linux", e.replace("\"windows\"", "\"beos\""),
                "invalid_request", "INVALID_VALUE", "facts.platform");
        request(v, "enroll", "enroll-public-key-length", "publicKey is 32 bytes", e.replace(b64(AGENT.publicKey), b64(new byte[31])),
                "invalid_request", "INVALID_VALUE", "publicKey");
        request(v, "enroll", "enroll-not-json", "not JSON", "{\"v\":1,", "invalid_request", "NOT_JSON", null);
        request(v, "enroll", "enroll-v-wrong-type", "v is an integer", e.replace("{\"v\":1,", "{\"v\":\"1\","), "invalid_request", "WRONG_TYPE", "v");
        // Bodies are UTF-8 without a byte order mark: the valid request in another encoding is not a request.
        rawRequest(v, "enroll", "enroll-utf8-bom", "the valid request after a UTF-8 byte order mark",
                concat(HexFormat.of().parseHex("efbbbf"), enroll), "invalid_request", "NOT_JSON", null);
        rawRequest(v, "enroll", "enroll-utf16", "the valid request in UTF-16LE, without a byte order mark",
                e.getBytes(StandardCharsets.UTF_16LE), "invalid_request", "NOT_JSON", null);
        rawRequest(v, "enroll", "enroll-utf16-bom", "the valid request in UTF-16BE after its byte order mark",
                concat(HexFormat.of().parseHex("feff"), e.getBytes(StandardCharsets.UTF_16BE)), "invalid_request", "NOT_JSON", null);

        String credential = CredentialCodec.encode(new CredentialClaims(ISS, ORG, AGT, GRP, AgentSigningKey.fingerprintOf(AGENT.publicKey), 3, IAT,
                IAT.plus(Duration.ofDays(30))), ISSUER.kid(), ISSUER::sign);
        RenewalRequest renewal = RenewalRequest.create(AGT, ORG, AGENT.publicKey, Optional.of(AgentCredential.of(credential)), NONCE, NOW,
                AGENT::sign);
        String r = new String(renewal.toJson(), StandardCharsets.UTF_8);
        request(v, "renew", "renew-valid", "a renewal presenting generation 3", r, "proof_verifies", null, null)
                .put("proofInputHex", hex(renewal.signedBytes()));
        request(v, "renew", "renew-pending", "a pending agent polls: no credential, signed as the empty string",
                new String(RenewalRequest.create(AGT, ORG, AGENT.publicKey, Optional.empty(), NONCE, NOW, AGENT::sign).toJson(),
                        StandardCharsets.UTF_8), "proof_verifies", null, null);
        request(v, "renew", "renew-other-agent", "agentId changed after signing", r.replace(AGT, "agt_Rf5Gh2Jk8Lm1Np4Qs7TvXw"), "bad_proof", null, null);
        request(v, "renew", "renew-malformed-agent", "agentId must be agt_ and 22 base64url characters", r.replace(AGT, "agt_1"), "invalid_request",
                "INVALID_VALUE", "agentId");
        nullMembers(v, e, noPrint, token);
        timestamps(v);
        byte[] surrogate = r.replace("\"nonce\"", "\"nonce\u0000\"").getBytes(StandardCharsets.UTF_8);
        int nul = indexOf(surrogate, (byte) 0);
        rawRequest(v, "renew", "renew-surrogate-utf8", "a UTF-16 surrogate encoded in UTF-8 (ED A0 80) inside a member name",
                concat(Arrays.copyOf(surrogate, nul), HexFormat.of().parseHex("eda080"), Arrays.copyOfRange(surrogate, nul + 1, surrogate.length)),
                "invalid_request", "NOT_JSON", null);
        return root;
    }

    /** A null member counts as absent: an optional one is left out (and signed as absent), a required one is missing. */
    private static void nullMembers(ArrayNode v, String e, AgentFacts noPrint, String token) {
        String bare = new String(EnrollmentRequest.create(EnrollmentToken.of(token), AGENT.publicKey, noPrint, NONCE, NOW, AGENT::sign).toJson(),
                StandardCharsets.UTF_8);
        request(v, "enroll", "enroll-null-machine-fingerprint", "machineFingerprint null: absent, signed as the empty string",
                bare.replace("\"agentVersion\":\"heartbeat-agent/1.4.2\"", "\"agentVersion\":\"heartbeat-agent/1.4.2\",\"machineFingerprint\":null"),
                "proof_verifies", null, null);
        String poll = new String(RenewalRequest.create(AGT, ORG, AGENT.publicKey, Optional.empty(), NONCE, NOW, AGENT::sign).toJson(),
                StandardCharsets.UTF_8);
        request(v, "renew", "renew-null-credential", "credential null: absent, a pending agent's poll signed with the empty string",
                poll.replace("\"nonce\":", "\"credential\":null,\"nonce\":"), "proof_verifies", null, null);
        request(v, "enroll", "enroll-null-proof", "proof null: a required member that is null is missing", e.replaceAll("\"proof\":\"[^\"]+\"",
                "\"proof\":null"), "invalid_request", "MISSING_FIELD", "proof");
        request(v, "enroll", "enroll-null-hostname", "facts.hostname null: missing", e.replace("\"hostname\":\"pc-0042\"", "\"hostname\":null"),
                "invalid_request", "MISSING_FIELD", "facts.hostname");
        request(v, "enroll", "enroll-null-v", "v null: missing", e.replace("{\"v\":1,", "{\"v\":null,"), "invalid_request", "MISSING_FIELD", "v");
    }

    /**
     * Each timestamp form, in a pending agent's poll signed over the text as sent: accepted forms verify and name
     * {@code instant}; every other form is INVALID_VALUE.
     */
    private static void timestamps(ArrayNode v) {
        String[][] accepted = {
            {"2026-06-01T00:00:00Z", "UTC, whole seconds (what writers send)"},
            {"2026-06-01T00:00:00.5Z", "a fraction of one digit"},
            {"2026-06-01T00:00:00.123456789Z", "a fraction of nine digits, the most"},
            {"2026-06-01T02:00:00+02:00", "a positive offset"},
            {"2026-05-31T19:00:00-05:00", "a negative offset"},
            {"2026-06-01T00:00:00-00:00", "-00:00 is UTC"},
            {"2026-06-01T18:00:00+18:00", "an offset of 18 hours, the most"},
            {"2026-06-01t00:00:00z", "t and z in lower case"},
        };
        for (String[] a : accepted) {
            poll(v, "timestamp-" + a[0], a[1], a[0], "proof_verifies", null).put("instant", instantOf(a[0]));
        }
        String[][] refused = {
            {"2026-06-01T00:00:00.1234567891Z", "a fraction of ten digits"},
            {"2026-06-01T00:00:00.Z", "an empty fraction"},
            {"2026-06-01T00:00:00,5Z", "a comma before the fraction"},
            {"2026-06-01T00:00Z", "no seconds"},
            {"2026-06-01T00:00:00", "no offset"},
            {"2026-06-01 00:00:00Z", "a space for T"},
            {"2026-06-01T00:00:00+0200", "an offset without a colon"},
            {"2026-06-01T00:00:00+02", "an offset of hours only"},
            {"2026-06-01T02:00:30+02:00:30", "an offset with seconds"},
            {"2026-06-01T00:00:00+19:00", "an offset over 18 hours"},
            {"2026-06-01T23:59:60Z", "a leap second"},
            {"2026-06-01T24:00:00Z", "hour 24"},
            {"2026-02-30T00:00:00Z", "a day the month does not have"},
            {"2026-06-01T00:00:00UTC", "a zone name"},
        };
        for (String[] r : refused) {
            poll(v, "timestamp-" + r[0], r[1], r[0], "invalid_request", "INVALID_VALUE");
        }
    }

    private static String instantOf(String text) {
        return java.time.OffsetDateTime.parse(text).toInstant().toString();
    }

    /** A pending agent's poll at {@code timestamp} (the text as sent), signed by the agent key over that text. */
    private static ObjectNode poll(ArrayNode v, String name, String what, String timestamp, String verdict, String problem) {
        byte[] proof = AGENT.sign(pae("heartbeat-renewal-request/v1".getBytes(StandardCharsets.US_ASCII), AGT.getBytes(StandardCharsets.US_ASCII),
                ORG.getBytes(StandardCharsets.US_ASCII), b64(AGENT.publicKey).getBytes(StandardCharsets.US_ASCII), new byte[0],
                NONCE.getBytes(StandardCharsets.US_ASCII), timestamp.getBytes(StandardCharsets.UTF_8)));
        String body = "{\"v\":1,\"agentId\":\"" + AGT + "\",\"organizationId\":\"" + ORG + "\",\"publicKey\":\"" + b64(AGENT.publicKey)
                + "\",\"nonce\":\"" + NONCE + "\",\"timestamp\":\"" + timestamp + "\",\"proof\":\"" + b64(proof) + "\"}";
        return request(v, "renew", name, what, body, verdict, problem, problem == null ? null : "timestamp");
    }

    private static ObjectNode request(ArrayNode v, String kind, String name, String what, String body, String verdict, String problem, String field) {
        return vector(v, "name", name, "kind", kind, "description", what, "body", body, "verdict", verdict, "problem", problem, "field", field);
    }

    /** A body that is not UTF-8 text, so not a JSON string either: given as bodyHex, its bytes in hex. */
    private static ObjectNode rawRequest(ArrayNode v, String kind, String name, String what, byte[] body, String verdict, String problem,
            String field) {
        return vector(v, "name", name, "kind", kind, "description", what, "bodyHex", hex(body), "verdict", verdict, "problem", problem,
                "field", field);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    /** Adds a vector with the members given as name, value, name, value, …, in that order; a null value is left out. */
    private static ObjectNode vector(ArrayNode v, Object... members) {
        ObjectNode o = v.addObject();
        for (int i = 0; i < members.length; i += 2) {
            if (members[i + 1] instanceof Integer n) {
                o.put((String) members[i], n);
            } else if (members[i + 1] instanceof Boolean b) {
                o.put((String) members[i], b);
            } else if (members[i + 1] != null) {
                o.put((String) members[i], (String) members[i + 1]);
            }
        }
        return o;
    }

    // ------------------------------------------------------------------------------------------- responses

    static ObjectNode responses() {
        ObjectNode root = described("Server answers as an agent receives them: HTTP status and body, and the context the agent checks them in "
                + "(docs/protocol.md, section 8.2): the request it sent (enroll, or renew as agentId holding generationHeld, 0 while pending), "
                + "the time, the installer's issuer and organization, the agent's public key, the issuer keys it learned before (besides "
                + "keys.json's pinnedKeySet). outcome is enrolled, renewed, pending, denied (with its reason; an unknown reason reads as "
                + "unknown), malformed (the body breaks section 8, or does not answer the request sent) or bad_credential (a well-formed "
                + "answer whose credential fails the checks of section 8.2). On malformed and bad_credential the agent saves nothing.");
        ArrayNode v = root.putArray("vectors");
        Instant exp = NOW.plus(Duration.ofDays(30));
        String fp = AgentSigningKey.fingerprintOf(AGENT.publicKey);
        String credential = credential(new CredentialClaims(ISS, ORG, AGT, GRP, fp, 1, NOW, exp), ISSUER);
        EnrollmentResponse.Placement placement = new EnrollmentResponse.Placement(AGT, ORG, "Acme MSP", "Acme MSP / Berlin / Finance");
        KeyEndorsement endorsement = endorsement(ROTATED, ISSUER);
        String enrolled = enrolled(placement, credential, exp, 1, List.of(endorsement), List.of(PIN_A));
        ObjectNode enroll = context("enroll", 0, List.of());
        ObjectNode pendingAgent = context("renew", 0, List.of());
        ObjectNode atGeneration3 = context("renew", 3, List.of());
        response(v, "enrolled", "a first credential, an endorsed rotated key, one TLS pin", enroll, 200, enrolled, "enrolled", null);
        String renewed = renewed(placement, credential, exp, 1, List.of());
        response(v, "renewed", "a pending agent approved: generation 1", pendingAgent, 200, renewed, "renewed", null);
        String pending = new String(new EnrollmentResponse.Pending(placement).toJson(), StandardCharsets.UTF_8);
        response(v, "pending", "waiting for approval", enroll, 202, pending, "pending", null);
        response(v, "denied-key-disabled", "the access key is disabled", enroll, 403, new String(new EnrollmentResponse.Denied(DenialCode.KEY_DISABLED,
                "this installer's access key is disabled").toJson(), StandardCharsets.UTF_8), "denied", "key_disabled");
        response(v, "denied-throttled", "too many failures: retry after 900 s", enroll, 429, new String(new EnrollmentResponse.Denied(
                DenialCode.THROTTLED, "too many failed attempts; try again later", Optional.of(Duration.ofSeconds(900))).toJson(),
                StandardCharsets.UTF_8), "denied", "throttled");
        response(v, "denied-agent-locked", "two copies of one identity renewed", atGeneration3, 403, new String(new EnrollmentResponse.Denied(
                DenialCode.AGENT_LOCKED, "this agent's identity was used from two computers (a clone); an administrator must unlock it")
                .toJson(), StandardCharsets.UTF_8), "denied", "agent_locked");
        response(v, "denied-agent-not-found", "the agent no longer exists: delete the identity and enroll again", atGeneration3, 403,
                new String(new EnrollmentResponse.Denied(DenialCode.AGENT_NOT_FOUND, "this agent is not enrolled; reinstall it").toJson(),
                        StandardCharsets.UTF_8), "denied", "agent_not_found");
        response(v, "denied-unknown-reason", "a reason from a newer server, with any 4xx or 5xx status", enroll, 409,
                "{\"v\":1,\"status\":\"denied\",\"reason\":\"some_future_reason\",\"message\":\"later\"}", "denied", "unknown");
        response(v, "status-disagrees", "enrolled, but HTTP 403", enroll, 403, enrolled, "malformed", null);
        response(v, "denied-status-disagrees", "key_disabled is 403, not 200", enroll, 200, new String(new EnrollmentResponse.Denied(
                DenialCode.KEY_DISABLED, "disabled").toJson(), StandardCharsets.UTF_8), "malformed", null);
        response(v, "unknown-member", "a member the protocol does not define", enroll, 200, enrolled.replace("{\"v\":1,", "{\"v\":1,\"debug\":1,"),
                "malformed", null);
        response(v, "duplicate-member", "status twice", enroll, 202, pending.replace("\"status\":\"pending\"",
                "\"status\":\"pending\",\"status\":\"pending\""), "malformed", null);
        response(v, "control-character", "a control character in a text the agent prints", enroll, 202, pending.replace("Finance",
                "Fin\\u001b[2Jance"), "malformed", null);
        response(v, "bidi-override", "a bidirectional override in a text the agent prints", enroll, 202, pending.replace("Finance",
                "Fin\\u202eance"), "malformed", null);
        response(v, "version-2", "a response of another protocol version", enroll, 202, pending.replace("{\"v\":1,", "{\"v\":2,"), "malformed", null);
        response(v, "generation-zero", "generation starts at 1", pendingAgent, 200, renewed.replace("\"generation\":1", "\"generation\":0"),
                "malformed", null);
        response(v, "retry-after-too-long", "retryAfter is at most 86400 s", enroll, 429, "{\"v\":1,\"status\":\"denied\",\"reason\":\"throttled\","
                + "\"message\":\"later\",\"retryAfter\":86401}", "malformed", null);
        response(v, "unknown-status", "status is enrolled, renewed, pending or denied", enroll, 200, pending.replace("\"pending\"", "\"ok\""),
                "malformed", null);
        contextChecks(v, placement, fp, exp);
        return root;
    }

    /** Answers that parse, checked against what the agent sent and holds (section 8.2). */
    private static void contextChecks(ArrayNode v, EnrollmentResponse.Placement placement, String fp, Instant exp) {
        ObjectNode enroll = context("enroll", 0, List.of());
        ObjectNode atGeneration3 = context("renew", 3, List.of());
        String gen4 = credential(new CredentialClaims(ISS, ORG, AGT, GRP, fp, 4, NOW, exp), ISSUER);
        response(v, "renewed-next-generation", "generation 4 for an agent holding 3", atGeneration3, 200, renewed(placement, gen4, exp, 4, List.of()),
                "renewed", null);
        Instant longAgo = NOW.minus(java.time.Duration.ofDays(30));
        Instant expiredAt = longAgo.plus(java.time.Duration.ofDays(1));
        response(v, "renewed-expired-resend", "a resent renewal answered with the credential its first sending got, expired since: accepted,"
                + " and due at once (sections 7, 8.2)", atGeneration3, 200, renewed(placement, credential(new CredentialClaims(ISS, ORG, AGT, GRP,
                        fp, 4, longAgo, expiredAt), ISSUER), expiredAt, 4, List.of()), "renewed", null);
        response(v, "renewed-not-newer", "generation 3 for an agent holding 3", atGeneration3, 200,
                renewed(placement, credential(new CredentialClaims(ISS, ORG, AGT, GRP, fp, 3, NOW, exp), ISSUER), exp, 3, List.of()),
                "bad_credential", null);
        response(v, "renewed-another-agent", "the placement names another agent than the one renewing", atGeneration3, 200,
                renewed(new EnrollmentResponse.Placement(OTHER_AGT, ORG, "Acme MSP", "Acme MSP / Berlin / Finance"),
                        credential(new CredentialClaims(ISS, ORG, OTHER_AGT, GRP, fp, 4, NOW, exp), ISSUER), exp, 4, List.of()), "malformed", null);
        response(v, "enrolled-to-a-renewal", "enrolled answers an enrollment only", atGeneration3, 200,
                enrolled(placement, gen4, exp, 4, List.of(), List.of()), "malformed", null);
        String gen1 = credential(new CredentialClaims(ISS, ORG, AGT, GRP, fp, 1, NOW, exp), ISSUER);
        response(v, "renewed-to-an-enrollment", "renewed answers a renewal only", enroll, 200, renewed(placement, gen1, exp, 1, List.of()),
                "malformed", null);
        response(v, "pending-to-an-active-agent", "an agent that holds a credential is never pending again", atGeneration3, 202,
                new String(new EnrollmentResponse.Pending(placement).toJson(), StandardCharsets.UTF_8), "malformed", null);
        response(v, "enrolled-another-organization", "the placement names another organization than the installer", enroll, 200,
                enrolled(new EnrollmentResponse.Placement(AGT, OTHER_ORG, "Evil MSP", "Evil MSP"),
                        credential(new CredentialClaims(ISS, OTHER_ORG, AGT, GRP, fp, 1, NOW, exp), ISSUER), exp, 1, List.of(), List.of()),
                "malformed", null);
        response(v, "credential-another-organization", "the credential names another organization than the placement", enroll, 200,
                enrolled(placement, credential(new CredentialClaims(ISS, OTHER_ORG, AGT, GRP, fp, 1, NOW, exp), ISSUER), exp, 1, List.of(), List.of()),
                "bad_credential", null);
        response(v, "credential-another-issuer", "the credential names another issuer than the installer", enroll, 200,
                enrolled(placement, credential(new CredentialClaims("https://other.example", ORG, AGT, GRP, fp, 1, NOW, exp), ISSUER), exp, 1,
                        List.of(), List.of()), "bad_credential", null);
        response(v, "credential-another-agent", "the credential names another agent than the placement", enroll, 200,
                enrolled(placement, credential(new CredentialClaims(ISS, ORG, OTHER_AGT, GRP, fp, 1, NOW, exp), ISSUER), exp, 1, List.of(), List.of()),
                "bad_credential", null);
        response(v, "credential-another-key", "the credential names another agent key", enroll, 200,
                enrolled(placement, credential(new CredentialClaims(ISS, ORG, AGT, GRP, AgentSigningKey.fingerprintOf(ROTATED.publicKey), 1, NOW, exp),
                        ISSUER), exp, 1, List.of(), List.of()), "bad_credential", null);
        response(v, "credential-generation-disagrees", "the answer says generation 2, the credential 1", enroll, 200,
                enrolled(placement, gen1, exp, 2, List.of(), List.of()), "bad_credential", null);
        response(v, "credential-expiry-disagrees", "the answer's credentialExpiresAt is not the credential's exp", enroll, 200,
                enrolled(placement, gen1, exp.plusSeconds(1), 1, List.of(), List.of()), "bad_credential", null);
        response(v, "credential-expiry-other-form", "credentialExpiresAt names the credential's exp in another form: the same instant", enroll, 200,
                enrolled(placement, gen1, exp, 1, List.of(), List.of()).replace("\"credentialExpiresAt\":\"" + exp + "\"",
                        "\"credentialExpiresAt\":\"2026-07-01T02:00:00+02:00\""), "enrolled", null);
        String tokenPurpose = sign(payloadOf(gen1), "{\"kid\":\"" + ISSUER.kid() + "\"}", TOKEN_PURPOSE, ISSUER);
        response(v, "credential-token-purpose", "signed by the pinned key as an enrollment token, not as a credential", enroll, 200,
                enrolled(placement, tokenPurpose, exp, 1, List.of(), List.of()), "bad_credential", null);
        String byRotated = credential(new CredentialClaims(ISS, ORG, AGT, GRP, fp, 1, NOW, exp), ROTATED);
        response(v, "rotated-key-endorsed", "signed by issuer 2, which the pinned issuer 1 endorses in the answer", enroll, 200,
                enrolled(placement, byRotated, exp, 1, List.of(endorsement(ROTATED, ISSUER)), List.of()), "enrolled", null);
        response(v, "rotated-key-unendorsed", "signed by issuer 2, which nothing the agent trusts endorses", enroll, 200,
                enrolled(placement, byRotated, exp, 1, List.of(), List.of()), "bad_credential", null);
        response(v, "rotated-key-untrusted-endorser", "issuer 2 endorsed by the agent key: an endorser must already be trusted", enroll, 200,
                enrolled(placement, byRotated, exp, 1, List.of(endorsement(ROTATED, AGENT)), List.of()), "bad_credential", null);
        response(v, "rotated-key-self-endorsed", "an endorsement whose endorsedBy is its own kid breaks section 8.2", enroll, 200,
                enrolled(placement, byRotated, exp, 1, List.of(endorsement(ROTATED, ISSUER)), List.of()).replace("\"endorsedBy\":\"" + ISSUER.kid(),
                        "\"endorsedBy\":\"" + ROTATED.kid()), "malformed", null);
        String gen4ByRotated = credential(new CredentialClaims(ISS, ORG, AGT, GRP, fp, 4, NOW, exp), ROTATED);
        response(v, "rotated-key-learned", "signed by issuer 2, which the agent learned from an earlier answer", context("renew", 3,
                List.of(ROTATED)), 200, renewed(placement, gen4ByRotated, exp, 4, List.of()), "renewed", null);
    }

    static final String OTHER_AGT = "agt_Rf5Gh2Jk8Lm1Np4Qs7TvXw";
    static final String OTHER_ORG = "org_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Q";

    /** What the agent sent and holds when it reads an answer. */
    private static ObjectNode context(String request, int generationHeld, List<Key> learned) {
        ObjectNode c = JSON.createObjectNode();
        c.put("request", request);
        c.put("now", NOW.toString());
        c.put("issuer", ISS);
        c.put("organizationId", ORG);
        c.put("agentPublicKey", b64(AGENT.publicKey));
        if (request.equals("renew")) {
            c.put("agentId", AGT);
            c.put("generationHeld", generationHeld);
        }
        ArrayNode keys = c.putArray("learnedKeys");
        learned.forEach(k -> keys.addObject().put("kid", k.kid()).put("x", b64(k.publicKey)));
        return c;
    }

    static String credential(CredentialClaims claims, Key signer) {
        return CredentialCodec.encode(claims, signer.kid(), signer::sign);
    }

    /** The claims JSON of a PASETO: its payload without the signature. */
    private static String payloadOf(String paseto) {
        byte[] body = Base64.getUrlDecoder().decode(paseto.split("\\.")[2]);
        return new String(body, 0, body.length - 64, StandardCharsets.UTF_8);
    }

    private static KeyEndorsement endorsement(Key endorsed, Key by) {
        return KeyEndorsement.of(SigningPublicKey.of(endorsed.publicKey), by.kid(), by.sign(KeyEndorsement.signedBytes(SigningPublicKey.of(
                endorsed.publicKey))));
    }

    private static String enrolled(EnrollmentResponse.Placement p, String credential, Instant exp, long generation, List<KeyEndorsement> keys,
            List<String> pins) {
        return new String(new EnrollmentResponse.Enrolled(p, AgentCredential.of(credential), exp, generation, keys, pins).toJson(),
                StandardCharsets.UTF_8);
    }

    private static String renewed(EnrollmentResponse.Placement p, String credential, Instant exp, long generation, List<KeyEndorsement> keys) {
        return new String(new EnrollmentResponse.Renewed(p, AgentCredential.of(credential), exp, generation, keys, List.of()).toJson(),
                StandardCharsets.UTF_8);
    }

    private static void response(ArrayNode v, String name, String what, ObjectNode context, int status, String body, String outcome, String reason) {
        vector(v, "name", name, "description", what, "httpStatus", status, "body", body, "outcome", outcome, "reason", reason).set("context", context);
    }

    // ------------------------------------------------------------------------------------- renewal timing

    static ObjectNode renewalTiming() {
        ObjectNode root = described("When an agent renews (docs/protocol.md, section 10): due = iat + lifetime*2/3 - lifetime/10*u in whole "
                + "milliseconds, lifetime = exp - iat in milliseconds, 2/3 of it rounded down, the jitter lifetime/10*u computed in IEEE double "
                + "and rounded toward zero, u = (first 8 bytes of SHA-256(agentId \":\" generation), big-endian, >> 11) / 2^53. The agent is due "
                + "when now is not before dueAt. A pending agent, and one whose renewal awaits its answer, is always due.");
        ArrayNode v = root.putArray("vectors");
        Instant iat = Instant.parse("2026-06-01T00:00:00Z");
        for (Object[] c : new Object[][] {{"24h", AGT, 1L, Duration.ofHours(24)}, {"24h-generation-2", AGT, 2L, Duration.ofHours(24)},
                {"30d", AGT, 7L, Duration.ofDays(30)}, {"1h", OTHER_AGT, 1L, Duration.ofHours(1)}, {"90s", OTHER_AGT, 3L, Duration.ofSeconds(90)},
                {"odd-millis", OTHER_AGT, 12L, Duration.ofMillis(86_400_001)}}) {
            String agent = (String) c[1];
            long generation = (Long) c[2];
            Instant exp = iat.plus((Duration) c[3]);
            Instant due = dueAt(agent, generation, iat, exp);
            due(v, c[0] + "-just-before", agent, "active", generation, iat, exp, due.minusMillis(1), due, false);
            due(v, c[0] + "-at", agent, "active", generation, iat, exp, due, due, true);
        }
        due(v, "expired", AGT, "active", 5, iat, iat.plus(Duration.ofHours(24)), iat.plus(Duration.ofDays(2)),
                dueAt(AGT, 5, iat, iat.plus(Duration.ofHours(24))), true);
        due(v, "pending", AGT, "pending", 0, null, null, iat, null, true);
        due(v, "renewal-unanswered", AGT, "active", 1, iat, iat.plus(Duration.ofHours(24)), iat.plusSeconds(1), null, true)
                .put("renewalUnanswered", true);
        return root;
    }

    /** The rule of section 10, written here from the text. */
    static Instant dueAt(String agentId, long generation, Instant iat, Instant exp) {
        long life = Duration.between(iat, exp).toMillis();
        long bits = ByteBuffer.wrap(sha256(agentId + ":" + generation)).getLong();
        double u = (bits >>> 11) / Math.pow(2, 53);
        return iat.plusMillis(life * 2 / 3 - (long) (life / 10.0 * u));
    }

    private static ObjectNode due(ArrayNode v, String name, String agent, String status, long generation, Instant iat, Instant exp, Instant now,
            Instant dueAt, boolean due) {
        return vector(v, "name", name, "agentId", agent, "status", status, "generation", (int) generation, "credentialIssuedAt",
                iat == null ? null : iat.toString(), "credentialExpiresAt", exp == null ? null : exp.toString(), "now", now.toString(), "dueAt",
                dueAt == null ? null : dueAt.toString(), "due", due);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static byte[] write(ObjectNode node) throws Exception {
        return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sha256(String label) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String b64(byte[] b, int length) {
        return b64(Arrays.copyOf(b, length));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Writes the files (the regeneration entry point). */
    static void writeAll() throws Exception {
        Files.createDirectories(DIR);
        for (Map.Entry<String, byte[]> f : files().entrySet()) {
            Files.write(DIR.resolve(f.getKey()), f.getValue());
        }
    }
}
