package com.heartbeatrm.benchmarks;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.RequestContext;
import com.heartbeatrm.protocol.EnrollmentToken;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/** The in-process benchmarks' server: the in-memory store, one organization, one access key and its installer token. */
final class BenchServer {
    final HeartbeatServer service;
    final String organizationId;
    final EnrollmentToken token;
    final RequestContext context;

    BenchServer() throws Exception {
        Actor actor = Actor.of("bench");
        service = HeartbeatServer.builder(new InMemoryHeartbeatStore(), AesGcmKeyEncryptionKey.generate("bench"), "https://heartbeat.example")
                .endpoints(List.of(URI.create("https://heartbeat.example/v1/"))).build();
        service.signingKeys().ensureActiveKey();
        var admin = service.admin();
        NewOrganization org = admin.organizations().setUp(actor, "Bench");
        AccessKey key = admin.accessKeys().create(actor, org.id(), AccessKeySpec.builder("k",
                admin.groups().create(actor, org.id(), org.rootGroup().id(), "Customer A").id()).build());
        organizationId = org.id().value();
        token = service.installers().issueToken(actor, org.id(), key.id(), InstallerRequest.DEFAULTS).token();
        context = service.contextFor(InetAddress.getByName("203.0.113.7"));
    }
}
