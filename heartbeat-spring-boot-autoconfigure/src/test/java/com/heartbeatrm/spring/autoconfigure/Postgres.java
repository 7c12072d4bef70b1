package com.heartbeatrm.spring.autoconfigure;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;

/** The machine's PostgreSQL: a fresh schema per test; under CI=true an unreachable database fails the test. */
final class Postgres {
    static final String URL = System.getProperty("heartbeat.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test");

    private Postgres() {
    }

    static String freshSchema() {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement s = c.createStatement()) {
            String schema = "hbspring_" + ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
            s.execute("CREATE SCHEMA " + schema);
            return schema;
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is not reachable at " + URL + " and CI=true requires it", e);
            }
            Assumptions.abort("PostgreSQL is not reachable at " + URL + ": start it (pg_ctlcluster ... main start) to run this test");
            return null;
        }
    }

    static String url(String schema) {
        return URL + "?currentSchema=" + schema;
    }

    static void drop(String schema) {
        try (Connection c = DriverManager.getConnection(URL, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException ignored) {
            // best effort
        }
    }
}
