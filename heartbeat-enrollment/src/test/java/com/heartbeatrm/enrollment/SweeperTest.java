package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.StaleAgentPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The retention sweeper on the in-memory store, through the server facade, with a clock the test moves. */
class SweeperTest {
    private static final InetAddress SITE = Agents.ip("203.0.113.7");

    private static Agent enroll(Fixture f, AccessKey key, Agents pc) {
        IssuedToken token = f.installers.issueToken(f.alice, f.acme.id(), key.id(), InstallerRequest.DEFAULTS);
        return ((EnrollmentResult.Enrolled) pc.keep(f.server.enroll(pc.enrollBody(token.token(), f.clock), f.server.contextFor(SITE)))).agent();
    }

    private static List<AuditRecord> audit(Fixture f) {
        List<AuditRecord> all = new ArrayList<>();
        AuditQuery q = AuditQuery.all(f.acme.id());
        Page<AuditRecord> page;
        do {
            page = f.admin.audit().query(q);
            all.addAll(page.items());
            q = q.withPage(q.page().next(page));
        } while (page.hasNext());
        return all;
    }

    @Test
    @DisplayName("inherited rules: an ephemeral agent goes after its hours offline, a stale one is disabled once, a renewed one stays")
    void staleAndEphemeral() {
        Fixture f = new Fixture();
        Group root = f.acme.rootGroup();
        f.admin.groups().setOverride(f.alice, f.acme.id(), root.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofDays(60));
        f.admin.groups().setOverride(f.alice, f.acme.id(), root.id(), SecuritySetting.STALE_AGENTS, StaleAgentPolicy.disableAfter(Duration.ofDays(30)));
        Group vdi = f.admin.groups().create(f.alice, f.acme.id(), f.customerA.id(), "VDI pool");
        f.admin.groups().setOverride(f.alice, f.acme.id(), vdi.id(), SecuritySetting.EPHEMERAL_AGENTS, StaleAgentPolicy.removeAfter(Duration.ofHours(8)));
        AccessKey vdiKey = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("vdi", vdi.id()).build());

        Agents laptop = Agents.windows("laptop");
        Agent renews = enroll(f, f.keyA, laptop);
        Agent idle = enroll(f, f.keyA, Agents.windows("idle"));
        Agent desktop = enroll(f, vdiKey, Agents.windows("vdi-01"));
        assertThat(f.admin.groups().effectiveSettings(f.acme.id(), vdi.id()).staleAgents()).isEqualTo(StaleAgentPolicy.disableAfter(Duration.ofDays(30)));

        f.clock.advance(Duration.ofHours(7));
        assertThat(f.server.sweep()).isEqualTo(new SweepReport(0, 0, 0, 0, 0, true));
        f.clock.advance(Duration.ofHours(1));
        assertThat(f.server.sweep()).isEqualTo(new SweepReport(0, 1, 0, 0, 0, true));
        assertThat(f.admin.agents().find(f.acme.id(), desktop.id())).isEmpty();

        f.clock.advance(Duration.ofDays(20));
        assertThat(laptop.keep(f.server.renew(laptop.renewBody(renews, f.clock), f.server.contextFor(SITE)))).isInstanceOf(RenewalResult.Renewed.class);
        f.clock.advance(Duration.ofDays(10));
        assertThat(f.server.sweep()).isEqualTo(new SweepReport(1, 0, 0, 0, 0, true));
        assertThat(f.server.sweep()).isEqualTo(new SweepReport(0, 0, 0, 0, 0, true));
        assertThat(f.admin.agents().find(f.acme.id(), idle.id()).orElseThrow().status()).isEqualTo(AgentStatus.DISABLED);
        assertThat(f.admin.agents().find(f.acme.id(), renews.id()).orElseThrow().status()).isEqualTo(AgentStatus.ACTIVE);

        List<AuditRecord> swept = audit(f).stream().filter(r -> r.event().actor().name().equals("system")
                && (r.event().action() == AuditAction.AGENT_DELETED || r.event().action() == AuditAction.AGENT_STATUS_CHANGED)).toList();
        assertThat(swept).hasSize(2);
        assertThat(swept.get(0).event().subject().id()).isEqualTo(desktop.id().value());
        assertThat(swept.get(0).event().after()).containsEntry("rule", "ephemeralAgents").containsEntry("setting", "8h");
        assertThat(swept.get(1).event().subject().id()).isEqualTo(idle.id().value());
        assertThat(swept.get(1).event().after()).containsEntry("status", "DISABLED").containsEntry("rule", "staleAgents")
                .containsEntry("setting", "disable:30d");
    }

    @Test
    @DisplayName("a sweep stops at its work limit and the next resumes there, until all are done")
    void boundedWorkResumes() {
        Fixture f = new Fixture(RetentionPolicy.builder().batchSize(2).maxWorkPerRun(5).build());
        f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.STALE_AGENTS,
                StaleAgentPolicy.removeAfter(Duration.ofDays(1)));
        for (int i = 0; i < 12; i++) {
            enroll(f, f.keyA, Agents.windows("pc-" + i));
            f.clock.advance(Duration.ofSeconds(1));
        }
        f.clock.advance(Duration.ofDays(2));
        List<SweepReport> reports = new ArrayList<>();
        SweepReport r;
        do {
            r = f.server.sweep();
            reports.add(r);
            assertThat(r.agentsRemoved()).isLessThanOrEqualTo(5);
        } while (!r.complete() && reports.size() < 20);
        assertThat(reports.stream().mapToInt(SweepReport::agentsRemoved).sum()).isEqualTo(12);
        assertThat(reports.size()).isGreaterThan(2);
        assertThat(f.admin.agents().listByGroup(f.acme.id(), f.customerA.id(), com.heartbeatrm.core.PageRequest.first(50)).items()).isEmpty();
    }

    @Test
    @DisplayName("records of installers past their grace and audit records past retention go; recent ones and the sweep's own records stay")
    void installersAndAudit() {
        Fixture f = new Fixture(RetentionPolicy.builder().auditRetention(Duration.ofDays(2)).installerGrace(Duration.ofHours(1)).build());
        InstallerRecord expiring = f.installers.issueToken(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.builder().expiresIn(Duration.ofHours(2))
                .build()).record();
        InstallerRecord revoked = f.issue().record();
        InstallerRecord kept = f.issue().record();
        f.installers.revoke(f.alice, f.acme.id(), revoked.id(), "sent to the wrong customer");
        Instant setUpDone = f.clock.instant();

        f.clock.advance(Duration.ofHours(2));
        assertThat(f.server.sweep().installersRemoved()).isEqualTo(1);
        f.clock.advance(Duration.ofHours(2));
        assertThat(f.server.sweep().installersRemoved()).isEqualTo(1);
        assertThat(f.installers.find(f.acme.id(), expiring.id())).isEmpty();
        assertThat(f.installers.find(f.acme.id(), revoked.id())).isEmpty();
        assertThat(f.installers.find(f.acme.id(), kept.id())).isPresent();

        int before = audit(f).size();
        f.clock.advance(Duration.ofDays(2));
        SweepReport r = f.server.sweep();
        List<AuditRecord> left = audit(f);
        assertThat(r.auditRecordsDeleted()).isPositive().isEqualTo(before - left.size());
        assertThat(left).isNotEmpty().allMatch(x -> x.event().at().isAfter(setUpDone));
        assertThat(left).extracting(x -> x.event().action()).containsOnly(AuditAction.INSTALLER_DELETED);
    }

    @Test
    @DisplayName("background sweeps run on their own thread, which close() stops")
    void closeStopsTheSweeper() {
        long before = sweeperThreads();
        Fixture f = new Fixture(RetentionPolicy.builder().sweepEvery(Duration.ofHours(1)).build());
        assertThat(sweeperThreads()).isEqualTo(before + 1);
        f.server.close();
        assertThat(sweeperThreads()).isEqualTo(before);
        assertThat(new Fixture().server).satisfies(s -> {
            assertThat(sweeperThreads()).isEqualTo(before);
            s.close();
        });
    }

    private static long sweeperThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("heartbeat-retention-sweeper")).count();
    }
}
