package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.TextForms;
import java.time.Instant;
import java.util.Objects;

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
        check("iss", TextForms.isVisibleAscii(issuer, 200));
        check("org", TextForms.isId(organizationId, "org"));
        check("agt", TextForms.isId(agentId, "agt"));
        check("grp", TextForms.isId(groupId, "grp"));
        check("fp", TextForms.isLowerHex(publicKeyFingerprint, 64));
        if (generation < 1) {
            throw new IllegalArgumentException("gen: must be at least 1");
        }
        Objects.requireNonNull(issuedAt, "iat");
        Objects.requireNonNull(expiresAt, "exp");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp: must be after iat");
        }
    }

    private static void check(String claim, boolean wellFormed) {
        if (!wellFormed) {
            throw new IllegalArgumentException(claim + ": missing or malformed");
        }
    }
}
