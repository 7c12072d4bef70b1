package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.agent.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.agent.EnrollmentRequest;
import com.heartbeatrm.agent.EnrollmentToken;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EnrollmentService;
import com.heartbeatrm.enrollment.EnrollmentTokens;
import com.heartbeatrm.enrollment.IssuerKeys;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** One server node: its own store instance over its own DataSource, and the services a server would build. */
final class Node {
    static final String ISSUER = "https://rmm.example";
    static final AesGcmKeyEncryptionKey KEK = AesGcmKeyEncryptionKey.of("nodes-test",
            SecretBytes.copyOf("heartbeat-nodes-test-kek-32bytes".getBytes(StandardCharsets.US_ASCII), SecretAccess.grant()));
    final JdbcHeartbeatStore store;
    final HeartbeatAdmin admin;
    final IssuerKeys keys;
    final EnrollmentTokens tokens;
    final EnrollmentService enrollment;

    Node(DataSource ds) {
        Clock clock = Clock.systemUTC();
        store = JdbcHeartbeatStore.create(ds);
        admin = HeartbeatAdmin.builder().store(store).clock(clock).build();
        keys = IssuerKeys.create(store, KEK, clock);
        keys.ensureActiveKey();
        tokens = EnrollmentTokens.builder(store, keys, ISSUER, List.of(URI.create(ISSUER + "/enroll"))).clock(clock).build();
        enrollment = EnrollmentService.builder(store, keys, ISSUER).clock(clock).build();
    }

    static byte[] request(EnrollmentToken token, String host) {
        return EnrollmentRequest.create(token, AgentKeyPair.generate(), new AgentFacts(host, "linux", "6.1", "1.0", Optional.empty()),
                Clock.systemUTC()).toJson();
    }
}
