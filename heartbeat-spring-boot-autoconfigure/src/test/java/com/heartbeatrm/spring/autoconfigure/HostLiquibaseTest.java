package com.heartbeatrm.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.PageRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A host application that manages its own tables with Liquibase, in the same PostgreSQL schema as ours, with Spring
 * Boot's default settings: on a fresh schema both migrations run (the host's through Liquibase, ours as a database
 * initializer with its own history table), and a restart on the now existing schema starts again with every row kept.
 */
@DisplayName("the host's own Liquibase in the same schema")
class HostLiquibaseTest {

    private static ConfigurableApplicationContext start(String schema) {
        SpringApplication app = new SpringApplication(com.heartbeatrm.spring.liquibaseapp.LiquibaseHostApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run("--spring.datasource.url=" + Postgres.url(schema), "--spring.datasource.username=postgres",
                "--spring.liquibase.change-log=classpath:host-liquibase/changelog.sql",
                "--heartbeat.key-encryption-key=" + HeartbeatAutoConfigurationTest.KEK, "--spring.main.banner-mode=off");
    }

    private static long count(String schema, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(Postgres.url(schema), "postgres", ""); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    @DisplayName("fresh schema, then a restart on the existing one: both migrations applied once, data kept")
    void freshThenExisting() throws Exception {
        String schema = Postgres.freshSchema();
        try {
            try (ConfigurableApplicationContext ctx = start(schema)) {
                ctx.getBean(HeartbeatAdmin.class).organizations().setUp(Actor.of("host"), "Liquibase Host");
                try (Connection c = DriverManager.getConnection(Postgres.url(schema), "postgres", ""); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO host_customer (id, name) VALUES (1, 'first')");
                }
            }
            assertThat(count(schema, "SELECT COUNT(*) FROM databasechangelog")).as("the host's changeset, once").isEqualTo(1);
            assertThat(count(schema, "SELECT COUNT(*) FROM hb_schema_history WHERE success")).as("ours, in our own history").isPositive();
            long ours = count(schema, "SELECT COUNT(*) FROM hb_schema_history");
            try (ConfigurableApplicationContext ctx = start(schema)) {
                assertThat(ctx.getBean(HeartbeatAdmin.class).organizations().list(PageRequest.first(10)).items())
                        .extracting(o -> o.name()).containsExactly("Liquibase Host");
            }
            assertThat(count(schema, "SELECT COUNT(*) FROM databasechangelog")).isEqualTo(1);
            assertThat(count(schema, "SELECT COUNT(*) FROM hb_schema_history")).as("nothing applied twice").isEqualTo(ours);
            assertThat(count(schema, "SELECT COUNT(*) FROM host_customer")).isEqualTo(1);
        } finally {
            Postgres.drop(schema);
        }
    }
}
