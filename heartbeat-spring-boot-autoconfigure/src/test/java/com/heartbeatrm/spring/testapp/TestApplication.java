package com.heartbeatrm.spring.testapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application as a user writes one: in its own package, with nothing of HeartbeatRM but the starter's auto-configuration. */
@SpringBootApplication
public class TestApplication {
}
