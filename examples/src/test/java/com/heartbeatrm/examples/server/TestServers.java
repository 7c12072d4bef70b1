package com.heartbeatrm.examples.server;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.admin.AdminAuthenticator;
import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminToken;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;

/** Reference servers for tests: on a loopback port, on the in-memory store unless given one. */
public final class TestServers {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789-ABCDEFGHIJ";

    private TestServers() {
    }

    public static HeartbeatServer heartbeat(HeartbeatStore store) {
        HeartbeatServer s = HeartbeatServer.builder(store, AesGcmKeyEncryptionKey.generate("test"), "https://hb.example").build();
        s.signingKeys().ensureActiveKey();
        return s;
    }

    public static ReferenceServer.Builder builder(HeartbeatServer hb) {
        AdminEndpoint admin = AdminEndpoint.builder(hb, AdminAuthenticator.bearer(AdminToken.of(ADMIN_TOKEN), Actor.of("admin-api"),
                Clock.systemUTC())).build();
        return ReferenceServer.builder(hb.endpoint(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).admin(admin);
    }

    /** Plain HTTP on loopback, in-memory store, with the admin API and the console. */
    public static ReferenceServer plain() {
        return builder(heartbeat(new InMemoryHeartbeatStore())).build();
    }
}
