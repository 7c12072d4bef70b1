package com.heartbeatrm.enrollment.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentAttestation;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentKeyType;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.protocol.StrictJson;
import com.heartbeatrm.testkit.AttestationCertificates;
import com.heartbeatrm.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The admin API's {@code /attestation} routes, the {@code attestation} group settings and the agent rows' {@code attested}. */
@DisplayName("the admin API's attestation routes")
class AttestationRoutesTest {
    private static final Actor OWNER = Actor.of("owner");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    private final InMemoryHeartbeatStore store = new InMemoryHeartbeatStore();
    private final HeartbeatServer server = HeartbeatServer.builder(store, AesGcmKeyEncryptionKey.generate("test"),
            "https://hb.example").clock(clock).endpoints(List.of(URI.create("https://hb.example/v1/"))).build();
    private final NewOrganization org = server.admin().organizations().setUp(OWNER, "MSP");
    private final Group customer = server.admin().groups().create(OWNER, org.id(), org.rootGroup().id(), "Customer A");
    private final AdminEndpoint owner = AdminEndpoint.builder(server, r -> new AdminAuthenticator.Authenticated(Actor.of("alice"))).build();

    private record Answer(int status, Map<String, Object> json) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list(String member) {
            return (List<Map<String, Object>>) json.get(member);
        }
    }

    private static Answer call(AdminEndpoint endpoint, String method, String path, Map<String, ?> body) throws Exception {
        byte[] bytes = body == null ? null : StrictJson.write(body);
        AdminRequest r = new AdminRequest(method, path, Optional.of("org=MSP"), InetAddress.getLoopbackAddress(), Optional.empty(), Optional.empty(),
                bytes == null ? OptionalLong.empty() : OptionalLong.of(bytes.length),
                bytes == null ? AdminRequest.Body.empty() : () -> new ByteArrayInputStream(bytes));
        try (AdminResponse res = endpoint.handle(r)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            res.writeBody(out);
            return new Answer(res.status(), TestJson.parse(out.toByteArray()));
        }
    }

    @Test
    @DisplayName("trust a CA, allow-list an endorsement key, list both, remove both; each change audited as the admin")
    void trustAnchors() throws Exception {
        Answer ca = call(owner, "POST", "/attestation/cas", Map.of("certificate", AttestationCertificates.TRUSTED_CA_PEM));
        assertThat(ca.status()).as(ca.json().toString()).isEqualTo(201);
        assertThat(ca.json()).containsEntry("fingerprint", AttestationCertificates.TRUSTED_CA_SHA256)
                .containsEntry("subject", "O=Testkit,CN=Testkit TPM Manufacturer CA").containsEntry("notAfter", "2099-12-31T00:00:00Z")
                .containsEntry("addedBy", "alice");
        String ek = "ab".repeat(32);
        Answer key = call(owner, "POST", "/attestation/endorsement-keys", Map.of("sha256", ek.toUpperCase(java.util.Locale.ROOT), "label", "bench 3"));
        assertThat(key.status()).isEqualTo(201);
        assertThat(key.json()).containsEntry("sha256", ek).containsEntry("label", "bench 3");

        Answer list = call(owner, "GET", "/attestation", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.list("cas")).extracting(m -> m.get("fingerprint")).containsExactly(AttestationCertificates.TRUSTED_CA_SHA256);
        assertThat(list.list("endorsementKeys")).extracting(m -> m.get("sha256")).containsExactly(ek);

        assertThat(call(owner, "DELETE", "/attestation/cas/" + AttestationCertificates.TRUSTED_CA_SHA256, null).status()).isEqualTo(200);
        assertThat(call(owner, "DELETE", "/attestation/endorsement-keys/" + ek, null).status()).isEqualTo(200);
        Answer empty = call(owner, "GET", "/attestation", null);
        assertThat(empty.list("cas")).isEmpty();
        assertThat(empty.list("endorsementKeys")).isEmpty();
        assertThat(call(owner, "DELETE", "/attestation/cas/" + AttestationCertificates.TRUSTED_CA_SHA256, null).status()).isEqualTo(404);

        var audit = server.admin().audit().query(com.heartbeatrm.core.AuditQuery.all(org.id())).items().stream()
                .filter(r -> r.event().action().name().startsWith("ATTESTATION_") || r.event().action().name().startsWith("ENDORSEMENT_"))
                .toList();
        assertThat(audit).extracting(r -> r.event().action()).containsExactly(AuditAction.ATTESTATION_CA_TRUSTED,
                AuditAction.ENDORSEMENT_KEY_ALLOWED, AuditAction.ATTESTATION_CA_REMOVED, AuditAction.ENDORSEMENT_KEY_REMOVED);
        assertThat(audit).allSatisfy(r -> assertThat(r.event().actor()).isEqualTo(Actor.of("alice")));
    }

    @Test
    @DisplayName("a leaf, an expired CA, a duplicate, a malformed hash and an unknown member are refused with 400 or 409")
    void refusals() throws Exception {
        assertThat(call(owner, "POST", "/attestation/cas", Map.of("certificate", AttestationCertificates.LEAF_PEM)).status()).isEqualTo(400);
        Answer expired = call(owner, "POST", "/attestation/cas", Map.of("certificate", AttestationCertificates.EXPIRED_CA_PEM));
        assertThat(expired.status()).isEqualTo(400);
        assertThat((String) expired.json().get("error")).contains("expired");
        assertThat(call(owner, "POST", "/attestation/cas", Map.of("certificate", AttestationCertificates.SECOND_CA_PEM)).status()).isEqualTo(201);
        assertThat(call(owner, "POST", "/attestation/cas", Map.of("certificate", AttestationCertificates.SECOND_CA_PEM)).status()).isEqualTo(409);
        assertThat(call(owner, "POST", "/attestation/endorsement-keys", Map.of("sha256", "abc")).status()).isEqualTo(400);
        assertThat(call(owner, "POST", "/attestation/cas", Map.of("certificate", AttestationCertificates.TRUSTED_CA_PEM, "pin", "x")).status())
                .isEqualTo(400);
        assertThat(call(owner, "GET", "/attestation", null).list("cas")).hasSize(1);
    }

    @Test
    @DisplayName("an admin narrowed to a subtree neither reads nor changes the organization's trust anchors (403)")
    void narrowedAdmin() throws Exception {
        AdminAuthorizer customerOnly = new AdminAuthorizer() {
            @Override
            public boolean allows(Actor actor, Optional<com.heartbeatrm.core.Organization> organization, AdminAction action) {
                return organization.isPresent();
            }

            @Override
            public boolean allowsIn(Actor actor, com.heartbeatrm.core.Organization organization, GroupPath group, AdminAction action) {
                return group.within(customer.id());
            }
        };
        AdminEndpoint tech = AdminEndpoint.builder(server, r -> new AdminAuthenticator.Authenticated(Actor.of("tech"))).authorizer(customerOnly)
                .build();
        assertThat(call(tech, "GET", "/attestation", null).status()).isEqualTo(403);
        assertThat(call(tech, "POST", "/attestation/cas", Map.of("certificate", AttestationCertificates.TRUSTED_CA_PEM)).status()).isEqualTo(403);
        assertThat(call(tech, "POST", "/attestation/endorsement-keys", Map.of("sha256", "ab".repeat(32))).status()).isEqualTo(403);
        assertThat(server.admin().attestation().trust(org.id()).isEmpty()).isTrue();
    }

    @Test
    @DisplayName("the group settings take attestation=tpm and attestedSkipsApproval, inherited and lockable; agents show attested")
    void settingsAndAgentRows() throws Exception {
        Answer set = call(owner, "POST", "/groups/" + org.rootGroup().id().value() + "/settings",
                Map.of("settings", Map.of("attestation", "tpm", "attestedSkipsApproval", "true"), "lock", List.of("attestation")));
        assertThat(set.status()).as(set.json().toString()).isEqualTo(200);
        var effective = server.admin().groups().effectiveSettings(org.id(), customer.id());
        assertThat(effective.attestation()).isEqualTo(com.heartbeatrm.core.AttestationRequirement.TPM);
        assertThat(effective.attestedSkipsApproval()).isTrue();
        Answer locked = call(owner, "POST", "/groups/" + customer.id().value() + "/settings", Map.of("settings", Map.of("attestation", "none")));
        assertThat(locked.status()).isEqualTo(409);
        Answer bad = call(owner, "POST", "/groups/" + customer.id().value() + "/settings", Map.of("settings", Map.of("attestedSkipsApproval",
                "maybe")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat((String) bad.json().get("error")).contains("attestedSkipsApproval");

        var key = server.admin().accessKeys().create(OWNER, org.id(), AccessKeySpec.builder("k", customer.id()).build());
        AgentAttestation att = AgentAttestation.allowListed("cd".repeat(32), clock.instant());
        Instant now = clock.instant();
        EnrollmentAttempt attempt = new EnrollmentAttempt(org.id(), InstallerId.random(), key.id(), "hbs_test", "ef".repeat(32), "n".repeat(22),
                now.plusSeconds(300), now, Optional.empty());
        Agent agent = new Agent(AgentId.random(), org.id(), customer.id(), AgentStatus.ACTIVE, now, key.id(), Optional.of(attempt.installer()), "pc-1",
                Platform.LINUX, "ef".repeat(32), AgentKeyType.ECDSA_P256, now, 1, Optional.of(now), Optional.of(now.plusSeconds(86400)),
                Optional.of(att), 0);
        store.agents().enroll(attempt, facts -> new EnrollmentVerdict.Admit(agent, AuditEvent.of(now, org.id(), Actor.SYSTEM,
                AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of())));
        Answer row = call(owner, "GET", "/agents/" + agent.id().value(), null);
        assertThat(row.json()).containsEntry("attested", Map.of("ekSha256", "cd".repeat(32), "trustedBy", "allow-list",
                "attestedAt", clock.instant().toString()));
    }
}
