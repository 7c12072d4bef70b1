package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.testkit.StoreFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The nonce table stays bounded by the nonces still in force when a fleet only renews: renewals trigger the purge of
 * expired nonces as enrollments do (before, only 1,000 enrollments did, so a settled fleet's renewal nonces piled up).
 */
@DisplayName("expired nonces are purged as renewals run (H2)")
class NoncePurgeTest extends StoreFixture {
    private Databases.Fresh fresh;

    @Override
    protected HeartbeatStore newStore() {
        fresh = Databases.h2(2);
        return JdbcHeartbeatStore.create(fresh.dataSource());
    }

    @AfterEach
    void drop() {
        fresh.close();
    }

    @Test
    @DisplayName("after 2,000 renewals and no more enrollments, only the nonces of the last purge interval remain")
    void renewalsPurge() throws Exception {
        NewOrganization org = newOrg();
        Agent agent = enrolledAgent(org);
        for (int i = 0; i < 2 * JdbcAgents.PURGE_NONCES_EVERY; i++) {
            // Each nonce lives 301 s; the next renewal comes an hour later.
            clock().advance(Duration.ofHours(1));
            // A renewal that issues the next generation: its nonce is remembered.
            assertThat(renew(renewal(agent), facts -> new RenewalVerdict.Renew(facts.agent().orElseThrow().credentialGeneration() + 1,
                    Duration.ofDays(1)))).isInstanceOf(RenewalCommit.Applied.class);
        }
        try (Connection c = fresh.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM hb_nonce")) {
            rs.next();
            assertThat(rs.getLong(1)).isLessThanOrEqualTo(JdbcAgents.PURGE_NONCES_EVERY);
        }
    }
}
