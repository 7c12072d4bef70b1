package com.heartbeatrm.testkit;

import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.spi.HeartbeatStore;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Gives every test of the contracts a class implements a new, empty store from {@link #newStore()}, an admin API over
 * it and a {@link MutableClock} at a fixed instant. Extend it and implement the contracts to run.
 */
public abstract class StoreFixture implements StoreContract {
    private MutableClock clock;
    private HeartbeatStore store;
    private HeartbeatAdmin admin;

    /** For subclasses. */
    protected StoreFixture() {
    }

    /**
     * A new store with no data in it. Called before every test.
     *
     * @return the store under test
     */
    protected abstract HeartbeatStore newStore();

    /**
     * Releases what {@link #newStore()} acquired (pools, schemas). Called after every test; the default does nothing.
     *
     * @param closing the store {@link #newStore()} returned for this test
     * @throws Exception when releasing fails; the test then fails
     */
    protected void closeStore(HeartbeatStore closing) throws Exception {
    }

    @BeforeEach
    void setUpStore() {
        clock = new MutableClock(Instant.parse("2026-03-01T12:00:00.123456Z"));
        store = newStore();
        admin = HeartbeatAdmin.of(store, clock);
    }

    @AfterEach
    void tearDownStore() throws Exception {
        if (store != null) {
            closeStore(store);
        }
    }

    @Override
    public HeartbeatStore store() {
        return store;
    }

    @Override
    public HeartbeatAdmin admin() {
        return admin;
    }

    @Override
    public MutableClock clock() {
        return clock;
    }
}
