package com.example.rmm;

import org.junit.jupiter.api.DisplayName;

/** The Spring Boot 4 sample as it runs on PostgreSQL: the shared body in {@link RmmApplicationOnPostgresContract}. */
@DisplayName("the Spring Boot sample on PostgreSQL")
class RmmApplicationOnPostgresTest extends RmmApplicationOnPostgresContract {
    @Override
    String databasePrefix() {
        return "hb_";
    }
}
