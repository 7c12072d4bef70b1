package com.heartbeatrm.spring.liquibaseapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application whose own schema is managed by Liquibase, in the same database schema as ours. */
@SpringBootApplication
public class LiquibaseHostApplication {
}
