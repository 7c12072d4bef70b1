package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.StaleAgentPolicy;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.RetentionPolicy;
import com.heartbeatrm.enrollment.SweepReport;
import com.heartbeatrm.testkit.MutableClock;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two server nodes (own store instances and pools) sweeping one PostgreSQL at the same moment, with small batches so
 * their work interleaves: each stale agent is retired once, with one audit record, and the nodes' reports add up.
 */
@DisplayName("two sweepers on one PostgreSQL")
class PostgresSweepTest {
    private static final Actor ALICE = Actor.of("alice");

    @Test
    @DisplayName("each stale agent is removed or disabled once, with one audit record, whichever node gets there first")
    void twoSweepersRetireOnce() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        RetentionPolicy small = RetentionPolicy.builder().batchSize(4).build();
        try (Databases.Fresh database = Databases.postgres(8);
                HikariDataSource poolB = Databases.pool(database.dataSource().getJdbcUrl(), Databases.PG_USER, 8)) {
            Node a = new Node(JdbcHeartbeatStore.create(database.dataSource()), clock, small);
            Node b = new Node(JdbcHeartbeatStore.create(poolB), clock, small);
            NewOrganization org = a.admin.organizations().setUp(ALICE, "Acme MSP");
            Group vdi = a.admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "VDI");
            Group office = a.admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Office");
            a.admin.groups().setOverride(ALICE, org.id(), vdi.id(), SecuritySetting.EPHEMERAL_AGENTS, StaleAgentPolicy.removeAfter(Duration.ofHours(8)));
            a.admin.groups().setOverride(ALICE, org.id(), office.id(), SecuritySetting.STALE_AGENTS, StaleAgentPolicy.disableAfter(Duration.ofDays(30)));
            List<AgentId> vdiAgents = enroll(a, org, vdi, 40);
            List<AgentId> officeAgents = enroll(a, org, office, 20);
            clock.advance(Duration.ofDays(31));

            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<SweepReport>> runs = new ArrayList<>();
            for (Node node : List.of(a, b, a, b)) {
                runs.add(pool.submit(() -> {
                    go.await();
                    return node.server.sweep();
                }));
            }
            go.countDown();
            List<SweepReport> reports = new ArrayList<>();
            for (Future<SweepReport> f : runs) {
                reports.add(f.get(120, TimeUnit.SECONDS));
            }
            pool.shutdown();

            assertThat(reports.stream().mapToInt(SweepReport::agentsRemoved).sum()).isEqualTo(40);
            assertThat(reports.stream().mapToInt(SweepReport::agentsDisabled).sum()).isEqualTo(20);
            for (AgentId id : vdiAgents) {
                assertThat(a.admin.agents().find(org.id(), id)).isEmpty();
            }
            for (AgentId id : officeAgents) {
                assertThat(b.admin.agents().find(org.id(), id).orElseThrow().status()).isEqualTo(AgentStatus.DISABLED);
            }
            List<AuditRecord> audit = a.audit(org.id());
            Map<String, Long> deleted = countBySubject(audit, AuditAction.AGENT_DELETED);
            Map<String, Long> disabled = countBySubject(audit, AuditAction.AGENT_STATUS_CHANGED);
            assertThat(deleted).hasSize(40).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(disabled).hasSize(20).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(a.server.sweep()).isEqualTo(new SweepReport(0, 0, 0, 0, 0, true));
        }
    }

    private static List<AgentId> enroll(Node node, NewOrganization org, Group group, int n) throws Exception {
        AccessKey key = node.admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder(group.name(), group.id()).build());
        EnrollmentToken token = node.token(ALICE, org.id(), key.id());
        List<AgentId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EnrollmentResult r = node.server.enroll(Node.request(token, group.name() + "-" + i), node.server.contextFor(InetAddress.getByName("198.51.100.7")));
            ids.add(((EnrollmentResult.Enrolled) r).agent().id());
        }
        return ids;
    }

    private static Map<String, Long> countBySubject(List<AuditRecord> audit, AuditAction action) {
        return audit.stream().filter(r -> r.event().action() == action && r.event().actor().equals(Actor.SYSTEM))
                .collect(Collectors.groupingBy(r -> r.event().subject().id(), Collectors.counting()));
    }

}
