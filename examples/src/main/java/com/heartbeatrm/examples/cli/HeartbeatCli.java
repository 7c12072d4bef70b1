package com.heartbeatrm.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.IdShape;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.SigningKeyInfo;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.enrollment.admin.AdminAuthenticator;
import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminToken;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.Quickstart;
import com.heartbeatrm.examples.agent.AgentBase;
import com.heartbeatrm.examples.server.ReferenceServer;
import com.heartbeatrm.examples.tls.ServerTls;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerReader;
import com.heartbeatrm.installer.InstallerTag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * The reference CLI: {@code java -jar heartbeat.jar COMMAND}. Global options may come before or after the
 * command; every command answers {@code --help}. Errors print one line to stderr and exit non-zero (1 refused,
 * 2 usage, 4 invalid installer); a stack trace only with {@code --verbose}. The database password never comes from
 * the command line (other local users read it there): {@code HEARTBEAT_JDBC_PASSWORD} or an owner-only
 * {@code --jdbc-password-file}.
 */
// scope = INHERIT: every subcommand, including one added later, answers --help (and --version).
@Command(name = "heartbeat", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "HeartbeatRM reference 0.1.0",
        description = "HeartbeatRM reference server and admin CLI.",
        subcommands = {HeartbeatCli.Demo.class, HeartbeatCli.Init.class, HeartbeatCli.Serve.class, HeartbeatCli.Tls.class,
            HeartbeatCli.AgentBaseCmd.class, HeartbeatCli.Installers.class, AdminCommands.Groups.class, AdminCommands.Keys.class,
            AdminCommands.Agents.class, AdminCommands.SigningKeys.class, AttestationCommands.Attestation.class, HeartbeatCli.QuickstartCmd.class})
public final class HeartbeatCli {
    static final Actor CLI = Actor.of("cli");

    @Option(names = "--data", scope = ScopeType.INHERIT, description = "data directory (embedded H2, keys, TLS); default ./heartbeat-data")
    Path data = Path.of("heartbeat-data");

    @Option(names = "--jdbc-url", scope = ScopeType.INHERIT, description = "use PostgreSQL or MariaDB instead of H2")
    String jdbcUrl;

    @Option(names = "--jdbc-user", scope = ScopeType.INHERIT, defaultValue = "${env:HEARTBEAT_JDBC_USER}")
    String jdbcUser;

    /** Refused: kept only to say why, without echoing the value as an unmatched argument would. */
    @Option(names = "--jdbc-password", scope = ScopeType.INHERIT, hidden = true)
    String passwordOnCommandLine;

    @Option(names = "--jdbc-password-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "the database password, in an owner-only file (else HEARTBEAT_JDBC_PASSWORD)")
    Path jdbcPasswordFile;

    @Option(names = "--org", scope = ScopeType.INHERIT, description = "organization name or id, where there are several")
    String org;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print stack traces")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        HeartbeatCli root = new HeartbeatCli();
        CommandLine cli = new CommandLine(root);
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cli.setExecutionStrategy(parsed -> {
            if (root.passwordOnCommandLine != null) {
                throw new CommandLine.ParameterException(cli, PASSWORD_REFUSED);
            }
            return runLast.execute(parsed);
        });
        cli.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (root.verbose) {
                ex.printStackTrace();
            } else {
                System.err.println("error: " + oneLine(ex));
            }
            if (ex instanceof InstallerException || ex instanceof TokenException) {
                return 4;
            }
            if (ex instanceof UsageException) {
                return 2;
            }
            return 1;
        });
        // Usage mistakes are errors too: one line, with a pointer to --help.
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println("error: " + oneLine(ex) + " (see --help)");
            return 2;
        });
        return cli.execute(args);
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\p{Cntrl}+", " ");
    }

    /** A command used wrongly in a way picocli cannot see (exit 2). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    Deployment open() throws IOException {
        return open(com.heartbeatrm.enrollment.RetentionPolicy.DEFAULTS);
    }

    Deployment open(com.heartbeatrm.enrollment.RetentionPolicy retention) throws IOException {
        return Deployment.open(data, jdbcUrl, jdbcUser, jdbcPassword(System.getenv(PASSWORD_ENV)), retention);
    }

    static final String PASSWORD_ENV = "HEARTBEAT_JDBC_PASSWORD";
    private static final int MAX_PASSWORD_FILE = 4096;

    /** Why {@code --jdbc-password} is refused, before any command runs (whether or not it would open the database). */
    static final String PASSWORD_REFUSED = "--jdbc-password is not accepted: a password on the command line is visible to every local user"
            + " (ps, /proc); set " + PASSWORD_ENV + " or use --jdbc-password-file FILE (owner-only)";

    /**
     * The database password: from {@code --jdbc-password-file} (a regular file of this user, not a link, no group or
     * other permission; its first line), else {@code env} (the value of {@code HEARTBEAT_JDBC_PASSWORD}), else none.
     */
    String jdbcPassword(String env) throws IOException {
        if (jdbcPasswordFile == null) {
            return env;
        }
        Path f = jdbcPasswordFile;
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException("--jdbc-password-file " + f + ": not a regular file (a link, a directory, or missing)");
        }
        if (!Files.getOwner(f, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))) {
            throw new UsageException("--jdbc-password-file " + f + ": owned by another user");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS);
            if (!Deployment.ownerOnlyFile(perms)) {
                throw new UsageException("--jdbc-password-file " + f + ": other users may read it (mode " + PosixFilePermissions.toString(perms)
                        + "); chmod 600 it");
            }
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX modes: the file's ACL is the operator's
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > MAX_PASSWORD_FILE) {
                throw new UsageException("--jdbc-password-file " + f + ": larger than " + MAX_PASSWORD_FILE + " bytes");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read it all
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            int eol = text.indexOf('\n');
            String line = eol < 0 ? text : text.substring(0, eol);
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }
    }

    /**
     * Where {@code --out} may write: a new path, or an existing regular file (replaced by a move). A directory, a
     * FIFO, a device or a symbolic link is refused.
     */
    static void checkOut(Path out) {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException("--out " + out + " is not a regular file (a directory, link, FIFO or device): choose a new path");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UsageException("--out " + out + ": the directory does not exist");
        }
    }

    /** Writes {@code content} to {@code --out} through a temp file and a move, after {@link #checkOut}. */
    static void writeOut(Path out, byte[] content) throws IOException {
        checkOut(out);
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".hb-out", ".tmp");
        try {
            Files.write(tmp, content);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Command(name = "demo", description = "The product walk-through, end to end, in a temporary directory (H2, HTTPS server, real installers).")
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

    @Command(name = "init", description = "Creates the signing key and TLS identity if absent, and the organization with its root group and"
            + " default key; prints the default key's id.")
    static final class Init implements Callable<Integer> {
        @CommandLine.ParentCommand
        HeartbeatCli root;

        @Option(names = "--server-url", description = "the URL agents reach this server at; default https://127.0.0.1:8443")
        URI serverUrl;

        @Option(names = "--tls-cert", description = "PEM certificate (chain) to serve, instead of a self-signed one")
        Path tlsCert;

        @Option(names = "--tls-key", description = "PEM private key of --tls-cert")
        Path tlsKey;

        @Option(names = "--signing-keys-pkcs11", paramLabel = "CONFIG", description = "keep the issuer signing keys on the PKCS#11"
                + " token this SunPKCS11 configuration names: ECDSA P-256 keys generated there, never extractable")
        Path signingKeysPkcs11;

        @Option(names = "--pkcs11-pin-file", paramLabel = "FILE", description = "the token's user PIN, in an owner-only file")
        Path pkcs11PinFile;

        @Override
        public Integer call() throws Exception {
            if (root.org == null) {
                throw new UsageException("--org: name the organization to create");
            }
            if ((signingKeysPkcs11 == null) != (pkcs11PinFile == null)) {
                throw new UsageException("--signing-keys-pkcs11 and --pkcs11-pin-file go together");
            }
            if (signingKeysPkcs11 != null) {
                Deployment.useIssuerToken(root.data, signingKeysPkcs11, pkcs11PinFile);
            }
            try (Deployment d = root.open()) {
                URI url = serverUrl != null ? serverUrl : d.serverUrl();
                try {
                    EnrollmentClaims.checkEndpoint(Deployment.baseUrl(url));
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--server-url: " + e.getMessage());
                }
                d.setServerUrl(url);
                SigningKeyInfo active = d.server.signingKeys().ensureActiveKey();
                if (signingKeysPkcs11 != null && active.publicKey().algorithm() != SigningPublicKey.Algorithm.ES256) {
                    // A software key made before: the token's first key succeeds it, endorsed by it.
                    d.server.signingKeys().rotate();
                }
                if (url.getScheme().equals("https") && !d.tlsConfigured()) {
                    ServerTls.create(d.dataDir(), Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey), tlsHosts(url));
                } else if (tlsCert != null || tlsKey != null) {
                    throw new UsageException("--tls-cert/--tls-key: a TLS identity exists already (use tls rotate) or the URL is http");
                }
                NewOrganization o = d.admin.organizations().setUp(CLI, root.org);
                System.out.println(o.defaultKey().id());
            }
            return 0;
        }
    }

    /** The names a self-signed certificate covers: the URL's host, loopback and localhost. */
    static List<String> tlsHosts(URI url) {
        List<String> hosts = new ArrayList<>(List.of("127.0.0.1", "::1", "localhost"));
        String h = url.getHost();
        if (h != null && !hosts.contains(h)) {
            hosts.add(0, h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
        }
        return hosts;
    }

    @Command(name = "serve", description = "Runs the server (enrollment, renewal, admin API, web console, installer downloads) until stopped.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.ParentCommand
        HeartbeatCli root;

        @Option(names = "--port", description = "default: the server URL's port")
        Integer port;

        @Option(names = "--bind", defaultValue = "127.0.0.1")
        String bind;

        @Option(names = "--insecure-http", description = "serve plain http on a non-loopback address (tokens and credentials in the clear)")
        boolean insecureHttp;

        @Option(names = "--request-log", description = "log a line per request (method, path, status, ms) to standard error, from a"
                + " thread of its own; off by default")
        boolean requestLog;

        @Option(names = "--audit-retention-days", defaultValue = "400", paramLabel = "DAYS",
                description = "delete audit records older than this; 0 keeps them forever (default: ${DEFAULT-VALUE})")
        int auditRetentionDays;

        @Option(names = "--installer-grace-days", defaultValue = "90", paramLabel = "DAYS",
                description = "delete records of installers revoked or expired longer ago; 0 keeps them (default: ${DEFAULT-VALUE})")
        int installerGraceDays;

        @Option(names = "--sweep-minutes", defaultValue = "15", paramLabel = "MINUTES",
                description = "pause between retention sweeps (audit, installers, the groups' staleAgents and ephemeralAgents"
                        + " rules); 0 turns the sweeper off (default: ${DEFAULT-VALUE})")
        int sweepMinutes;

        /** The retention the options ask for; RetentionPolicy.RECOMMENDED with the defaults. */
        com.heartbeatrm.enrollment.RetentionPolicy retention() {
            if (auditRetentionDays < 0 || installerGraceDays < 0 || sweepMinutes < 0) {
                throw new UsageException("--audit-retention-days, --installer-grace-days and --sweep-minutes take 0 or more");
            }
            return com.heartbeatrm.enrollment.RetentionPolicy.builder()
                    .auditRetention(auditRetentionDays == 0 ? null : Duration.ofDays(auditRetentionDays))
                    .installerGrace(installerGraceDays == 0 ? null : Duration.ofDays(installerGraceDays))
                    .sweepEvery(sweepMinutes == 0 ? null : Duration.ofMinutes(sweepMinutes)).build();
        }

        @Override
        public Integer call() throws Exception {
            Deployment d = root.open(retention());
            try {
                d.server.signingKeys().ensureActiveKey();
                URI url = d.serverUrl();
                InetAddress bindAddress = InetAddress.getByName(bind);
                boolean https = url.getScheme().equals("https");
                if (!https && !bindAddress.isLoopbackAddress() && !insecureHttp) {
                    throw new UsageException("the server URL is http and --bind " + bind + " is not loopback: use https (init), or --insecure-http");
                }
                if (https && !d.tlsConfigured()) {
                    throw new UsageException("the server URL is https but there is no TLS identity: run init");
                }
                AdminToken token = adminToken(d);
                Path work = d.dataDir().resolve("work");
                Deployment.ensurePrivateDirectory(work);
                AgentBase.Cache bases = new AgentBase.Cache(d.server.signingKeys()::publicKeySet, work);
                AdminEndpoint admin = AdminEndpoint.builder(d.server, AdminAuthenticator.bearer(token, Actor.of("admin-api"), d.clock))
                        .installerBase(bases::current).workDirectory(work).build();
                int p = port != null ? port : url.getPort() > 0 ? url.getPort() : https ? 8443 : 8080;
                ReferenceServer.Builder b = ReferenceServer.builder(d.server.endpoint(), new InetSocketAddress(bindAddress, p)).admin(admin)
                        .requestLog(requestLog);
                if (https) {
                    b.tls(d.tls(), d.dataDir());
                }
                ReferenceServer server = b.build().start();
                CountDownLatch stopped = new CountDownLatch(1);
                Deployment opened = d;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    opened.close();
                    stopped.countDown();
                }));
                String where = server.scheme() + "://" + (bindAddress.getHostAddress().contains(":") ? "[" + bind + "]" : bind) + ":" + server.port();
                System.out.println("serving on " + where + (https ? " (TLS key pin " + d.tls().currentPin() + ")" : ""));
                System.out.println("web console: " + where + "/ (sign in with the admin token)");
                System.out.println(System.getenv("HEARTBEAT_ADMIN_TOKEN") != null ? "admin token: from HEARTBEAT_ADMIN_TOKEN"
                        : "admin token: in " + d.dataDir().resolve("admin-token") + " (owner-only)");
                System.out.flush();
                d = null;
                stopped.await();
                return 0;
            } finally {
                if (d != null) {
                    d.close();
                }
            }
        }

        /** The admin token: from the environment (at least 128 bits), else the one in DATA/admin-token, made once. */
        private static AdminToken adminToken(Deployment d) throws IOException {
            String env = System.getenv("HEARTBEAT_ADMIN_TOKEN");
            if (env != null) {
                try {
                    return AdminToken.of(env.strip());
                } catch (InvalidInputException e) {
                    throw new UsageException("HEARTBEAT_ADMIN_TOKEN " + e.getMessage().replaceFirst("^adminToken: ", ""));
                }
            }
            Path file = d.dataDir().resolve("admin-token");
            if (!Files.exists(file)) {
                AdminToken t = AdminToken.generate();
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                t.writeTo(out);
                Deployment.writePrivate(file, out.toByteArray());
                return t;
            }
            return AdminToken.of(Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII).strip());
        }
    }

    @Command(name = "tls", description = "The server's TLS identity.", subcommands = {Tls.Show.class, Tls.Rotate.class})
    static final class Tls {
        @Command(name = "show", description = "Prints the pins new installers name (current key, then next).")
        static final class Show implements Callable<Integer> {
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                HeartbeatCli root = (HeartbeatCli) spec.root().userObject();
                ServerTls.load(root.data).pins().forEach(System.out::println);
                return 0;
            }
        }

        @Command(name = "rotate", description = "Serves the next TLS key (which every recent installer pins already) and makes a new next one;"
                + " a running serve reloads it. Prints the new pins.")
        static final class Rotate implements Callable<Integer> {
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() throws Exception {
                HeartbeatCli root = (HeartbeatCli) spec.root().userObject();
                URI url;
                try (Deployment d = root.open()) {
                    url = d.serverUrl();
                }
                ServerTls.rotate(root.data, tlsHosts(url)).pins().forEach(System.out::println);
                return 0;
            }
        }
    }

    @Command(name = "agent-base", description = "Writes the sample agent (under 1 MiB) with this deployment's public signing keys pinned.")
    static final class AgentBaseCmd implements Callable<Integer> {
        @CommandLine.ParentCommand
        HeartbeatCli root;

        @Option(names = "--out", required = true)
        Path out;

        @Override
        public Integer call() throws Exception {
            checkOut(out);
            try (Deployment d = root.open()) {
                d.server.signingKeys().ensureActiveKey();
                AgentBase.write(out, d.server.signingKeys().publicKeySet());
                System.out.println(out);
            }
            return 0;
        }
    }

    @Command(name = "installers", description = "Generate and inspect installers.", subcommands = {Installers.Generate.class, Installers.Inspect.class,
        DeliveryCommands.Token.class, DeliveryCommands.Profile.class, DeliveryCommands.Admx.class, AdminCommands.InstallerList.class, AdminCommands.InstallerRevoke.class})
    static final class Installers {
        @Command(name = "generate", description = "Writes the installer for a key; prints the installer id.")
        static final class Generate implements Callable<Integer> {
            @CommandLine.Spec
            CommandLine.Model.CommandSpec spec;

            @Option(names = "--key", required = true, description = "key id or name")
            String key;

            @Option(names = "--out", required = true)
            Path out;

            @Option(names = "--base", description = "base installer; default: the sample agent")
            Path base;

            @Option(names = "--platform")
            String platform;

            @Option(names = "--server-url", description = "another URL this installer's agents enroll at")
            URI serverUrl;

            @Option(names = "--single-use", description = DeliveryCommands.SINGLE_USE)
            boolean singleUse;

            @Override
            public Integer call() throws Exception {
                HeartbeatCli root = (HeartbeatCli) spec.root().userObject();
                checkOut(out);
                try (Deployment d = root.open()) {
                    LocalApi api = new LocalApi(d, root.org);
                    String keyId = api.get("/keys/" + LocalApi.seg(key), java.util.Map.of()).path("id").asText();
                    Organization o = organizationOf(d, root.org);
                    InstallerRequest.Builder request = InstallerRequest.builder().singleUse(singleUse);
                    if (platform != null) {
                        try {
                            request.platform(Platform.parse(platform));
                        } catch (InvalidInputException e) {
                            throw new UsageException("--platform: one of windows, macos, linux");
                        }
                    }
                    if (serverUrl != null) {
                        request.endpoints(List.of(Deployment.baseUrl(serverUrl)));
                    }
                    Path tmpBase = null;
                    BaseInstaller b;
                    if (base == null) {
                        tmpBase = Files.createTempFile(out.toAbsolutePath().getParent(), ".agent-base", ".jar");
                        AgentBase.write(tmpBase, d.server.signingKeys().publicKeySet());
                        b = BaseInstaller.open(tmpBase);
                    } else {
                        b = BaseInstaller.open(base);
                    }
                    try {
                        InstallerRecord r = d.server.installers().issue(CLI, o.id(), AccessKeyId.parse(keyId), request.build(), b, out);
                        System.out.println(r.id());
                    } finally {
                        if (tmpBase != null) {
                            Files.deleteIfExists(tmpBase);
                        }
                    }
                }
                return 0;
            }
        }

        @Command(name = "inspect", description = "Finds and verifies the embedded token; prints the installer's format (zip, pe, msi,"
                + " script, ar, trailer) and the token's claims as JSON (exit 4 if invalid).")
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
                        keys = d.server.signingKeys().publicKeySet();
                    }
                }
                InstallerTag tag;
                VerifiedEnrollmentToken v;
                try {
                    tag = InstallerReader.read(file);
                    v = EnrollmentTokenVerifier.builder(keys).build().verify(tag.token());
                } catch (InstallerException | TokenException e) {
                    System.err.println("invalid installer: " + oneLine(e));
                    return 4;
                }
                EnrollmentClaims c = v.claims();
                ObjectNode json = AdminCommands.JSON.createObjectNode();
                json.put("format", tag.format().recordName());
                json.put("installerId", c.installerId());
                json.put("organizationId", c.organizationId());
                json.put("accessKeyId", c.accessKeyId());
                json.put("issuer", c.issuer());
                json.put("issuedAt", c.issuedAt().toString());
                c.expiresAt().ifPresent(e -> json.put("expiresAt", e.toString()));
                json.putArray("endpoints").addAll(c.endpoints().stream().map(u -> json.textNode(u.toString())).toList());
                json.putArray("tlsPins").addAll(c.tlsPins().stream().map(json::textNode).toList());
                c.platform().ifPresent(p -> json.put("platform", p));
                json.put("signingKeyId", v.signingKeyId());
                System.out.println(AdminCommands.JSON.writeValueAsString(json));
                return 0;
            }
        }
    }

    /**
     * The organization {@code --org} names (name or id), or the only one: as the admin API resolves it, so text of an
     * id's shape is matched against ids only.
     */
    static Organization organizationOf(Deployment d, String org) {
        List<com.fasterxml.jackson.databind.JsonNode> all = new LocalApi(d, null).all("/organizations", java.util.Map.of());
        boolean byId = IdShape.matches(org);
        List<com.fasterxml.jackson.databind.JsonNode> match = all.stream().filter(o -> org == null
                || (byId ? o.path("id").asText().equals(org) : o.path("name").asText().equalsIgnoreCase(org))).toList();
        if (match.size() != 1) {
            throw new InvalidInputException("org", org != null ? "no organization " + org
                    : all.isEmpty() ? "no organization yet: run init" : "several organizations: name one with --org");
        }
        return d.admin.organizations().require(com.heartbeatrm.core.OrganizationId.parse(match.get(0).path("id").asText()));
    }
}
