package com.heartbeatrm.agent;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an enrollment token says, validated on construction. None of it is secret: the access key id is a
 * public id, and the token's power comes from its signature.
 *
 * @param formatVersion  the claims format; {@value #FORMAT_VERSION} today
 * @param issuer         the deployment that signed the token
 * @param tokenId        unique per token; it is the installer id
 * @param endpoints      enrollment URLs the agent may contact (http or https), 1 to 8
 * @param tlsPins        optional SHA-256 pins of the endpoints' TLS public keys (SPKI), base64url
 * @param platform       optional: {@code windows}, {@code macos} or {@code linux}
 */
public record EnrollmentClaims(int formatVersion, String issuer, String organizationId, String accessKeyId, String tokenId,
        Instant issuedAt, Optional<Instant> expiresAt, List<URI> endpoints, List<String> tlsPins, Optional<String> platform) {
    public static final int FORMAT_VERSION = 1;
    public static final int MAX_ENDPOINTS = 8;
    public static final int MAX_PINS = 8;
    private static final Pattern ORG = Pattern.compile("org_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern KEY = Pattern.compile("hbk_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern TOKEN = Pattern.compile("ins_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern PIN = Pattern.compile("[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]");
    private static final Pattern ISSUER = Pattern.compile("[\\x21-\\x7e]{1,200}");

    public EnrollmentClaims {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported claims format " + formatVersion);
        }
        check("iss", issuer, ISSUER);
        check("org", organizationId, ORG);
        check("key", accessKeyId, KEY);
        check("jti", tokenId, TOKEN);
        Objects.requireNonNull(issuedAt, "iat");
        Objects.requireNonNull(expiresAt, "exp");
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp must be after iat");
        }
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty() || endpoints.size() > MAX_ENDPOINTS) {
            throw new IllegalArgumentException("endpoints: 1 to " + MAX_ENDPOINTS + " URLs");
        }
        for (URI u : endpoints) {
            checkEndpoint(u);
        }
        tlsPins = List.copyOf(tlsPins);
        if (tlsPins.size() > MAX_PINS) {
            throw new IllegalArgumentException("pins: at most " + MAX_PINS);
        }
        for (String pin : tlsPins) {
            check("pins", pin, PIN);
        }
        Objects.requireNonNull(platform, "platform");
        platform = platform.map(p -> p.toLowerCase(Locale.ROOT));
        if (platform.isPresent() && !List.of("windows", "macos", "linux").contains(platform.get())) {
            throw new IllegalArgumentException("platform must be windows, macos or linux");
        }
    }

    /** Checks an enrollment endpoint: an absolute http or https URL with a host, no user info, no fragment. */
    public static URI checkEndpoint(URI u) {
        if (u == null || !u.isAbsolute() || u.isOpaque() || u.getHost() == null || u.getRawUserInfo() != null
                || u.getRawFragment() != null || u.toString().length() > 2048
                || !(u.getScheme().equalsIgnoreCase("https") || u.getScheme().equalsIgnoreCase("http"))) {
            throw new IllegalArgumentException("endpoints: each must be an absolute http(s) URL with a host, no user info or fragment");
        }
        return u;
    }

    private static void check(String claim, String value, Pattern pattern) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(claim + ": missing or malformed");
        }
    }
}
