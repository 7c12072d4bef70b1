package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.SecuritySetting;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Review of issue #22 (one identity, one line of generations; replays get nothing new): the paths the change left
 * open, each on the real server over the in-memory store.
 */
@DisplayName("issue #22 review: identity line and replays")
class IdentityLineReviewTest {
    private static final InetAddress SITE = Agents.ip("203.0.113.7");
    private final Fixture f = new Fixture();
    private final HeartbeatServer server = f.server;

    private RequestContext ctx() {
        return server.contextFor(SITE);
    }

    @Test
    @DisplayName("a pending agent whose answer was lost, approved meanwhile, gets its agent back when it enrolls again")
    void approvedAgentThatNeverPolledRetriesItsEnrollment() {
        IssuedToken installer = f.issueRequiringApproval();
        Agents pc = Agents.windows("pc-001");
        Agent pending = ((Pending) server.enroll(pc.enrollBody(installer.token(), f.clock), ctx())).agent();
        // The "pending" answer never arrived; the agent kept its enrollment key (section 6). An admin approves the
        // agent from the pending list, and the agent, restarted, enrolls again with the same key.
        f.admin.agents().approve(f.alice, f.acme.id(), pending.id());
        f.clock.advance(Duration.ofMinutes(5));

        EnrollmentResult again = server.enroll(pc.enrollBody(installer.token(), f.clock), ctx());

        assertThat(again).isInstanceOfAny(EnrollmentResult.Enrolled.class, Pending.class);
        Agent answered = again instanceof EnrollmentResult.Enrolled e ? e.agent() : ((Pending) again).agent();
        assertThat(answered.id()).isEqualTo(pending.id());
        assertThat(f.admin.agents().require(f.acme.id(), pending.id()).status()).isEqualTo(AgentStatus.ACTIVE);
    }

    @Test
    @DisplayName("a captured enrollment replayed (same nonce) after its agent renewed is a replay: refused, nothing locked, no crash")
    void replayedEnrollmentOfARenewedAgent() {
        Agents pc = Agents.windows("pc-001");
        byte[] captured = pc.enrollBody(f.issue().token(), f.clock);
        Agent agent = ((EnrollmentResult.Enrolled) pc.keep(server.enroll(captured, ctx()))).agent();
        f.clock.advance(Duration.ofSeconds(30));
        assertThat(pc.keep(server.renew(pc.renewBody(agent, f.clock), ctx()))).isInstanceOf(RenewalResult.Renewed.class);
        f.clock.advance(Duration.ofSeconds(30));

        EnrollmentResult replayed = server.enroll(captured, server.contextFor(Agents.ip("198.51.100.66")));

        assertThat(EnrollmentPipelineTest.denial(replayed)).isEqualTo(DenialReason.REPLAYED);
        assertThat(f.admin.agents().require(f.acme.id(), agent.id()).status()).as("the agent's own old request locks nothing")
                .isEqualTo(AgentStatus.ACTIVE);
    }

    @Test
    @DisplayName("a renewal resent after the group's credential lifetime changed gets the expiry its first answer held")
    void resentRenewalAfterTheTtlChangedGetsTheSameExpiry() {
        Agents pc = Agents.windows("pc-001");
        Agent agent = ((EnrollmentResult.Enrolled) pc.keep(server.enroll(pc.enrollBody(f.issue().token(), f.clock), ctx()))).agent();
        f.clock.advance(Duration.ofHours(1));
        byte[] captured = pc.renewBody(agent, f.clock);
        RenewalResult.Renewed first = (RenewalResult.Renewed) server.renew(captured, ctx());
        f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofDays(30));
        f.clock.advance(Duration.ofDays(2));

        RenewalResult.Renewed replayed = (RenewalResult.Renewed) server.renew(captured, server.contextFor(Agents.ip("198.51.100.66")));

        assertThat(replayed.agent().credentialGeneration()).isEqualTo(first.agent().credentialGeneration());
        assertThat(replayed.credentialExpiresAt()).as("a captured renewal replayed later gets nothing new")
                .isEqualTo(first.credentialExpiresAt());
    }

    @Test
    @DisplayName("an enrollment retried after the group's credential lifetime changed gets the expiry its first answer held")
    void enrollmentRetryAfterTheTtlChangedGetsTheSameExpiry() {
        IssuedToken installer = f.issue();
        Agents pc = Agents.windows("pc-001");
        EnrollmentResult.Enrolled first = (EnrollmentResult.Enrolled) server.enroll(pc.enrollBody(installer.token(), f.clock), ctx());
        f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofDays(30));
        f.clock.advance(Duration.ofHours(2));

        EnrollmentResult.Enrolled again = (EnrollmentResult.Enrolled) server.enroll(pc.enrollBody(installer.token(), f.clock), ctx());

        assertThat(again.agent().id()).isEqualTo(first.agent().id());
        assertThat(again.credentialExpiresAt()).isEqualTo(first.credentialExpiresAt());
    }
}
