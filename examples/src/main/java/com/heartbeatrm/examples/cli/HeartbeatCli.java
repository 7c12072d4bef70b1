package com.heartbeatrm.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.heartbeatrm.agent.EnrollmentClaims;
import com.heartbeatrm.agent.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.PinnedKeySet;
import com.heartbeatrm.agent.TokenException;
import com.heartbeatrm.agent.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.enrollment.EnrollmentTokens;
import com.heartbeatrm.enrollment.IssuedToken;
import com.heartbeatrm.enrollment.TokenRequest;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.Views;
import com.heartbeatrm.examples.Quickstart;
import com.heartbeatrm.examples.agent.AgentBase;
import com.heartbeatrm.examples.server.ReferenceServer;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerPacker;
import com.heartbeatrm.installer.InstallerReader;
import com.heartbeatrm.installer.PackResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * The reference CLI: {@code java -jar heartbeat.jar COMMAND}. Global options may come before or after the
 * command. Errors print one line to stderr and exit non-zero; a stack trace only with {@code --verbose}.
 */
@Command(name = "heartbeat", mixinStandardHelpOptions = true, version = "HeartbeatRM reference 0.1.0",
        description = "HeartbeatRM reference server and admin CLI.",
        subcommands = {HeartbeatCli.Demo.class, HeartbeatCli.Init.class, HeartbeatCli.Serve.class, HeartbeatCli.AgentBaseCmd.class,
            HeartbeatCli.Installers.class, AdminCommands.Groups.class, AdminCommands.Keys.class, AdminCommands.Agents.class,
            AdminCommands.SigningKeys.class, HeartbeatCli.QuickstartCmd.class})
public final class HeartbeatCli {
    static final Actor CLI = Actor.of("cli");

    @Option(names = "--data", scope = ScopeType.INHERIT, description = "data directory (embedded H2); default ./heartbeat-data")
    Path data = Path.of("heartbeat-data");

    @Option(names = "--jdbc-url", scope = ScopeType.INHERIT, description = "use PostgreSQL or MariaDB instead of H2")
    String jdbcUrl;

    @Option(names = "--jdbc-user", scope = ScopeType.INHERIT, defaultValue = "${env:HEARTBEAT_JDBC_USER}")
    String jdbcUser;

    @Option(names = "--jdbc-password", scope = ScopeType.INHERIT, defaultValue = "${env:HEARTBEAT_JDBC_PASSWORD}")
    String jdbcPassword;

    @Option(names = "--org", scope = ScopeType.INHERIT, description = "organization name, where there are several")
    String org;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print stack traces")
    boolean verbose;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new HeartbeatCli());
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            HeartbeatCli root = line.getCommandSpec().root().userObject() instanceof HeartbeatCli h ? h : null;
            if (root != null && root.verbose) {
                ex.printStackTrace();
            } else {
                System.err.println("error: " + oneLine(ex));
            }
            if (ex instanceof InstallerException || ex instanceof TokenException) {
                return 4;
            }
            return 1;
        });
        // Usage mistakes are errors too: one line, with a pointer to --help.
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println("error: " + oneLine(ex) + " (see --help)");
            return 2;
        });
        System.exit(cli.execute(args));
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("[\\r\\n]+", " ");
    }

    Deployment open() throws IOException {
        return Deployment.open(data, jdbcUrl, jdbcUser, jdbcPassword);
    }

    Organization organization(Deployment d) {
        return Views.organization(d, org);
    }


    @Command(name = "demo", description = "The product walk-through, end to end, in a temporary directory (H2, real server, real installer).")
    static final class Demo implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return new Walkthrough(System.out).run() ? 0 : 1;
        }
    }

    @Command(name = "quickstart", description = "The in-process quickstart on the in-memory store.")
    static final class QuickstartCmd implements Callable<Integer> {
        @Override
        public Integer call() {
            Quickstart.main(new String[0]);
            return 0;
        }
    }

    @Command(name = "init", description = "Creates the issuer signing keys if absent, the organization, its root group and default key.")
    static final class Init implements Callable<Integer> {
        @CommandLine.ParentCommand
        HeartbeatCli root;

        @Option(names = "--server-url", defaultValue = "http://127.0.0.1:8080", description = "enrollment endpoint embedded in installers")
        URI serverUrl;

        @Override
        public Integer call() throws Exception {
            try (Deployment d = root.open()) {
                if (root.org == null) {
                    throw new InvalidInputException("--org", "name the organization to create");
                }
                EnrollmentClaims.checkEndpoint(serverUrl);
                d.setServerUrl(serverUrl);
                d.issuerKeys.ensureActiveKey();
                NewOrganization o = d.admin.organizations().setUp(CLI, root.org);
                System.out.println(o.defaultKey().id());
            }
            return 0;
        }
    }

    @Command(name = "serve", description = "Runs the HTTP server (enrollment, renewal, admin API, web console, installer downloads) until stopped.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.ParentCommand
        HeartbeatCli root;

        @Option(names = "--port", defaultValue = "8080")
        int port;

        @Option(names = "--bind", defaultValue = "127.0.0.1")
        String bind;

        @Override
        public Integer call() throws Exception {
            Deployment d = root.open();
            d.issuerKeys.ensureActiveKey();
            String adminToken = System.getenv("HEARTBEAT_ADMIN_TOKEN");
            boolean generated = adminToken == null || adminToken.isBlank();
            if (generated) {
                byte[] random = new byte[24];
                new java.security.SecureRandom().nextBytes(random);
                adminToken = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            }
            ReferenceServer server = ReferenceServer.withAdminApi(d, adminToken, new InetSocketAddress(InetAddress.getByName(bind), port));
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                d.close();
                stopped.countDown();
            }));
            server.start();
            System.out.println("serving on http://" + bind + ":" + server.port());
            System.out.println("web console: http://" + bind + ":" + server.port() + "/ (sign in with the admin token)");
            System.out.println(generated ? "admin API token (Authorization: Bearer …): " + adminToken
                    : "admin API token: from HEARTBEAT_ADMIN_TOKEN");
            System.out.flush();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "agent-base", description = "Writes the sample agent as a runnable JAR with this deployment's public signing keys pinned.")
    static final class AgentBaseCmd implements Callable<Integer> {
        @CommandLine.ParentCommand
        HeartbeatCli root;

        @Option(names = "--out", required = true)
        Path out;

        @Override
        public Integer call() throws Exception {
            try (Deployment d = root.open()) {
                d.issuerKeys.ensureActiveKey();
                AgentBase.write(out, d.issuerKeys.publicKeySet());
                System.out.println(out);
            }
            return 0;
        }
    }

    @Command(name = "installers", description = "Generate and inspect installers.", subcommands = {Installers.Generate.class, Installers.Inspect.class,
        AdminCommands.InstallerList.class, AdminCommands.InstallerRevoke.class})
    static final class Installers {
        @Command(name = "generate", description = "Writes the installer for a key; prints the installer (token) id.")
        static final class Generate implements Callable<Integer> {
            @CommandLine.ParentCommand
            Installers parent;

            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Option(names = "--key", required = true, description = "key id or unique key name")
            String key;

            @Option(names = "--out", required = true)
            Path out;

            @Option(names = "--base", description = "base installer; default: the sample agent")
            Path base;

            @Option(names = "--platform")
            String platform;

            @Option(names = "--server-url")
            URI serverUrl;

            @Override
            public Integer call() throws Exception {
                HeartbeatCli root = (HeartbeatCli) spec.root().userObject();
                try (Deployment d = root.open()) {
                    Organization o = root.organization(d);
                    AccessKey k = Views.key(d, o, key);
                    TokenRequest.Builder request = TokenRequest.builder();
                    if (platform != null) {
                        request.platform(Platform.parse(platform));
                    }
                    if (serverUrl != null) {
                        request.endpoints(java.util.List.of(serverUrl.resolve("/v1/enroll")));
                    }
                    EnrollmentTokens tokens = d.tokens();
                    IssuedToken issued = tokens.issue(CLI, o.id(), k.id(), request.build());
                    Path baseFile = base;
                    Path tmpBase = null;
                    if (baseFile == null) {
                        tmpBase = Files.createTempFile(out.toAbsolutePath().getParent(), ".agent-base", ".jar");
                        AgentBase.write(tmpBase, d.issuerKeys.publicKeySet());
                        baseFile = tmpBase;
                    }
                    try {
                        PackResult packed = InstallerPacker.pack(baseFile, issued.token(), out);
                        tokens.recordArtifacts(CLI, o.id(), issued.record().id(), packed.format().recordName(),
                                new ArtifactDigest(packed.base().sha256(), packed.base().size()),
                                new ArtifactDigest(packed.output().sha256(), packed.output().size()));
                    } finally {
                        if (tmpBase != null) {
                            Files.deleteIfExists(tmpBase);
                        }
                    }
                    System.out.println(issued.record().id());
                }
                return 0;
            }
        }

        @Command(name = "inspect", description = "Finds and verifies the embedded token; prints its claims as JSON (exit 4 if invalid).")
        static final class Inspect implements Callable<Integer> {
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Parameters(index = "0")
            Path file;

            @Option(names = "--trust", description = "an exported key set (JSON) to trust instead of this deployment's keys")
            Path trust;

            @Override
            public Integer call() throws Exception {
                HeartbeatCli root = (HeartbeatCli) spec.root().userObject();
                PinnedKeySet keys;
                if (trust != null) {
                    keys = PinnedKeySet.parseJson(Files.readString(trust));
                } else {
                    try (Deployment d = root.open()) {
                        keys = d.issuerKeys.publicKeySet();
                    }
                }
                VerifiedEnrollmentToken v;
                try {
                    v = InstallerReader.readAndVerify(file, EnrollmentTokenVerifier.builder(keys).build());
                } catch (InstallerException | TokenException e) {
                    System.err.println("invalid installer: " + oneLine(e));
                    return 4;
                }
                EnrollmentClaims c = v.claims();
                ObjectNode json = new ObjectMapper().createObjectNode();
                json.put("installerId", c.tokenId());
                json.put("organizationId", c.organizationId());
                json.put("accessKeyId", c.accessKeyId());
                json.put("issuer", c.issuer());
                json.put("issuedAt", c.issuedAt().toString());
                c.expiresAt().ifPresent(e -> json.put("expiresAt", e.toString()));
                json.putArray("endpoints").addAll(c.endpoints().stream().map(u -> json.textNode(u.toString())).toList());
                c.platform().ifPresent(p -> json.put("platform", p));
                json.put("signingKeyId", v.signingKeyId());
                System.out.println(json.toPrettyString());
                return 0;
            }
        }
    }

}
