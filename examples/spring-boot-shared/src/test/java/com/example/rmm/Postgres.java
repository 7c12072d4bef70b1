package com.example.rmm;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh PostgreSQL database per test (its public schema empty, as an application's first start sees it); under
 * CI=true an unreachable server fails the test, elsewhere the test is skipped with a message.
 */
final class Postgres implements AutoCloseable {
    static final String SERVER = System.getProperty("heartbeat.test.postgres.server", "jdbc:postgresql://127.0.0.1:5432/");
    final String name;

    private Postgres(String name) {
        this.name = name;
    }

    static Postgres freshDatabase(String prefix) {
        String name = prefix + ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
        try (Connection c = DriverManager.getConnection(SERVER + "test", "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is not reachable at " + SERVER + " and CI=true requires it", e);
            }
            Assumptions.abort("PostgreSQL is not reachable at " + SERVER + ": start it (pg_ctlcluster ... main start) to run this test");
        }
        return new Postgres(name);
    }

    String url() {
        return SERVER + name;
    }

    long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), "postgres", ""); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(SERVER + "test", "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // best effort: a left-over database holds only test data
        }
    }
}
