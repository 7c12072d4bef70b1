package com.heartbeatrm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentAttestation;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentKeyType;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.examples.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's {@code attestation} commands, the attestation group settings and {@code agents list}'s attested column. */
@DisplayName("the reference CLI's attestation commands")
class AttestationCliTest {
    @TempDir
    Path tmp;

    /** Runs openssl (the oracle that made and fingerprints the certificates); fails the test when it fails. */
    private String openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** A self-signed P-256 certificate made by openssl with these basic constraints; returns its SHA-256 as openssl prints it. */
    private String certificate(String name, String basicConstraints) throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key", "-subj",
                "/CN=" + name, "-days", "30", "-addext", "basicConstraints=critical," + basicConstraints, "-out", name + ".pem");
        String fp = openssl("x509", "-in", name + ".pem", "-noout", "-fingerprint", "-sha256").strip();
        return fp.substring(fp.indexOf('=') + 1).replace(":", "").toLowerCase(Locale.ROOT);
    }

    @Test
    @DisplayName("trust-ca, allow-ek, list, remove: fingerprints as openssl computes them; a non-CA and a duplicate are refused")
    void trustAnchors() throws Exception {
        String data = tmp.resolve("data").toString();
        assertThat(CliRun.of("--data", data, "init", "--org", "Acme MSP", "--server-url", "http://127.0.0.1:8080").exit()).isZero();
        String caSha = certificate("ek-ca", "CA:TRUE");
        certificate("leaf", "CA:FALSE");

        CliRun trust = CliRun.of("--data", data, "attestation", "trust-ca", tmp.resolve("ek-ca.pem").toString());
        assertThat(trust.exit()).as(trust.err()).isZero();
        assertThat(trust.out()).startsWith(caSha + "\tCN=ek-ca\t");
        CliRun again = CliRun.of("--data", data, "attestation", "trust-ca", tmp.resolve("ek-ca.pem").toString());
        assertThat(again.exit()).isNotZero();
        assertThat(again.err()).contains("already exists");
        CliRun leaf = CliRun.of("--data", data, "attestation", "trust-ca", tmp.resolve("leaf.pem").toString());
        assertThat(leaf.exit()).isNotZero();
        assertThat(leaf.err()).contains("not a CA");

        String ek = "0f".repeat(32);
        CliRun allow = CliRun.of("--data", data, "attestation", "allow-ek", ek.toUpperCase(Locale.ROOT), "--label", "bench 3");
        assertThat(allow.exit()).as(allow.err()).isZero();
        assertThat(allow.out().strip()).isEqualTo(ek);
        CliRun list = CliRun.of("--data", data, "attestation", "list");
        assertThat(list.out().lines()).containsExactly("ca\t" + caSha + "\tCN=ek-ca\t" + trust.out().strip().split("\t")[2].substring(9),
                "ek\t" + ek + "\tbench 3");

        assertThat(CliRun.of("--data", data, "attestation", "remove-ca", caSha).exit()).isZero();
        assertThat(CliRun.of("--data", data, "attestation", "remove-ek", ek).exit()).isZero();
        assertThat(CliRun.of("--data", data, "attestation", "list").out()).isEmpty();
        CliRun gone = CliRun.of("--data", data, "attestation", "remove-ek", ek);
        assertThat(gone.exit()).isNotZero();
    }

    @Test
    @DisplayName("groups set takes attestation=tpm and attestedSkipsApproval; agents list shows what was attested")
    void settingsAndAgentsList() throws Exception {
        Path data = tmp.resolve("data");
        assertThat(CliRun.of("--data", data.toString(), "init", "--org", "Acme MSP", "--server-url", "http://127.0.0.1:8080").exit()).isZero();
        CliRun set = CliRun.of("--data", data.toString(), "groups", "set", "/", "attestation=tpm", "attestedSkipsApproval=true");
        assertThat(set.exit()).as(set.err()).isZero();
        CliRun show = CliRun.of("--data", data.toString(), "groups", "show", "/");
        assertThat(show.out()).containsPattern("attestation\\s+tpm").containsPattern("attestedSkipsApproval\\s+true");
        CliRun bad = CliRun.of("--data", data.toString(), "groups", "set", "/", "attestation=sgx");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("none or tpm");

        String ek = "a1".repeat(32);
        try (Deployment d = Deployment.open(data, null, null, null)) {
            Organization org = d.server.admin().organizations().list(PageRequest.first(1)).items().get(0);
            var key = d.server.admin().accessKeys().list(org.id(), PageRequest.first(1)).items().get(0);
            Instant now = Instant.now();
            String fp = "b2".repeat(32);
            EnrollmentAttempt attempt = new EnrollmentAttempt(org.id(), InstallerId.random(), key.id(), "hbs_test", fp, "n".repeat(22),
                    now.plusSeconds(300), now, Optional.empty());
            Agent agent = new Agent(AgentId.random(), org.id(), key.groupId(), AgentStatus.ACTIVE, now, key.id(), Optional.of(attempt.installer()), "pc-tpm",
                    Platform.LINUX, fp, AgentKeyType.ECDSA_P256, now, 1, Optional.of(now), Optional.of(now.plusSeconds(86400)),
                    Optional.of(AgentAttestation.allowListed(ek, now)), 0);
            d.store.agents().enroll(attempt, facts -> new EnrollmentVerdict.Admit(agent, AuditEvent.of(now, org.id(), Actor.SYSTEM,
                    AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of())));
        }
        CliRun agents = CliRun.of("--data", data.toString(), "agents", "list");
        assertThat(agents.exit()).as(agents.err()).isZero();
        assertThat(agents.out()).contains("pc-tpm").contains("ecdsa-p256").endsWith("\t" + ek + " by allow-list\n");
        CliRun json = CliRun.of("--data", data.toString(), "agents", "list", "--json");
        assertThat(json.out()).contains("\"ekSha256\" : \"" + ek + "\"").contains("\"trustedBy\" : \"allow-list\"");
    }

    @Test
    @DisplayName("agents list and show print the machine fingerprint; agents move into a group requiring TPM refuses an unattested agent")
    void machineFingerprintAndMoveRefused() throws Exception {
        Path data = tmp.resolve("data");
        assertThat(CliRun.of("--data", data.toString(), "init", "--org", "Acme MSP", "--server-url", "http://127.0.0.1:8080").exit()).isZero();
        assertThat(CliRun.of("--data", data.toString(), "groups", "create", "Vault").exit()).isZero();
        CliRun set = CliRun.of("--data", data.toString(), "groups", "set", "Vault", "attestation=tpm");
        assertThat(set.exit()).as(set.err()).isZero();
        AgentId id = AgentId.random();
        try (Deployment d = Deployment.open(data, null, null, null)) {
            Organization org = d.server.admin().organizations().list(PageRequest.first(1)).items().get(0);
            var key = d.server.admin().accessKeys().list(org.id(), PageRequest.first(1)).items().get(0);
            Instant now = Instant.now();
            String fp = "c3".repeat(32);
            EnrollmentAttempt attempt = new EnrollmentAttempt(org.id(), InstallerId.random(), key.id(), "hbs_test", fp, "m".repeat(22),
                    now.plusSeconds(300), now, Optional.empty());
            Agent agent = new Agent(id, org.id(), key.groupId(), AgentStatus.ACTIVE, now, key.id(), Optional.of(attempt.installer()), "pc-plain",
                    Platform.LINUX, fp, AgentKeyType.ED25519, now, 1, Optional.of(now), Optional.of(now.plusSeconds(86400)), Optional.empty(),
                    Optional.of("hw-uuid-4711"), 0);
            d.store.agents().enroll(attempt, facts -> new EnrollmentVerdict.Admit(agent, AuditEvent.of(now, org.id(), Actor.SYSTEM,
                    AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of())));
        }
        CliRun list = CliRun.of("--data", data.toString(), "agents", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("pc-plain").contains("\thw-uuid-4711\t");
        CliRun show = CliRun.of("--data", data.toString(), "agents", "show", id.value());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).containsPattern("(?m)^machineFingerprint\\s+hw-uuid-4711$").containsPattern("(?m)^id\\s+" + id.value() + "$");

        CliRun move = CliRun.of("--data", data.toString(), "agents", "move", id.value(), "--group", "Vault");
        assertThat(move.exit()).isNotZero();
        assertThat(move.err()).contains("not TPM-attested").contains("attestation=tpm");
        assertThat(CliRun.of("--data", data.toString(), "agents", "show", id.value()).out()).containsPattern("(?m)^group\\s+/$");
    }
}
