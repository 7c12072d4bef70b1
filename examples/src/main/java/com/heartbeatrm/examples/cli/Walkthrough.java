package com.heartbeatrm.examples.cli;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.enrollment.EnrollmentService;
import com.heartbeatrm.enrollment.EnrollmentTokens;
import com.heartbeatrm.enrollment.IssuedToken;
import com.heartbeatrm.enrollment.TokenRequest;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.agent.AgentBase;
import com.heartbeatrm.examples.server.ReferenceServer;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.PackResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The product text, for real: a deployment on embedded H2 in a temporary directory, the HTTP server on a free
 * loopback port, installers generated from the sample agent, and each install run as a separate
 * {@code java -jar} process that enrolls over HTTP.
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
        try (Deployment d = Deployment.open(dir.resolve("data"), null, null, null)) {
            d.issuerKeys.ensureActiveKey();
            EnrollmentService enrollment = d.enrollment();
            try (ReferenceServer server = new ReferenceServer(enrollment, d.admin, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                server.start();
                d.setServerUrl(URI.create("http://127.0.0.1:" + server.port()));
                say("Started the HeartbeatRM server at http://127.0.0.1:%d (embedded H2 in %s).", server.port(), dir);

                NewOrganization acme = d.admin.organizations().setUp(alice, "Acme MSP");
                say("Set up \"Acme MSP\": root group and default access key %s, pointing at the root.", acme.defaultKey().id());
                Group customerA = d.admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer A");
                AccessKey key = d.admin.accessKeys().create(alice, acme.id(), AccessKeySpec.builder("Customer A Access Key", customerA.id()).build());
                say("Created group \"Customer A\" and \"Customer A Access Key\" (%s) for it.", key.id());

                Path base = dir.resolve("agent-base.jar");
                AgentBase.write(base, d.issuerKeys.publicKeySet());
                BaseInstaller prepared = BaseInstaller.open(base);
                EnrollmentTokens tokens = d.tokens();
                IssuedToken first = tokens.issue(alice, acme.id(), key.id(), TokenRequest.DEFAULTS);
                Path installer = dir.resolve("acme-customer-a-installer.jar");
                record(tokens, acme, first, prepared.writeTo(first.token(), installer));
                say("Generated installer %s for the key: %s.", first.record().id(), installer.getFileName());

                expect(install(installer, dir.resolve("pc-001")), 0, "Customer A", "the first computer joins Customer A");

                d.admin.accessKeys().disable(alice, acme.id(), key.id(), "installer posted on a forum");
                say("Disabled the key.");
                expect(install(installer, dir.resolve("pc-002")), 3, "access key was disabled", "a fresh install is refused");
                expect(install(installer, dir.resolve("pc-001")), 0, "renewed", "the first agent still renews its credential");

                d.admin.accessKeys().enable(alice, acme.id(), key.id());
                Group customerB = d.admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer B");
                d.admin.accessKeys().repoint(alice, acme.id(), key.id(), customerB.id());
                say("Enabled the key again and re-pointed it to the new group \"Customer B\" (the installer is unchanged).");
                expect(install(installer, dir.resolve("pc-003")), 0, "Customer B", "the next fresh install lands in Customer B");

                tokens.revoke(alice, acme.id(), first.record().id(), "superseded");
                say("Revoked installer %s.", first.record().id());
                expect(install(installer, dir.resolve("pc-004")), 3, "installer was revoked", "that installer is refused");

                d.admin.groups().setOverride(alice, acme.id(), customerB.id(), SecuritySetting.REQUIRE_APPROVAL, true);
                IssuedToken second = tokens.issue(alice, acme.id(), key.id(), TokenRequest.DEFAULTS);
                Path installer2 = dir.resolve("acme-customer-b-installer.jar");
                record(tokens, acme, second, prepared.writeTo(second.token(), installer2));
                say("Turned on requireApproval for Customer B and generated a new installer %s.", second.record().id());
                expect(install(installer2, dir.resolve("pc-005")), 2, "pending approval", "the next agent waits for approval");
                List<Agent> pending = enrollment.listPending(acme.id(), PageRequest.first(10)).items();
                for (Agent a : pending) {
                    enrollment.approve(alice, acme.id(), a.id());
                }
                say("Approved %d pending agent(s).", pending.size());
                expect(install(installer2, dir.resolve("pc-005")), 0, "Customer B", "after approval the agent gets its credential");
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        say(ok ? "Walk-through finished: every step behaved as the product text says." : "Walk-through FAILED: see the steps above.");
        return ok;
    }

    private static void record(EnrollmentTokens tokens, NewOrganization acme, IssuedToken issued, PackResult packed) {
        tokens.recordArtifacts(Actor.of("demo"), acme.id(), issued.record().id(), packed.format().recordName(),
                new ArtifactDigest(packed.base().sha256(), packed.base().size()), new ArtifactDigest(packed.output().sha256(), packed.output().size()));
    }

    private record Result(int exit, String output) {
    }

    /** Runs the installer as its own process, as a managed computer would. */
    private Result install(Path installer, Path stateDir) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-jar", installer.toString(), "--state-dir", stateDir.toString()).redirectErrorStream(true).start();
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
        say("Ran the installer (%s): exit %d, \"%s\" -> %s", stateName(what), r.exit(), r.output().replace('\n', ' '),
                good ? "as expected: " + what : "NOT as expected (wanted exit " + exit + " and \"" + text + "\")");
    }

    private static String stateName(String what) {
        return "separate java -jar process";
    }

    private void say(String format, Object... args) {
        out.printf("%2d. %s%n", ++step, String.format(format, args));
    }
}
