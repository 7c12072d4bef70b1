package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pipelines' evidence fills in step by step: a step that reads what a later step fills in is a bug in the
 * pipeline's order, and fails loudly instead of passing null on (NullAway holds the steps to that).
 */
class EvidenceOrderTest {
    private static final RequestContext CTX = new RequestContext(InetAddress.getLoopbackAddress(), Instant.parse("2026-12-01T00:00:00Z"));

    @Test
    @DisplayName("an enrollment step that reads the facts before the store read them fails, naming what is missing")
    void enrollmentFactsBeforeTheStore() {
        EnrollmentPipeline.Evidence fresh = EnrollmentPipeline.Evidence.of(new byte[0], CTX);

        assertThatThrownBy(fresh::facts).isInstanceOf(IllegalStateException.class).hasMessageContaining("no facts yet");
        assertThatThrownBy(fresh::request).isInstanceOf(IllegalStateException.class).hasMessageContaining("no request yet");
        assertThatThrownBy(fresh::claims).isInstanceOf(IllegalStateException.class).hasMessageContaining("no token yet");
    }

    @Test
    @DisplayName("a renewal step that reads the agent before the identity step found it fails, naming what is missing")
    void renewalAgentBeforeIdentity() {
        RenewalPipeline.Evidence fresh = RenewalPipeline.Evidence.of(new byte[0], CTX);

        assertThatThrownBy(fresh::agent).isInstanceOf(IllegalStateException.class).hasMessageContaining("no agent yet");
        assertThatThrownBy(fresh::verdict).isInstanceOf(IllegalStateException.class).hasMessageContaining("no verdict yet");
    }

    @Test
    @DisplayName("what a step filled in is handed back as it is")
    void filledIsPassedThrough() {
        assertThat(Steps.filled("x", "request")).isEqualTo("x");
    }
}
