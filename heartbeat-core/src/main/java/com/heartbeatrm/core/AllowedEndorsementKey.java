package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.Sha256Hex;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A TPM endorsement key the organization trusts by itself, with no certificate: for TPMs that have no endorsement
 * key certificate or whose manufacturer CA the organization does not trust.
 *
 * @param sha256  SHA-256 of the endorsement key's SubjectPublicKeyInfo DER, lower-case hex
 * @param label   what the admin calls it (e.g. the machine's asset tag): up to {@link #MAX_LABEL_LENGTH} characters, no
 *                control characters; may be empty
 * @param addedAt when it was allow-listed
 * @param addedBy who allow-listed it
 */
public record AllowedEndorsementKey(String sha256, String label, Instant addedAt, Actor addedBy) {
    /** The longest label, in characters. */
    public static final int MAX_LABEL_LENGTH = 100;

    /**
     * Validates the components; the label is trimmed.
     *
     * @param sha256  SHA-256 of the endorsement key's SubjectPublicKeyInfo DER, lower-case hex
     * @param label   what the admin calls it; may be empty
     * @param addedAt when it was allow-listed
     * @param addedBy who allow-listed it
     * @throws InvalidInputException when the hash is not 64 lower-case hex characters or the label is too long or holds
     *                               a control character
     */
    public AllowedEndorsementKey {
        Sha256Hex.check("sha256", sha256);
        Objects.requireNonNull(label, "label");
        label = label.isBlank() ? "" : com.heartbeatrm.core.internal.TextRules.name("label", label, MAX_LABEL_LENGTH, "");
        Timestamps.check("addedAt", addedAt);
        Objects.requireNonNull(addedBy, "addedBy");
    }

    /**
     * The text form the allow-list keeps of an endorsement key: SHA-256 of its SubjectPublicKeyInfo DER, lower-case hex.
     *
     * @param endorsementKey the TPM's endorsement public key (RSA or EC)
     * @return 64 lower-case hex characters
     */
    public static String sha256Of(PublicKey endorsementKey) {
        return Sha256Hex.of(endorsementKey.getEncoded());
    }

    /**
     * A SHA-256 as an operator types it (either case, optionally colon-separated pairs as openssl prints them), in the
     * canonical lower-case form.
     *
     * @param typed the fingerprint as typed
     * @return 64 lower-case hex characters
     * @throws InvalidInputException when it is not a SHA-256 in hex
     */
    public static String normalize(String typed) {
        return Sha256Hex.normalize("sha256", typed);
    }
}
