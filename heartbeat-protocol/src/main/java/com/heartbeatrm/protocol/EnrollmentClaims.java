package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.TextForms;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What an enrollment token says, validated on construction. None of it is secret: the access key id is a
 * public id, and the token's power comes from its signature.
 *
 * @param formatVersion  the claims format; {@value #FORMAT_VERSION} today (claim {@code ver})
 * @param issuer         the deployment that signed the token (claim {@code iss})
 * @param installerId    unique per token: the id of the installer that carries it (claim {@code jti})
 * @param endpoints      the enrollment service's base URLs, tried in order, 1 to 8 (claim {@code endpoints}); the
 *                       protocol's paths are resolved against them ({@link EnrollmentProtocol#enrollUri})
 * @param tlsPins        SHA-256 pins of the servers' TLS public keys (SPKI), base64url (claim {@code pins}); when
 *                       present, an agent talks only to a server whose key matches one of them
 * @param platform       optional: {@code windows}, {@code macos} or {@code linux}
 */
public record EnrollmentClaims(int formatVersion, String issuer, String organizationId, String accessKeyId, String installerId,
        Instant issuedAt, Optional<Instant> expiresAt, List<URI> endpoints, List<String> tlsPins, Optional<String> platform) {
    /**
     * The claims format. Version 2 made {@code endpoints} base URLs (version 1 named the enroll URL itself, so the
     * renewal URL had to be guessed); version 1 tokens are refused with {@link TokenException.Reason#UNSUPPORTED_VERSION}.
     */
    public static final int FORMAT_VERSION = 2;
    /** The most enrollment endpoints a token names. */
    public static final int MAX_ENDPOINTS = 8;
    /** The most TLS pins a token carries. */
    public static final int MAX_PINS = 8;
    /** The longest endpoint URL, in characters. */
    public static final int MAX_ENDPOINT_LENGTH = 2048;

    /**
     * Validates every claim; refuses a bad one with {@code IllegalArgumentException} naming it.
     *
     * @param formatVersion  the claims format, {@link #FORMAT_VERSION}
     * @param issuer         the issuing deployment
     * @param organizationId the organization enrolled into
     * @param accessKeyId    the access key the installer was made with
     * @param installerId    the installer's id ({@code jti})
     * @param issuedAt       when the token was signed
     * @param expiresAt      when it stops being accepted; empty for never
     * @param endpoints      1 to {@link #MAX_ENDPOINTS} enrollment URLs
     * @param tlsPins        at most {@link #MAX_PINS} well-formed TLS pins
     * @param platform       the only platform it may enroll; empty for any
     */
    public EnrollmentClaims {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("ver: unsupported claims format " + formatVersion);
        }
        check("iss", TextForms.isVisibleAscii(issuer, 200));
        check("org", TextForms.isId(organizationId, "org"));
        check("key", TextForms.isId(accessKeyId, "hbk"));
        check("jti", TextForms.isId(installerId, "ins"));
        Objects.requireNonNull(issuedAt, "iat");
        Objects.requireNonNull(expiresAt, "exp");
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp: must be after iat");
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
            if (!TlsPin.isWellFormed(pin)) {
                throw new IllegalArgumentException("pins: each is a SHA-256 digest in base64url (43 characters)");
            }
        }
        Objects.requireNonNull(platform, "platform");
        platform = platform.map(p -> p.toLowerCase(Locale.ROOT));
        if (platform.isPresent() && !List.of("windows", "macos", "linux").contains(platform.get())) {
            throw new IllegalArgumentException("platform: must be windows, macos or linux");
        }
    }

    /**
     * Checks an enrollment base URL: absolute {@code http} or {@code https}, with a host, a path that ends in
     * {@code /}, no user info, query or fragment, at most {@value #MAX_ENDPOINT_LENGTH} characters.
     *
     * @param u the URL
     * @return {@code u}
     * @throws IllegalArgumentException not such a URL
     */
    public static URI checkEndpoint(URI u) {
        if (u == null || !u.isAbsolute() || u.isOpaque() || u.getHost() == null || u.getRawUserInfo() != null
                || u.getRawFragment() != null || u.getRawQuery() != null || u.toString().length() > MAX_ENDPOINT_LENGTH
                || !(u.getScheme().equals("https") || u.getScheme().equals("http"))
                || u.getRawPath() == null || !u.getRawPath().endsWith("/")) {
            throw new IllegalArgumentException("endpoints: each must be an absolute http(s) base URL with a host and a path "
                    + "ending in '/', without user info, query or fragment");
        }
        return u;
    }

    private static void check(String claim, boolean wellFormed) {
        if (!wellFormed) {
            throw new IllegalArgumentException(claim + ": missing or malformed");
        }
    }
}
