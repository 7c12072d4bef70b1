package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Migrations in a host's database: beside the host's tables and history, from the host's Flyway, with a prefix and a schema. */
@DisplayName("migrations in a host's database")
class MigrationTest {
    private static final Actor ALICE = Actor.of("alice");

    static void hostMigrates(DataSource ds) {
        Flyway.configure().dataSource(ds).locations("classpath:db/host").load().migrate();
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void enrollsOne(JdbcHeartbeatStore store) throws Exception {
        Node node = new Node(store, Clock.systemUTC());
        NewOrganization org = node.admin.organizations().setUp(ALICE, "Acme MSP");
        EnrollmentResult r = node.server.enroll(Node.request(node.token(ALICE, org.id(), org.defaultKey().id()), "pc"),
                node.server.contextFor(InetAddress.getByName("203.0.113.1")));
        assertThat(r).isInstanceOf(EnrollmentResult.Enrolled.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    @DisplayName("migrate() on a schema that holds the host's tables and Flyway history: both stay, ours is added")
    void nonEmptySchema(String db) throws Exception {
        try (Databases.Fresh fresh = Databases.empty(db, 4)) {
            HikariDataSource ds = fresh.dataSource();
            hostMigrates(ds);
            // Flyway quotes its history table's name: on H2 it stays lower case.
            String q = db.equals("h2") ? "\"" : "";
            long hostHistory = count(ds, "SELECT COUNT(*) FROM " + q + "flyway_schema_history" + q);
            JdbcHeartbeatStore store = JdbcHeartbeatStore.create(ds);
            store.migrate();
            store.migrate(); // again: nothing to do

            assertThat(count(ds, "SELECT COUNT(*) FROM orders")).isEqualTo(1);
            assertThat(count(ds, "SELECT COUNT(*) FROM " + q + "flyway_schema_history" + q))
                    .as("the host's history is untouched").isEqualTo(hostHistory);
            assertThat(count(ds, "SELECT COUNT(*) FROM " + q + "hb_schema_history" + q + " WHERE " + q + "version" + q + " = '1'")).isEqualTo(1);
            enrollsOne(store);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb"})
    @DisplayName("without Flyway's module for the database, migrate() fails naming the dependency to add")
    void namesTheMissingFlywayModule(String db) throws Exception {
        String module = db.equals("postgresql") ? "flyway-database-postgresql" : "flyway-mysql";
        // The test class path without that module, in a class loader of its own (Flyway finds its database
        // support with the ServiceLoader of the thread's context class loader).
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        java.util.List<java.net.URL> urls = new java.util.ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank() && !java.nio.file.Path.of(entry).getFileName().toString().startsWith(module)) {
                urls.add(java.nio.file.Path.of(entry).toUri().toURL());
            }
        }
        try (Databases.Fresh fresh = Databases.empty(db, 2);
                java.net.URLClassLoader loader = new java.net.URLClassLoader(urls.toArray(java.net.URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                Class<?> store = loader.loadClass(JdbcHeartbeatStore.class.getName());
                Object built = store.getMethod("create", DataSource.class).invoke(null, fresh.dataSource());
                assertThatThrownBy(() -> store.getMethod("migrate").invoke(built))
                        .cause().hasMessageContaining("org.flywaydb:" + module).hasMessageContaining("class path");
            } finally {
                thread.setContextClassLoader(before);
            }
        }
    }

    @Test
    @DisplayName("the README recipe: the host's Flyway runs our scripts into their own history; migrate() then finds them applied")
    void hostFlywayRecipe() throws Exception {
        try (Databases.Fresh fresh = Databases.empty("postgresql", 4)) {
            HikariDataSource ds = fresh.dataSource();
            hostMigrates(ds);
            // The recipe, as in the README: a second Flyway for our scripts, our history table, the prefix placeholder.
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:" + Dialect.POSTGRESQL.migrationLocation())
                    .table("hb_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .placeholders(Map.of("heartbeat_prefix", "hb_"))
                    .load()
                    .migrate();
            JdbcHeartbeatStore store = JdbcHeartbeatStore.create(ds);
            store.migrate();
            assertThat(count(ds, "SELECT COUNT(*) FROM hb_schema_history WHERE version = '1'")).isEqualTo(1);
            assertThat(count(ds, "SELECT COUNT(*) FROM flyway_schema_history")).isEqualTo(1);
            enrollsOne(store);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "h2"})
    @DisplayName("a table prefix and a schema: the tables are where asked, and two prefixes in one database do not see each other")
    void prefixAndSchema(String db) throws Exception {
        try (Databases.Fresh fresh = Databases.empty(db, 4)) {
            HikariDataSource ds = fresh.dataSource();
            String schema = "hbs_" + Long.toHexString(System.nanoTime() & 0xffffff);
            JdbcHeartbeatStore acme = JdbcHeartbeatStore.builder(ds).tablePrefix("acme_").schema(schema).build();
            acme.migrate();
            JdbcHeartbeatStore plain = JdbcHeartbeatStore.create(ds);
            plain.migrate();
            try {
                String schemaName = db.equals("h2") ? schema.toUpperCase(java.util.Locale.ROOT) : schema;
                String tableName = db.equals("h2") ? "ACME_AGENT" : "acme_agent";
                assertThat(count(ds, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + schemaName
                        + "' AND table_name = '" + tableName + "'")).isEqualTo(1);
                enrollsOne(acme);
                assertThat(count(ds, "SELECT COUNT(*) FROM " + schema + ".acme_agent")).isEqualTo(1);
                assertThat(count(ds, "SELECT COUNT(*) FROM hb_agent")).isZero();
                assertThat(plain.organizations().list(com.heartbeatrm.core.PageRequest.first(10)).items()).isEmpty();
                enrollsOne(plain);
                assertThat(count(ds, "SELECT COUNT(*) FROM hb_agent")).isEqualTo(1);
            } finally {
                Databases.exec(ds, "DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    // The held connection exhausts the one-connection pool; the body only needs it open.
    @SuppressWarnings("try")
    @Test
    @DisplayName("a pool that hands out no connection in time, and a failure without SQLSTATE, are transient store errors")
    void poolTimeoutIsTransient() throws Exception {
        try (Databases.Fresh fresh = Databases.h2(2)) {
            HikariDataSource ds = Databases.pool(fresh.dataSource().getJdbcUrl(), "sa", 1, 250);
            JdbcHeartbeatStore store = JdbcHeartbeatStore.builder(ds).dialect(Dialect.H2).build();
            try (ds; Connection held = ds.getConnection()) {
                assertThatThrownBy(() -> store.organizations().list(com.heartbeatrm.core.PageRequest.first(1)))
                        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.isTransient()).isTrue());
            }
            DataSource broken = new CountingDataSource(ds) {
                @Override
                public Connection getConnection() throws SQLException {
                    throw new SQLException("driver said no, without a SQLSTATE");
                }
            };
            JdbcHeartbeatStore dead = JdbcHeartbeatStore.builder(broken).dialect(Dialect.H2).build();
            assertThatThrownBy(() -> dead.organizations().list(com.heartbeatrm.core.PageRequest.first(1)))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.isTransient()).isTrue());
        }
    }
}
