package com.heartbeatrm.examples.cli;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AttestationRequirement;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.TrustedCa;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.agent.AgentBase;
import com.heartbeatrm.examples.server.ReferenceServer;
import com.heartbeatrm.examples.tls.ServerTls;
import com.heartbeatrm.installer.BaseInstaller;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The product text, for real: a deployment on embedded H2 in a temporary directory, the HTTPS server on a free
 * loopback port with a self-signed key that every installer pins, installers generated from the sample agent, and
 * each install run as a separate {@code java -jar} process, as on a managed computer.
 */
final class Walkthrough {
    private final PrintStream out;
    private final Actor alice = Actor.of("alice@acme-msp.example");
    private int step;
    private boolean ok = true;

    Walkthrough(PrintStream out) {
        this.out = out;
    }

    boolean run() throws Exception {
        Path dir = Files.createTempDirectory("heartbeat-demo");
        Path data = dir.resolve("data");
        try (Deployment d = Deployment.open(data, null, null, null)) {
            d.server.signingKeys().ensureActiveKey();
            ServerTls tls = ServerTls.create(data, Optional.empty(), Optional.empty(), List.of("127.0.0.1", "localhost"));
            try (ReferenceServer server = ReferenceServer.builder(d.server.endpoint(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .tls(tls, data).build().start()) {
                URI base = URI.create("https://127.0.0.1:" + server.port() + "/v1/");
                d.setServerUrl(URI.create("https://127.0.0.1:" + server.port()));
                say("Started the HeartbeatRM server at https://127.0.0.1:%d (embedded H2 in %s); its self-signed TLS key has pin %s.",
                        server.port(), data, tls.currentPin());

                NewOrganization acme = d.admin.organizations().setUp(alice, "Acme MSP");
                say("Set up \"Acme MSP\": root group and default access key %s, pointing at the root.", acme.defaultKey().id());
                Group customerA = d.admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer A");
                AccessKey key = d.admin.accessKeys().create(alice, acme.id(), AccessKeySpec.builder("Customer A Access Key", customerA.id()).build());
                say("Created group \"Customer A\" and \"Customer A Access Key\" (%s) for it.", key.id());

                Path agentBase = dir.resolve("agent-base.jar");
                AgentBase.write(agentBase, d.server.signingKeys().publicKeySet());
                BaseInstaller sample = BaseInstaller.open(agentBase);
                say("Wrote the sample agent (%d KiB: the agent, the installer reader and jackson-core) with the issuer keys pinned.",
                        Files.size(agentBase) / 1024);
                InstallerRequest here = InstallerRequest.builder().endpoints(List.of(base)).build();
                Path installer = dir.resolve("acme-customer-a-installer.jar");
                InstallerRecord first = d.server.installers().issue(alice, acme.id(), key.id(), here, sample, installer);
                say("Generated installer %s for the key (it names https://127.0.0.1:%d and pins the TLS keys %s).", first.id(), server.port(),
                        d.tls().pins());

                expect(install(installer, dir.resolve("pc-001")), 0, "Customer A", "the first computer joins Customer A over pinned HTTPS");
                expect(install(installer, dir.resolve("pc-001")), 0, "renewed", "run again, it renews (credential generation 2)");

                Path wrongPin = dir.resolve("wrong-pin-installer.jar");
                d.server.installers().issue(alice, acme.id(), key.id(), InstallerRequest.builder().endpoints(List.of(base))
                        .tlsPins(List.of("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).build(), sample, wrongPin);
                expect(install(wrongPin, dir.resolve("pc-mitm")), 6, "server identity mismatch",
                        "an installer pinning another TLS key refuses this server before sending a byte");

                d.admin.accessKeys().disable(alice, acme.id(), key.id(), "installer posted on a forum");
                say("Disabled the key.");
                expect(install(installer, dir.resolve("pc-002")), 3, "access key was disabled", "a fresh install is refused");
                expect(install(installer, dir.resolve("pc-001")), 0, "renewed", "the first agent still renews its credential");

                d.admin.accessKeys().enable(alice, acme.id(), key.id());
                Group customerB = d.admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer B");
                d.admin.accessKeys().repoint(alice, acme.id(), key.id(), customerB.id());
                say("Enabled the key again and re-pointed it to the new group \"Customer B\" (the installer is unchanged).");
                expect(install(installer, dir.resolve("pc-003")), 0, "Customer B", "the next fresh install lands in Customer B");

                copy(dir.resolve("pc-003"), dir.resolve("pc-003-copy"));
                say("Copied pc-003's state directory to another computer (a clone of its identity).");
                expect(install(installer, dir.resolve("pc-003")), 0, "renewed", "the original renews first");
                expect(install(installer, dir.resolve("pc-003-copy")), 3, "clone", "the copy proves an older credential: the agent is locked");
                expect(install(installer, dir.resolve("pc-003")), 3, "clone", "while locked, the original is refused too");
                Agent locked = d.admin.agents().listByStatus(acme.id(), AgentStatus.LOCKED, PageRequest.first(10)).items().get(0);
                d.admin.agents().unlock(alice, acme.id(), locked.id(), "copy wiped");
                say("An administrator unlocked agent %s after wiping the copy (the lock and the unlock are in the audit log).", locked.id());
                expect(install(installer, dir.resolve("pc-003")), 0, "renewed", "the original renews again");

                d.server.installers().revoke(alice, acme.id(), first.id(), "superseded");
                say("Revoked installer %s.", first.id());
                expect(install(installer, dir.resolve("pc-004")), 3, "installer was revoked", "that installer is refused");

                d.admin.groups().setOverride(alice, acme.id(), customerB.id(), SecuritySetting.REQUIRE_APPROVAL, true);
                Path installer2 = dir.resolve("acme-customer-b-installer.jar");
                InstallerRecord second = d.server.installers().issue(alice, acme.id(), key.id(), here, sample, installer2);
                say("Turned on requireApproval for Customer B and generated a new installer %s.", second.id());
                expect(install(installer2, dir.resolve("pc-005")), 2, "pending approval", "the next agent waits for approval");
                List<Agent> pending = d.admin.agents().listPending(acme.id(), PageRequest.first(10)).items();
                for (Agent a : pending) {
                    d.admin.agents().approve(alice, acme.id(), a.id());
                }
                say("Approved %d pending agent(s).", pending.size());
                expect(install(installer2, dir.resolve("pc-005")), 0, "Customer B", "after approval the agent gets its credential");

                attested(d, acme, here, sample, dir);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        say(ok ? "Walk-through finished: every step behaved as the product text says." : "Walk-through FAILED: see the steps above.");
        return ok;
    }

    /**
     * TPM 2.0-attested enrollment on a software TPM: a manufacturer CA the demo makes issues the swtpm's EK certificate,
     * the organization trusts that CA, a group requires attestation and lets attested agents skip approval, and the
     * sample agent enrolls with its key in the TPM. Without swtpm on the PATH the demo says so in one line and goes on.
     */
    private void attested(Deployment d, NewOrganization acme, InstallerRequest here, BaseInstaller sample, Path dir) throws Exception {
        Optional<String> missing = SoftwareTpm.missingTool();
        if (missing.isPresent()) {
            say("Skipped the TPM-attested enrollment: %s is not on the PATH (it needs %s).", missing.get(), SoftwareTpm.TOOLS);
            return;
        }
        try (SoftwareTpm tpm = SoftwareTpm.manufacture(dir.resolve("tpm"), "Demo TPM Manufacturer CA")) {
            say("Started a software TPM (swtpm on 127.0.0.1, TCTI %s) whose EK certificate is issued by the demo's CA"
                    + " \"Demo TPM Manufacturer CA\".", tpm.tcti());
            // swtpm_localca makes the EK certificate valid from the second it was issued.
            Thread.sleep(1_100);
            TrustedCa ca = d.admin.attestation().trustCa(acme.id(), alice, tpm.caCertificatePem());
            say("Trusted that CA for Acme MSP (attestation trust-ca): fingerprint %s.", ca.fingerprint());
            Group attested = d.admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer C");
            d.admin.groups().setOverride(alice, acme.id(), attested.id(), SecuritySetting.REQUIRE_APPROVAL, true);
            d.admin.groups().setOverride(alice, acme.id(), attested.id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
            d.admin.groups().setOverride(alice, acme.id(), attested.id(), SecuritySetting.ATTESTED_SKIPS_APPROVAL, true);
            AccessKey key = d.admin.accessKeys().create(alice, acme.id(), AccessKeySpec.builder("Customer C Access Key", attested.id()).build());
            Path installer = dir.resolve("acme-customer-c-installer.jar");
            InstallerRecord issued = d.server.installers().issue(alice, acme.id(), key.id(), here, sample, installer);
            say("Created group \"Customer C\" with attestation=tpm, requireApproval=true and attestedSkipsApproval=true, and installer %s"
                    + " for its key.", issued.id());
            expect(install(installer, dir.resolve("pc-006")), 3, "attestation", "an agent without a TPM is refused: the group requires attestation");
            expect(install(installer, dir.resolve("pc-007"), "--tpm", tpm.tcti()), 0, "Customer C",
                    "with --tpm the agent's key is made in the TPM and attested: active at once, no approval");
            for (Agent a : d.admin.agents().listByGroup(acme.id(), attested.id(), PageRequest.first(10)).items()) {
                a.attestation().ifPresent(x -> say("agents list: %s %s %s attested EK %s by %s (at %s).", a.id(), a.hostname(), a.status(),
                        x.endorsementKeySha256(), x.trustedBy(), x.attestedAt()));
            }
            for (AuditRecord r : d.admin.audit().query(AuditQuery.all(acme.id())).items()) {
                if (r.event().after().containsKey("endorsementKeySha256")) {
                    say("audit #%d %s %s by %s: endorsementKeySha256=%s trustedBy=%s.", r.sequence(), r.event().action(),
                            r.event().subject().id(), r.event().actor().name(), r.event().after().get("endorsementKeySha256"),
                            r.event().after().get("trustedBy"));
                }
            }
            expect(install(installer, dir.resolve("pc-007"), "--tpm", tpm.tcti()), 0, "renewed",
                    "it renews with its TPM key, without attesting again");
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private record Result(int exit, String output) {
    }

    /**
     * Runs the installer as its own process, as a managed computer would; {@code --renew-now} so that a computer that
     * already enrolled renews at once instead of waiting until its credential is due (each step shows the server's rule).
     */
    private Result install(Path installer, Path stateDir, String... options) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", installer.toString(), "--state-dir", stateDir.toString(), "--renew-now"));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out");
        }
        return new Result(p.exitValue(), output);
    }

    private void expect(Result r, int exit, String text, String what) {
        boolean good = r.exit() == exit && r.output().contains(text);
        ok &= good;
        say("Ran the installer (separate java -jar process): exit %d, \"%s\" -> %s", r.exit(), r.output().replace('\n', ' '),
                good ? "as expected: " + what : "NOT as expected (wanted exit " + exit + " and \"" + text + "\")");
    }

    // Every call passes a literal format; the examples take no Error Prone annotations dependency for @FormatMethod.
    @SuppressWarnings("AnnotateFormatMethod")
    private void say(String format, Object... args) {
        out.printf("%2d. %s%n", ++step, String.format(format, args));
    }
}
