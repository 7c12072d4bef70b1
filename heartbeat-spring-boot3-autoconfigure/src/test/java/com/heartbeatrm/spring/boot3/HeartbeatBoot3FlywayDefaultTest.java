package com.heartbeatrm.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;

/**
 * Spring Boot 3 with flyway-core on the class path (as the starter puts it there) and a database that already holds
 * the application's tables: the application's start must not fail on Boot's own Flyway when the application has no
 * migrations, and an application with migrations (or an explicit setting) keeps Boot's Flyway as before.
 */
@DisplayName("Spring Boot 3's own Flyway, off by default only for an application without migrations")
class HeartbeatBoot3FlywayDefaultTest {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
    static class HostApplication {
    }

    /** An H2 database in memory that already holds a table of the application's, created before Spring starts. */
    private static String existingDatabase() throws Exception {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customer (id INT PRIMARY KEY)");
        }
        return url;
    }

    private static ConfigurableApplicationContext start(String url, String... args) {
        SpringApplication app = new SpringApplication(HostApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        String[] all = new String[args.length + 3];
        all[0] = "--spring.datasource.url=" + url;
        all[1] = "--spring.datasource.username=sa";
        all[2] = "--spring.main.banner-mode=off";
        System.arraycopy(args, 0, all, 3, args.length);
        return app.run(all);
    }

    @Test
    @DisplayName("no migrations of the application's, existing tables: it starts, and Boot's Flyway stays off")
    void existingDatabaseWithoutMigrationsStarts() throws Exception {
        try (ConfigurableApplicationContext ctx = start(existingDatabase())) {
            assertThat(ctx.getBeansOfType(Flyway.class)).isEmpty();
            assertThat(ctx.getEnvironment().getProperty("spring.flyway.enabled")).isEqualTo("false");
            assertThat(ctx.getBean(DataSource.class)).isNotNull();
        }
    }

    @Test
    @DisplayName("an explicit spring.flyway.enabled=true is the application's choice: Boot's Flyway runs and meets the tables")
    void explicitSettingWins() throws Exception {
        String url = existingDatabase();
        assertThatThrownBy(() -> start(url, "--spring.flyway.enabled=true").close()).hasStackTraceContaining("non-empty schema");
    }

    @Test
    @DisplayName("an application with migrations keeps Boot's Flyway: its migration runs")
    void applicationWithMigrationsKeepsFlyway() throws Exception {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (ConfigurableApplicationContext ctx = start(url, "--spring.flyway.locations=classpath:host-migrations")) {
            assertThat(ctx.getBeansOfType(Flyway.class)).hasSize(1);
            try (Connection c = ctx.getBean(DataSource.class).getConnection(); Statement s = c.createStatement()) {
                assertThat(s.executeQuery("SELECT COUNT(*) FROM host_thing").next()).isTrue();
            }
        }
    }

    @Test
    @DisplayName("the default is the lowest precedence: any property source that sets it wins")
    void lowestPrecedence() {
        StandardEnvironment env = new StandardEnvironment();
        new HeartbeatBoot3FlywayDefault().postProcessEnvironment(env, new SpringApplication(HostApplication.class));
        assertThat(env.getPropertySources().stream().reduce((a, b) -> b).orElseThrow().getName()).isEqualTo(HeartbeatBoot3FlywayDefault.SOURCE);
        assertThat(env.getProperty("spring.flyway.enabled")).isEqualTo("false");
    }
}
