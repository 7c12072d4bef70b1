package com.heartbeatrm.examples.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.agent.EnrollmentClientException;
import com.heartbeatrm.agent.FileAgentIdentityStore;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AttestationRequirement;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.examples.server.ReferenceServer;
import com.heartbeatrm.examples.server.TestServers;
import com.heartbeatrm.examples.tls.ServerTls;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import com.heartbeatrm.tpm.AttestationVerifier;
import com.heartbeatrm.tpm.Swtpm;
import com.heartbeatrm.tpm.Tpm;
import com.heartbeatrm.tpm.TpmEnrollmentAttestor;
import com.heartbeatrm.tpm.TpmKeyCustody;
import com.heartbeatrm.tpm.TpmLabFixture;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * TPM 2.0-attested enrollment end to end: the SDK's own agent ({@link EnrollmentClient} with a TPM-held key and the
 * TPM attestor) on real swtpm instances, against the reference server over HTTPS with its key pinned, on PostgreSQL.
 * The group requires attestation; an agent without it, and a TPM whose EK certificate comes from a CA the organization
 * does not trust, are refused with their codes; an attested agent skips approval, is recorded with its EK and CA,
 * and renews with its TPM key without attesting again.
 */
class AttestedEnrollmentOverHttpsTest extends TpmLabFixture {
    private static final Actor ALICE = Actor.of("alice");
    private static final String SCHEMA = "attested_e2e";
    private static final AgentFacts FACTS = new AgentFacts("pc-0042", "linux", "6.1", "sample", Optional.of("machine-1"));
    Swtpm untrustedTpm;
    ReferenceServer server;
    HeartbeatServer hb;
    NewOrganization org;
    AccessKey key;
    URI base;
    ServerTls tls;

    @BeforeAll
    void start() throws Exception {
        untrustedTpm = lab.manufacture("tpm-other", lab.otherCa());
        // The EK certificates are valid from the second they were issued.
        Thread.sleep(1_100);

        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + SCHEMA);
        ds.setUser("postgres");
        JdbcHeartbeatStore store = JdbcHeartbeatStore.create(ds);
        store.migrate();
        hb = TestServers.heartbeat(store);
        tls = ServerTls.create(dir.resolve("tls"), Optional.empty(), Optional.empty(), List.of("127.0.0.1"));
        server = TestServers.builder(hb).tls(tls, dir.resolve("tls")).build().start();
        base = URI.create("https://127.0.0.1:" + server.port() + "/v1/");

        org = hb.admin().organizations().setUp(ALICE, "Acme MSP");
        key = hb.admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("Attested key", org.rootGroup().id()).build());
        hb.admin().attestation().trustCa(org.id(), ALICE, lab.trustedCa().certificate().getEncoded());
        var settings = hb.admin().groups();
        settings.setOverride(ALICE, org.id(), org.rootGroup().id(), SecuritySetting.REQUIRE_APPROVAL, true);
        settings.setOverride(ALICE, org.id(), org.rootGroup().id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
        settings.setOverride(ALICE, org.id(), org.rootGroup().id(), SecuritySetting.ATTESTED_SKIPS_APPROVAL, true);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    VerifiedEnrollmentToken installer() throws Exception {
        var issued = hb.installers().issueToken(ALICE, org.id(), key.id(),
                InstallerRequest.builder().endpoints(List.of(base)).tlsPins(tls.pins()).build());
        return EnrollmentTokenVerifier.builder(hb.signingKeys().publicKeySet()).build().verify(issued.token());
    }

    EnrollmentClient.Builder client(Path state, Tpm tpm) {
        return EnrollmentClient.builder(hb.signingKeys().publicKeySet()).identityStore(FileAgentIdentityStore.in(state, new TpmKeyCustody(tpm)))
                .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(30)).retries(1, Duration.ZERO, Duration.ZERO);
    }

    @Test
    void anAttestedAgentIsActiveAtOnceRecordedAndRenewsWithoutAttestingAgain() throws Exception {
        Path state = Files.createDirectories(dir.resolve("agent-1"));
        try (Tpm tpm = lab.trustedTpm().open()) {
            EnrollmentClient client = client(state, tpm).attestor(new TpmEnrollmentAttestor(tpm)).build();
            EnrollmentClient.Outcome enrolled = client.enroll(installer(), FACTS);
            assertThat(enrolled.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);

            Agent agent = hb.admin().agents().find(org.id(), AgentId.parse(enrolled.identity().agentId())).orElseThrow();
            assertThat(agent.attestation()).isPresent();
            assertThat(agent.attestation().get().trustedBy()).isEqualTo(AttestationVerifier.certificateSha256(lab.trustedCa().certificate()));

            EnrollmentClient.Outcome renewed = client.renew(enrolled.identity());
            assertThat(renewed.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
            Agent after = hb.admin().agents().find(org.id(), agent.id()).orElseThrow();
            assertThat(after.credentialGeneration()).isEqualTo(2);
            assertThat(after.attestation()).isEqualTo(agent.attestation());
        }
    }

    @Test
    void anAgentWithoutAttestationIsToldTheGroupRequiresIt() throws Exception {
        Path state = Files.createDirectories(dir.resolve("agent-2"));
        try (Tpm tpm = lab.trustedTpm().open()) {
            EnrollmentClient client = client(state, tpm).build();
            assertThatThrownBy(() -> client.enroll(installer(), FACTS)).isInstanceOfSatisfying(EnrollmentClientException.class,
                    e -> assertThat(e.denialCode()).contains(DenialCode.ATTESTATION_REQUIRED));
        }
    }

    @Test
    void aTpmFromAnUntrustedManufacturerIsRefusedAtTheChallenge() throws Exception {
        Path state = Files.createDirectories(dir.resolve("agent-3"));
        try (Tpm tpm = untrustedTpm.open()) {
            EnrollmentClient client = client(state, tpm).attestor(new TpmEnrollmentAttestor(tpm)).build();
            assertThatThrownBy(() -> client.enroll(installer(), FACTS)).isInstanceOfSatisfying(EnrollmentClientException.class,
                    e -> assertThat(e.denialCode()).contains(DenialCode.ATTESTATION_UNTRUSTED));
        }
    }
}
