package com.heartbeatrm.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.PageRequest;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The JDBC store inside the host's Spring transactions, on PostgreSQL: it commits and rolls back with the host's work. */
@DisplayName("the JDBC store in a host's transaction")
class HostTransactionTest {
    private String schema;
    private HikariDataSource pool;

    @BeforeEach
    void database() {
        schema = Postgres.freshSchema();
        pool = new HikariDataSource();
        pool.setJdbcUrl(Postgres.url(schema));
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(4);
        new JdbcTemplate(pool).execute("CREATE TABLE host_orders (id INT PRIMARY KEY, note VARCHAR(100))");
    }

    @AfterEach
    void drop() {
        if (pool != null) {
            pool.close();
        }
        if (schema != null) {
            Postgres.drop(schema);
        }
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class))
                .withBean(DataSource.class, () -> pool)
                .withBean(PlatformTransactionManager.class, () -> new DataSourceTransactionManager(pool))
                .withPropertyValues("heartbeat.key-encryption-key=" + HeartbeatAutoConfigurationTest.KEK);
    }

    @Test
    @DisplayName("a rolled-back host transaction leaves nothing of ours; a committed one keeps both; our failure leaves the host's work")
    void joinsTheHost() {
        runner().run(ctx -> {
            HeartbeatAdmin admin = ctx.getBean(HeartbeatAdmin.class);
            TransactionTemplate tx = new TransactionTemplate(ctx.getBean(PlatformTransactionManager.class));
            JdbcTemplate jdbc = new JdbcTemplate(pool);

            tx.executeWithoutResult(status -> {
                jdbc.update("INSERT INTO host_orders VALUES (1, 'rolled back')");
                admin.organizations().setUp(Actor.of("alice"), "Rolled Back MSP");
                status.setRollbackOnly();
            });
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM host_orders", Integer.class)).isZero();
            assertThat(admin.organizations().findByName("Rolled Back MSP")).as("nothing of ours").isEmpty();

            tx.executeWithoutResult(status -> {
                jdbc.update("INSERT INTO host_orders VALUES (2, 'committed')");
                admin.organizations().setUp(Actor.of("alice"), "Committed MSP");
            });
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM host_orders", Integer.class)).isEqualTo(1);
            assertThat(admin.organizations().findByName("Committed MSP")).as("both kept").isPresent();

            tx.executeWithoutResult(status -> {
                jdbc.update("INSERT INTO host_orders VALUES (3, 'kept despite our failure')");
                assertThatThrownBy(() -> admin.organizations().setUp(Actor.of("alice"), "Committed MSP"))
                        .isInstanceOf(DuplicateNameException.class);
            });
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM host_orders WHERE id = 3", Integer.class)).isEqualTo(1);
            assertThat(admin.organizations().list(PageRequest.first(10)).items()).hasSize(1);
        });
    }
}
