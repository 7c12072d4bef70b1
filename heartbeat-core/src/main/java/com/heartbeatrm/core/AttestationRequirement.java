package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.util.Locale;
import java.util.Objects;

/**
 * What a group requires of an enrolling agent's hardware ({@link SecuritySetting#ATTESTATION}).
 */
public enum AttestationRequirement {
    /** No attestation is required; an agent that sends one still has it verified, and refused when it does not hold. */
    NONE("none"),
    /** The agent must prove, by TPM 2.0 attestation, that its key lives in a TPM the organization trusts. */
    TPM("tpm");

    private final String text;

    AttestationRequirement(String text) {
        this.text = text;
    }

    /**
     * The text form, as settings are typed and stored.
     *
     * @return {@code none} or {@code tpm}
     */
    public String text() {
        return text;
    }

    /**
     * Parses the text form, ignoring case and surrounding spaces.
     *
     * @param text {@code none} or {@code tpm}
     * @return the requirement
     * @throws InvalidInputException for null or any other text
     */
    public static AttestationRequirement parse(String text) {
        String t = Objects.requireNonNullElse(text, "").strip().toLowerCase(Locale.ROOT);
        for (AttestationRequirement r : values()) {
            if (r.text.equals(t)) {
                return r;
            }
        }
        throw new InvalidInputException("attestation", "expected none or tpm but got " + TextRules.quoteForMessage(String.valueOf(text)));
    }

    @Override
    public String toString() {
        return text;
    }
}
