package com.heartbeatrm.examples.modulepath;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EndpointRequest;
import com.heartbeatrm.enrollment.EndpointResponse;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;

/** Migrates an H2 database from the store module's scripts, then enrolls one agent through the endpoint. */
public final class ModulePathSmoke {
    private ModulePathSmoke() {
    }

    /** Returns the HTTP status of the enrollment. */
    public static int run() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:modulepath" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        JdbcHeartbeatStore store = JdbcHeartbeatStore.create(ds);
        store.migrate();
        HeartbeatServer server = HeartbeatServer.builder(store, AesGcmKeyEncryptionKey.generate("smoke"), "https://smoke.example")
                .endpoints(List.of(URI.create("https://smoke.example/v1/"))).build();
        server.signingKeys().ensureActiveKey();
        NewOrganization org = server.admin().organizations().setUp(Actor.of("smoke"), "Module Path MSP");
        var token = server.installers().issueToken(Actor.of("smoke"), org.id(), org.defaultKey().id(), InstallerRequest.DEFAULTS).token();
        byte[] body = EnrollmentRequest.create(token, AgentKeyPair.generate(), new AgentFacts("pc", "linux", "6", "1", Optional.empty()),
                Clock.systemUTC()).toJson();
        EndpointResponse r = server.endpoint().handle(new EndpointRequest("POST", EnrollmentProtocol.ENROLL_PATH, body,
                InetAddress.getLoopbackAddress()));
        return r.status();
    }

    public static void main(String[] args) throws Exception {
        int status = run();
        System.out.println("enrollment on the module path answered " + status);
        System.exit(status == 200 ? 0 : 1);
    }
}
