package com.heartbeatrm.protocol;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an agent credential says: which agent (and which public key) of which organization and group, valid from
 * {@code issuedAt} until {@code expiresAt}, and its generation.
 *
 * @param generation counts the credentials issued to the agent: 1 at enrollment (or approval), one more at each
 *                   renewal. The server keeps each agent's current generation; a renewal that proves an older one
 *                   means a copy of the agent's identity is in use elsewhere (see {@code docs/protocol.md}).
 */
public record CredentialClaims(String issuer, String organizationId, String agentId, String groupId, String publicKeyFingerprint,
        long generation, Instant issuedAt, Instant expiresAt) {
    /** The credential claims format ({@code ver}). */
    public static final int FORMAT_VERSION = 2;
    private static final Pattern ISSUER = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Pattern ORG = Pattern.compile("org_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern AGT = Pattern.compile("agt_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern GRP = Pattern.compile("grp_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern FP = Pattern.compile("[0-9a-f]{64}");

    /**
     * Validates every claim; refuses a bad one with {@code IllegalArgumentException} naming it.
     *
     * @param issuer               the issuing deployment
     * @param organizationId       the agent's organization
     * @param agentId              the agent
     * @param groupId              the agent's group
     * @param publicKeyFingerprint the fingerprint of the agent key the credential binds
     * @param generation           1 for the first credential, one more at each renewal
     * @param issuedAt             when it was signed
     * @param expiresAt            when it stops being valid; after {@code issuedAt}
     */
    public CredentialClaims {
        check("iss", issuer, ISSUER);
        check("org", organizationId, ORG);
        check("agt", agentId, AGT);
        check("grp", groupId, GRP);
        check("fp", publicKeyFingerprint, FP);
        if (generation < 1) {
            throw new IllegalArgumentException("gen: must be at least 1");
        }
        Objects.requireNonNull(issuedAt, "iat");
        Objects.requireNonNull(expiresAt, "exp");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp: must be after iat");
        }
    }

    private static void check(String claim, String value, Pattern p) {
        if (value == null || !p.matcher(value).matches()) {
            throw new IllegalArgumentException(claim + ": missing or malformed");
        }
    }
}
