package com.example.rmm;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.NewOrganization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** What an integrator writes: one @Transactional method that records a customer and sets up its HeartbeatRM organization. */
@Service
public class CustomerOnboarding {
    private final JdbcTemplate jdbc;
    private final HeartbeatAdmin admin;

    public CustomerOnboarding(JdbcTemplate jdbc, HeartbeatAdmin admin) {
        this.jdbc = jdbc;
        this.admin = admin;
    }

    /** Both or neither: when {@code failAfter} is set, the method fails after both writes, and the transaction rolls back. */
    @Transactional
    public NewOrganization onboard(String name, boolean failAfter) {
        NewOrganization org = admin.organizations().setUp(Actor.of("onboarding"), name);
        jdbc.update("INSERT INTO customers (name, heartbeat_org) VALUES (?, ?)", name, org.id().value());
        if (failAfter) {
            throw new IllegalStateException("billing refused " + name);
        }
        return org;
    }
}
