package com.heartbeatrm.testkit;

import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.spi.HeartbeatStore;
import org.junit.jupiter.api.Nested;

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
 */
public abstract class HeartbeatStoreConformanceKit extends StoreFixture {
    /** For subclasses: one per store implementation under test. */
    protected HeartbeatStoreConformanceKit() {
    }

    /** The nested contracts share the kit's store, admin, clock and concurrency. */
    abstract class Contract implements StoreContract {
        @Override
        public HeartbeatStore store() {
            return HeartbeatStoreConformanceKit.this.store();
        }

        @Override
        public HeartbeatAdmin admin() {
            return HeartbeatStoreConformanceKit.this.admin();
        }

        @Override
        public MutableClock clock() {
            return HeartbeatStoreConformanceKit.this.clock();
        }

        @Override
        public int concurrency() {
            return HeartbeatStoreConformanceKit.this.concurrency();
        }
    }

    @Nested
    class Organizations extends Contract implements OrganizationStoreContract {
    }

    @Nested
    class TenantIsolation extends Contract implements TenantIsolationContract {
    }

    @Nested
    class Groups extends Contract implements GroupStoreContract {
    }

    @Nested
    class Settings extends Contract implements GroupSettingsContract {
    }

    @Nested
    class AccessKeys extends Contract implements AccessKeyStoreContract {
    }

    @Nested
    class Enrollment extends Contract implements EnrollmentStepContract {
    }

    @Nested
    class Renewal extends Contract implements RenewalStepContract {
    }

    @Nested
    class Agents extends Contract implements AgentStoreContract {
    }

    @Nested
    class Audit extends Contract implements AuditStoreContract {
    }

    @Nested
    class Installers extends Contract implements InstallerStoreContract {
    }

    @Nested
    class SigningKeys extends Contract implements SigningKeyStoreContract {
    }

    @Nested
    class Throttling extends Contract implements ThrottleStoreContract {
    }

    @Nested
    class Concurrency extends Contract implements ConcurrencyContract {
    }
}
