package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalFacts;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.store.jdbc.internal.Sql;
import com.heartbeatrm.testkit.HeartbeatStoreConformanceKit;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The conformance kit against the JDBC store, one subclass per database; each test gets a fresh, migrated database. */
abstract class JdbcStoreConformanceTest extends HeartbeatStoreConformanceKit {
    private final Map<HeartbeatStore, Databases.Fresh> open = new IdentityHashMap<>();

    abstract Databases.Fresh freshDatabase();

    @Override
    protected HeartbeatStore newStore() {
        Databases.Fresh fresh = freshDatabase();
        JdbcHeartbeatStore s = JdbcHeartbeatStore.create(fresh.dataSource());
        open.put(s, fresh);
        return s;
    }

    /**
     * The race the agent's row lock does not cover: another transaction remembers the renewal's nonce after the renewal
     * read its facts (which found it unseen). The write that remembers the nonce must still refuse it (on PostgreSQL the
     * same statement as the agent's update), storing nothing: for a new generation and for a pending agent's poll.
     */
    @Test
    @DisplayName("a nonce remembered by another transaction after the facts were read: replayed, the agent unchanged")
    void nonceRememberedAfterTheFactsWereRead() {
        for (RenewalVerdict verdict : new RenewalVerdict[] {new RenewalVerdict.Renew(2, Duration.ofDays(1)), new RenewalVerdict.Poll()}) {
            Agent agent = enrolledAgent();
            RenewalAttempt a = renewal(agent);
            RenewalCommit commit = renew(a, facts -> {
                rememberElsewhere(a);
                return verdict;
            });
            assertThat(commit).as("%s", verdict).isEqualTo(new RenewalCommit.Replayed());
            Agent after = admin().agents().require(agent.organizationId(), agent.id());
            assertThat(after.credentialGeneration()).isEqualTo(agent.credentialGeneration());
            assertThat(after.lastSeenAt()).isEqualTo(agent.lastSeenAt());
            AtomicReference<RenewalFacts> read = new AtomicReference<>();
            renew(renewal(after), facts -> {
                read.set(facts);
                return new RenewalVerdict.Deny();
            });
            assertThat(read.get().lastRenewalNonce()).isEmpty();
        }
    }

    /** Remembers the attempt's nonce on a connection of its own, committed at once. */
    private void rememberElsewhere(RenewalAttempt a) {
        try (Connection c = Objects.requireNonNull(open.get(store()), "the store's database").dataSource().getConnection()) {
            Sql.update(c, "INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?)", a.nonceKey(), a.nonceExpiresAt());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void closeStore(HeartbeatStore closing) {
        Databases.Fresh fresh = open.remove(closing);
        if (fresh != null) {
            fresh.close();
        }
    }
}
