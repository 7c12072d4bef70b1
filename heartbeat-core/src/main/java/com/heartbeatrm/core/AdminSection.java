package com.heartbeatrm.core;

import com.heartbeatrm.core.spi.HeartbeatStore;
import java.time.Clock;

/**
 * What every section of {@link HeartbeatAdmin} that changes the model works over: the store, where each audited
 * change is one call in one transaction, and the clock that stamps the change and its audit record.
 */
abstract class AdminSection {
    /** Where the model and the audit log are kept. */
    final HeartbeatStore store;
    /** The time every change and audit record is stamped with. */
    final Clock clock;

    AdminSection(HeartbeatStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }
}
