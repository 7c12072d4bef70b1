package com.heartbeatrm.testkit;

import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import org.junit.jupiter.api.DisplayName;

@DisplayName("in-memory store conformance")
class InMemoryStoreConformanceTest extends HeartbeatStoreConformanceKit {
    @Override
    protected HeartbeatStore newStore() {
        return new InMemoryHeartbeatStore();
    }
}
