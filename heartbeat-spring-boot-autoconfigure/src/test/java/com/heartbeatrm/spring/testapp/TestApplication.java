package com.heartbeatrm.spring.testapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application as a user writes one: in its own package, with nothing of HeartbeatRM but the starter's auto-configuration. */
// Liquibase is on this module's test class path for HostLiquibaseTest only; this application has no changelog.
@SpringBootApplication(excludeName = "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration")
public class TestApplication {
}
