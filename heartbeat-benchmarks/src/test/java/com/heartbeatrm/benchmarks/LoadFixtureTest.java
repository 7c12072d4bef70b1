package com.heartbeatrm.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The fixture of the end-to-end and plain-SQL ceiling benchmarks, and the ceiling's own enrollment, write on the
 * current schema. Both once named every column of {@code hb_agent} but bound the first 16 only, so from schema V5 on
 * every run of those benchmarks failed (turn 13's ceilings); nothing in the build ran them.
 */
@DisplayName("the benchmarks' load fixture")
class LoadFixtureTest {
    @Test
    @DisplayName("seeds its agents on the current schema (embedded H2: the same statement as on PostgreSQL)")
    void seedsOnTheCurrentSchema() throws Exception {
        try (LoadFixture fixture = new LoadFixture("h2", 2)) {
            try (Connection c = fixture.pool.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT access_key_id), min(key_algorithm) FROM hb_agent")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(LoadFixture.SEEDED_AGENTS);
                assertThat(rs.getLong(2)).isEqualTo(2);
                assertThat(rs.getString(3)).isEqualTo("ed25519");
            }
        }
    }

    @Test
    @DisplayName("the plain-SQL ceiling's enrollment writes an agent on the current schema")
    void plainEnrollmentWrites() throws Exception {
        PlainSqlCeilingBenchmark bench = new PlainSqlCeilingBenchmark();
        bench.store = "h2";
        bench.keys = 1;
        bench.setUp(false);
        try {
            assertThat(bench.plainEnroll01()).isEqualTo(1);
            assertThat(bench.plainEnroll01()).isEqualTo(1);
        } finally {
            bench.tearDown();
        }
    }
}
