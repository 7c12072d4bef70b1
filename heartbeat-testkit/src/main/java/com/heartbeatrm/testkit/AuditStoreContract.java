package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Subject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The audit log: every change with actor, subject, before and after; filters; paging. */
@DisplayName("audit log")
public interface AuditStoreContract extends StoreContract {
    /**
     * Contract: every change is recorded with actor, subject, before and after; queries filter by subject and
     * time.
     */
    @Test
    @DisplayName("every change is recorded with actor, subject, before and after; queries filter by subject and time")
    default void recordsAndFilters() {
        NewOrganization org = newOrg();
        Instant t0 = clock().instant();
        Group a = group(org, "Customer A");
        clock().advance(Duration.ofMinutes(1));
        Instant t1 = clock().instant();
        admin().groups().rename(Actor.of("bob"), org.id(), a.id(), "Customer A Ltd");
        clock().advance(Duration.ofMinutes(1));
        admin().accessKeys().disable(ALICE, org.id(), org.defaultKey().id(), "rotation");

        List<AuditRecord> forA = admin().audit().query(AuditQuery.all(org.id()).forSubject(Subject.of(a.id()))).items();
        assertThat(forA).extracting(r -> r.event().action()).containsExactly(AuditAction.GROUP_CREATED, AuditAction.GROUP_RENAMED);
        AuditEvent rename = forA.get(1).event();
        assertThat(rename.actor()).isEqualTo(Actor.of("bob"));
        assertThat(rename.at()).isEqualTo(t1);
        assertThat(rename.before()).containsEntry("name", "Customer A");
        assertThat(rename.after()).containsEntry("name", "Customer A Ltd");
        assertThat(forA.get(0).sequence()).isLessThan(forA.get(1).sequence());

        List<AuditRecord> window = admin().audit().query(AuditQuery.all(org.id()).between(t1, t1.plusSeconds(1))).items();
        assertThat(window).singleElement().satisfies(r -> assertThat(r.event().action()).isEqualTo(AuditAction.GROUP_RENAMED));
        List<AuditRecord> sinceStart = admin().audit().query(AuditQuery.all(org.id()).between(t0, t0.plusSeconds(3600))).items();
        assertThat(sinceStart).extracting(r -> r.event().action()).containsSubsequence(AuditAction.GROUP_CREATED,
                AuditAction.GROUP_RENAMED, AuditAction.KEY_DISABLED);
    }

    /** Contract: pages through the log in sequence order. */
    @Test
    @DisplayName("pages through the log in sequence order")
    default void paging() {
        NewOrganization org = newOrg();
        for (int i = 0; i < 9; i++) {
            admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "g" + i);
        }
        List<Long> sequences = new ArrayList<>();
        AuditQuery q = AuditQuery.all(org.id()).withPage(PageRequest.first(4));
        Page<AuditRecord> page;
        do {
            page = admin().audit().query(q);
            assertThat(page.items().size()).isLessThanOrEqualTo(4);
            page.items().forEach(r -> sequences.add(r.sequence()));
            q = q.withPage(q.page().next(page));
        } while (page.hasNext());
        assertThat(sequences).hasSize(12).isSorted().doesNotHaveDuplicates();
    }
}
