package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Tenant isolation: an object of another organization reads like a missing one and cannot be referenced, through the admin API or the SPI. */
@DisplayName("tenant isolation")
public interface TenantIsolationContract extends StoreContract {
    /** Contract: a group, key, agent or audit record of one organization is invisible to another. */
    @Test
    @DisplayName("a group, key, agent or audit record of one organization is invisible to another")
    default void objectsOfOtherOrganizationsAreInvisible() {
        NewOrganization a = newOrg();
        NewOrganization b = newOrg();
        Group customer = admin().groups().create(ALICE, a.id(), a.rootGroup().id(), "Customer A");
        AccessKey key = admin().accessKeys().create(ALICE, a.id(), AccessKeySpec.builder("k", customer.id()).build());
        Agent agent = enrolledAgent(key);

        assertThat(admin().groups().find(b.id(), customer.id())).isEmpty();
        assertThat(store().groups().pathFromRoot(b.id(), customer.id())).isEmpty();
        assertThat(store().groups().children(b.id(), a.rootGroup().id())).isEmpty();
        assertThat(store().groups().subtree(b.id(), a.rootGroup().id())).isEmpty();
        assertThat(admin().groups().findByPath(b.id(), "Customer A")).isEmpty();
        assertThat(admin().accessKeys().find(b.id(), key.id())).isEmpty();
        assertThat(admin().agents().find(b.id(), agent.id())).isEmpty();
        assertThat(store().agents().findByPublicKeyFingerprint(b.id(), agent.publicKeyFingerprint())).isEmpty();
        assertThat(store().agents().listByKey(b.id(), key.id(), PageRequest.first(10)).items()).isEmpty();
        assertThat(auditOf(b.id())).noneMatch(r -> r.event().subject().id().equals(customer.id().value()));
    }

    /** Contract: nothing can reference across organizations. */
    @Test
    @DisplayName("nothing can reference across organizations")
    default void crossOrganizationReferencesRefused() {
        NewOrganization a = newOrg();
        NewOrganization b = newOrg();
        Group inA = admin().groups().create(ALICE, a.id(), a.rootGroup().id(), "Customer A");
        Group inB = admin().groups().create(ALICE, b.id(), b.rootGroup().id(), "Customer B");

        assertThatThrownBy(() -> admin().groups().create(ALICE, b.id(), inA.id(), "x")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin().groups().move(ALICE, b.id(), inB.id(), inA.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin().accessKeys().create(ALICE, b.id(), AccessKeySpec.builder("k", inA.id()).build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin().accessKeys().repoint(ALICE, b.id(), b.defaultKey().id(), inA.id()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin().accessKeys().disable(ALICE, b.id(), a.defaultKey().id(), "x"))
                .isInstanceOf(NotFoundException.class);
        // The SPI itself refuses too, not only the admin API.
        assertThatThrownBy(() -> store().groups().move(b.id(), inB.id(), inA.id(), 0, audit(b.id())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store().accessKeys().update(b.defaultKey().withGroup(inA.id()), 0, audit(b.id())))
                .isInstanceOf(NotFoundException.class);
        AccessKey keyOfA = a.defaultKey();
        // An enrollment in b naming a's key: the store reads no key, and refuses an admission at commit anyway.
        EnrollmentAttempt cross = new EnrollmentAttempt(b.id(), InstallerId.random(), keyOfA.id(), randomSigningKeyId(), randomFingerprint(),
                newNonce(), clock().instant().plusSeconds(301), clock().instant(), Optional.empty());
        assertThat(store().agents().enrollmentFacts(cross).key()).isEmpty();
        Agent foreign = new Agent(AgentId.random(), b.id(), b.rootGroup().id(), AgentStatus.ACTIVE, clock().instant(),
                keyOfA.id(), Optional.of(cross.installer()), "h", Platform.LINUX, cross.agentFingerprint(), clock().instant(), 1, Optional.of(clock().instant()),
                Optional.of(clock().instant().plusSeconds(86400)), 0);
        EnrollmentCommit r = store().agents().enroll(cross, f -> new EnrollmentVerdict.Admit(foreign, audit(b.id())));
        assertThat(r).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_NOT_FOUND));
        assertThat(admin().accessKeys().require(a.id(), keyOfA.id()).useCount()).isZero();
        assertThat(admin().groups().require(b.id(), inB.id()).parentId()).contains(b.rootGroup().id());
    }

    private AuditEvent audit(OrganizationId org) {
        return AuditEvent.of(clock().instant(), org, ALICE, AuditAction.GROUP_MOVED, Subject.of(org), Map.of(), Map.of());
    }
}
