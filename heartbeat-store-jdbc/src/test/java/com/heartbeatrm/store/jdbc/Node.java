package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** One server node: its own store instance over its own DataSource, and the server facade a deployment builds. */
final class Node {
    static final String ISSUER = "https://rmm.example";
    static final AesGcmKeyEncryptionKey KEK = AesGcmKeyEncryptionKey.of("nodes-test",
            SecretBytes.copyOf("heartbeat-nodes-test-kek-32bytes".getBytes(StandardCharsets.US_ASCII), SecretAccess.grant()));
    final JdbcHeartbeatStore store;
    final HeartbeatServer server;
    final HeartbeatAdmin admin;

    Node(DataSource ds) {
        this(JdbcHeartbeatStore.create(ds), Clock.systemUTC());
    }

    Node(JdbcHeartbeatStore store, Clock clock) {
        this(store, clock, com.heartbeatrm.enrollment.RetentionPolicy.DEFAULTS);
    }

    Node(JdbcHeartbeatStore store, Clock clock, com.heartbeatrm.enrollment.RetentionPolicy retention) {
        this.store = store;
        server = HeartbeatServer.builder(store, KEK, ISSUER).clock(clock).retention(retention).endpoints(List.of(URI.create(ISSUER + "/v1/"))).build();
        server.signingKeys().ensureActiveKey();
        admin = server.admin();
    }

    /** Every audit record of {@code org}, page by page, oldest first as the store pages them. */
    List<AuditRecord> audit(OrganizationId org) {
        List<AuditRecord> all = new ArrayList<>();
        AuditQuery q = AuditQuery.all(org);
        Page<AuditRecord> page;
        do {
            page = admin.audit().query(q);
            all.addAll(page.items());
            q = q.withPage(q.page().next(page));
        } while (page.hasNext());
        return all;
    }

    EnrollmentToken token(Actor actor, OrganizationId org, AccessKeyId key) {
        return server.installers().issueToken(actor, org, key, InstallerRequest.DEFAULTS).token();
    }

    static byte[] request(EnrollmentToken token, String host) {
        return request(token, AgentKeyPair.generate(), host);
    }

    static byte[] request(EnrollmentToken token, AgentKeyPair keys, String host) {
        return EnrollmentRequest.create(token, keys, new AgentFacts(host, "linux", "6.1", "1.0", Optional.empty()), Clock.systemUTC())
                .toJson();
    }
}
