package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentAttestation;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recovery for a replaced or cleared TPM goes through approval, never silently (issue 25, item 4). A TPM-attested
 * enrollment whose machine fingerprint is that of an agent the organization still holds (not disabled) whose recorded
 * attestation names another endorsement key, or that enrolled without attestation, waits for approval: whatever the
 * group says of approval and of {@code attestedSkipsApproval}. The store reads those agents inside the enrollment's
 * transaction ({@link EnrollmentFacts#sameMachine()}), so the rule is judged on what the step commits against, on
 * every path that enrolls.
 *
 * @param previous the machine's agent whose TPM differs
 * @param previousEndorsementKey its recorded EK's SHA-256, empty when it enrolled without attestation
 * @param endorsementKey the SHA-256 of the EK the new enrollment proved
 */
record TpmReplacement(Agent previous, Optional<String> previousEndorsementKey, String endorsementKey) {
    /** The audit attribute that names a replaced TPM. */
    static final String AUDIT_KEY = "tpmReplaced";

    /**
     * The machine's first agent (oldest enrollment first) with another TPM than the one just proved.
     *
     * @param sameMachine the organization's agents of the request's machine fingerprint, as the store read them
     * @param attested what the enrollment's attestation proved, or null when it carries none (the rule is then silent)
     * @return the replacement, or empty when every agent of the machine has the same TPM (or there is none)
     */
    static Optional<TpmReplacement> of(List<Agent> sameMachine, Attestations.@org.jspecify.annotations.Nullable Attested attested) {
        if (attested == null) {
            return Optional.empty();
        }
        String ek = attested.endorsementKeySha256();
        return sameMachine.stream().filter(a -> a.status() != AgentStatus.DISABLED)
                .filter(a -> a.attestation().map(AgentAttestation::endorsementKeySha256).filter(ek::equals).isEmpty()).findFirst()
                .map(a -> new TpmReplacement(a, a.attestation().map(AgentAttestation::endorsementKeySha256), ek));
    }

    /**
     * The event with the reason among its new values: the earlier agent, its EK hash (or {@code none}) and the new
     * one. Hashes and ids only; never a secret.
     *
     * @param event the enrollment's event
     * @return the event with {@value #AUDIT_KEY}
     */
    AuditEvent audited(AuditEvent event) {
        Map<String, String> after = new LinkedHashMap<>(event.after());
        after.put(AUDIT_KEY, "agent " + previous.id().value() + " of the same machine has EK " + previousEndorsementKey.orElse("none")
                + ", this enrollment EK " + endorsementKey + ": held for approval");
        return AuditEvent.of(event.at(), event.organizationId(), event.actor(), event.action(), event.subject(), event.before(), after);
    }
}
