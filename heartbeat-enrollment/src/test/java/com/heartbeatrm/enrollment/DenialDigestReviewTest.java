package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Review of issue #22: what the aggregated refusal rows say, on the real server over the in-memory store. */
@DisplayName("issue #22 review: aggregated refusal audit")
class DenialDigestReviewTest {
    private final Fixture f = new Fixture();
    private final HeartbeatServer server = f.server;

    @Test
    @DisplayName("a 'repeats' row does not pin the first request's agent key on repeats sent with other agent keys")
    void repeatsRowNamesNoAgentKeyItDidNotSee() {
        IssuedToken t = f.issue();
        f.installers.revoke(f.alice, f.acme.id(), t.record().id(), "leaked");
        InetAddress from = Agents.ip("192.0.2.80");
        Agents first = Agents.windows("pc-a");
        Agents second = Agents.windows("pc-b");
        server.enroll(first.enrollBody(t.token(), f.clock), server.contextFor(from));
        server.enroll(second.enrollBody(t.token(), f.clock), server.contextFor(from));
        server.close();

        List<AuditRecord> rows = f.admin.audit().query(AuditQuery.all(f.acme.id())).items().stream()
                .filter(r -> r.event().action() == AuditAction.ENROLLMENT_DENIED).toList();
        AuditRecord repeats = rows.stream().filter(r -> "repeats".equals(r.event().after().get("aggregate"))).findFirst().orElseThrow();
        assertThat(repeats.event().after()).containsEntry("count", "1");
        assertThat(repeats.event().after().get("agentKeyFingerprint")).as("the one repeat was sent with pc-b's key, not pc-a's")
                .isNotEqualTo(first.keys.fingerprint());
    }
}
