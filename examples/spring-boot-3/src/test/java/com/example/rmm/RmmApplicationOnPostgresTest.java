package com.example.rmm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot 3.5 sample as it runs on PostgreSQL: the shared body in {@link RmmApplicationOnPostgresContract}, and
 * the auto-configuration's ordering by Boot 3's own names.
 */
@DisplayName("the Spring Boot 3.5 sample on PostgreSQL")
class RmmApplicationOnPostgresTest extends RmmApplicationOnPostgresContract {
    @Override
    String databasePrefix() {
        return "hb3_";
    }

    @Test
    @DisplayName("the auto-configuration is ordered after Spring Boot 3's own DataSource and metrics auto-configurations, by names that exist here")
    void orderedByBoot3Names() {
        List<String> boot3 = java.util.Arrays.stream(com.heartbeatrm.spring.autoconfigure.HeartbeatAutoConfiguration.class
                .getAnnotation(org.springframework.boot.autoconfigure.AutoConfiguration.class).afterName())
                .filter(n -> n.startsWith("org.springframework.boot.autoconfigure.") || n.startsWith("org.springframework.boot.actuate.autoconfigure."))
                .toList();
        assertThat(boot3).hasSize(4).contains("org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
                .allSatisfy(n -> assertThat(Class.forName(n)).isNotNull());
    }
}
