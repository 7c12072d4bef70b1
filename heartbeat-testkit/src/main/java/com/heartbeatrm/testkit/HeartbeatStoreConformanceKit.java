package com.heartbeatrm.testkit;

import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.spi.HeartbeatStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit for {@link HeartbeatStore} implementations: every store contract of the SPI, each run against
 * your store. Extend it in your test sources and return a new, empty store from {@link #newStore()}:
 *
 * <pre>{@code
 * class MyStoreConformanceTest extends HeartbeatStoreConformanceKit {
 *     protected HeartbeatStore newStore() { return new MyStore(freshDatabase()); }
 * }
 * }</pre>
 *
 * Each contract is an interface of its own ({@link GroupStoreContract}, {@link EnrollmentStepContract},
 * {@link ThrottleStoreContract}, ...); to run only some of them, extend {@link StoreFixture} and implement those.
 * The tests go through {@link HeartbeatAdmin}, as a host application would, and through the SPI directly where the
 * contract is the SPI's own (the enrollment and renewal steps, throttling). Time comes from a {@link MutableClock};
 * nothing sleeps. The kit depends on the core module only.
 *
 * <p>Every contract's tests are methods of your test class, not of nested classes of the kit: a test report (Surefire's
 * XML, an IDE, a CI summary) files each result under your class, so the reports of two stores never overwrite each
 * other and a failure names the store that failed.
 */
public abstract class HeartbeatStoreConformanceKit extends StoreFixture implements OrganizationStoreContract, TenantIsolationContract,
        GroupStoreContract, GroupSettingsContract, AccessKeyStoreContract, EnrollmentStepContract, RenewalStepContract, AgentStoreContract,
        AuditStoreContract, InstallerStoreContract, SigningKeyStoreContract, ThrottleStoreContract, ConcurrencyContract, RetentionContract,
        AttestationTrustContract {
    /** For subclasses: one per store implementation under test. */
    protected HeartbeatStoreConformanceKit() {
    }

    /** Two contracts name a test alike; both run, each on its own organization of the same fresh store. */
    @Test
    @DisplayName("an edit of a group or a key against a stale version is refused; enrollments do not make key edits stale")
    @Override
    public void optimisticVersions() {
        GroupStoreContract.super.optimisticVersions();
        AccessKeyStoreContract.super.optimisticVersions();
    }

    @Test
    @DisplayName("lists keys oldest first across pages; pages through the audit log in sequence order")
    @Override
    public void paging() {
        AccessKeyStoreContract.super.paging();
        AuditStoreContract.super.paging();
    }
}
