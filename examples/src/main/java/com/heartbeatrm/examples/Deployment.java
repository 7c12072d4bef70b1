package com.heartbeatrm.examples;

import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.Pkcs11IssuerToken;
import com.heartbeatrm.enrollment.RetentionPolicy;
import com.heartbeatrm.examples.tls.ServerTls;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One reference deployment: its data directory, its database, its key-encryption key, its TLS identity and the
 * {@link HeartbeatServer} over them.
 *
 * <h2>Files</h2>
 * The data directory is owner-only (0700) and so is every file in it (0600): {@code kek.bin} (32 random bytes),
 * {@code db-password} (the embedded database's password), {@code admin-token} (when {@code serve} generated one),
 * {@code server-url}, {@code tls/}, {@code issuer-token} (when {@code init --signing-keys-pkcs11} put the signing keys on
 * a PKCS#11 token: the paths of its SunPKCS11 configuration and of its PIN file, never the PIN), and H2's own files.
 * Each secret is written to a temp file and moved into place.
 *
 * <h2>The embedded database</h2>
 * H2 in {@code AUTO_SERVER} mode, so that admin commands and a running {@code serve} share it: the first process
 * serves the others over TCP. That TCP port is bound to loopback only ({@code h2.bindAddress}), and the database
 * has a random password from {@code db-password}, so another local user can neither read the files nor run a
 * statement through the port.
 */
public final class Deployment implements AutoCloseable {
    public static final String ISSUER = "heartbeatrm-reference";
    public static final URI DEFAULT_SERVER_URL = URI.create("https://127.0.0.1:8443");
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    /** How long H2's first open may take. */
    static final Duration FIRST_OPEN = Duration.ofSeconds(60);

    static {
        // Before H2 loads: its AUTO_SERVER port listens on loopback only.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    private final HikariDataSource dataSource;
    private final Path dataDir;
    public final JdbcHeartbeatStore store;
    public final HeartbeatServer server;
    public final HeartbeatAdmin admin;
    public final Clock clock = Clock.systemUTC();
    private final java.util.Optional<Pkcs11IssuerToken> issuerToken;
    /** Names the PKCS#11 token of the signing keys: its SunPKCS11 configuration's path, then its PIN file's path. */
    static final String ISSUER_TOKEN_FILE = "issuer-token";

    private Deployment(Path dataDir, HikariDataSource ds, RetentionPolicy retention) throws IOException {
        this.dataDir = dataDir;
        this.dataSource = ds;
        this.store = JdbcHeartbeatStore.create(ds);
        store.migrate();
        protectFiles(dataDir);
        this.issuerToken = openIssuerToken(dataDir);
        HeartbeatServer.Builder b = HeartbeatServer.builder(store, AesGcmKeyEncryptionKey.of("reference-kek", SecretBytes.copyOf(kek(dataDir),
                SecretAccess.grant())), ISSUER).clock(clock).endpoints(List.of(baseUrl(serverUrl()))).tlsPins(this::tlsPins).retention(retention);
        issuerToken.ifPresent(b::issuerToken);
        this.server = b.build();
        this.admin = server.admin();
    }

    /**
     * Opens (creating if needed) the deployment; {@code jdbcUrl} null means embedded H2 under {@code dataDir}.
     * Connections wait at most 1.5 s for the pool, so that a database outage answers 503 fast. An embedded H2's first
     * open is local work, not an outage: it gets up to {@link #FIRST_OPEN} (on a loaded machine, creating the database and
     * starting its server port takes seconds), on a connection of its own held until the pool has connections.
     * When opening fails, every file H2 left in the data directory is made owner-only.
     */
    public static Deployment open(Path dataDir, String jdbcUrl, String user, String password) throws IOException {
        return open(dataDir, jdbcUrl, user, password, RetentionPolicy.DEFAULTS);
    }

    /** As {@link #open(Path, String, String, String)}, with the server's retention sweeper run as {@code retention} says. */
    public static Deployment open(Path dataDir, String jdbcUrl, String user, String password, RetentionPolicy retention) throws IOException {
        ensurePrivateDirectory(dataDir);
        HikariConfig config = new HikariConfig();
        if (jdbcUrl == null) {
            config.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("heartbeat") + ";AUTO_SERVER=TRUE");
            config.setUsername("heartbeat");
            config.setPassword(dbPassword(dataDir));
        } else {
            config.setJdbcUrl(jdbcUrl);
            config.setUsername(user);
            config.setPassword(password);
            if (jdbcUrl.startsWith("jdbc:postgresql:")) {
                config.addDataSourceProperty("connectTimeout", "2");
                config.addDataSourceProperty("socketTimeout", "30");
            } else if (jdbcUrl.startsWith("jdbc:mariadb:")) {
                config.addDataSourceProperty("connectTimeout", "2000");
                config.addDataSourceProperty("socketTimeout", "30000");
            }
        }
        config.setMaximumPoolSize(Integer.getInteger("heartbeat.pool.size", 16));
        config.setConnectionTimeout(1500);
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(-1);
        config.setPoolName("heartbeat");
        Connection first = null;
        HikariDataSource ds = null;
        try {
            if (embeddedH2(config.getJdbcUrl())) {
                first = openFirst(config, dataDir);
            }
            ds = new HikariDataSource(config);
            return new Deployment(dataDir, ds, retention);
        } catch (IOException | RuntimeException e) {
            if (ds != null) {
                ds.close();
            }
            closeQuietly(first);
            protectQuietly(dataDir);
            throw e;
        } finally {
            closeQuietly(first);
        }
    }

    /** An H2 database this process opens itself (not one reached over {@code tcp:} or {@code ssl:}). */
    private static boolean embeddedH2(String url) {
        return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
    }

    /**
     * The first connection to an H2 database, opened on a thread of its own and waited for up to {@link #FIRST_OPEN}.
     * An error fails at once; past the deadline the open is abandoned (the connection closed when it comes).
     */
    // A database that opens after the deadline is closed when it does; nothing waits for that.
    @SuppressWarnings("FutureReturnValueIgnored")
    private static Connection openFirst(HikariConfig config, Path dataDir) throws IOException {
        CompletableFuture<Connection> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                opening.complete(DriverManager.getConnection(config.getJdbcUrl(), config.getUsername(), config.getPassword()));
            } catch (SQLException | RuntimeException e) {
                opening.completeExceptionally(e);
            }
        }, "heartbeat-h2-first-open");
        opener.setDaemon(true);
        opener.start();
        try {
            return opening.get(FIRST_OPEN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            opening.thenAccept(late -> {
                closeQuietly(late);
                protectQuietly(dataDir);
            });
            throw new IOException("the database did not open within " + FIRST_OPEN.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("cannot open the database: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the database opened", e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // it was only there to keep the database open while the pool started
            }
        }
    }

    private static void protectQuietly(Path dataDir) {
        try {
            protectFiles(dataDir);
        } catch (IOException ignored) {
            // best effort: the failure that brought us here is the one to report
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The key-encryption key: 32 random bytes in {@code kek.bin}, created once, owner-only. */
    private static byte[] kek(Path dataDir) throws IOException {
        Path file = dataDir.resolve("kek.bin");
        if (!Files.exists(file)) {
            byte[] kek = new byte[32];
            new SecureRandom().nextBytes(kek);
            writePrivate(file, kek);
        }
        byte[] kek = Files.readAllBytes(file);
        if (kek.length != 32) {
            throw new IOException("kek.bin must hold 32 bytes");
        }
        return kek;
    }

    /** The embedded database's password: 32 random base64url characters in {@code db-password}, created once. */
    private static String dbPassword(Path dataDir) throws IOException {
        Path file = dataDir.resolve("db-password");
        if (!Files.exists(file)) {
            if (Files.exists(dataDir.resolve("heartbeat.mv.db"))) {
                throw new IOException("the embedded database exists but db-password is missing");
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            writePrivate(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII));
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    /**
     * Keeps this deployment's signing keys on a PKCS#11 token from now on: records the paths of its SunPKCS11
     * configuration and PIN file (after opening the token once with them), so that every later open logs in to it.
     */
    public static void useIssuerToken(Path dataDir, Path sunPkcs11Config, Path pinFile) throws IOException {
        ensurePrivateDirectory(dataDir);
        Path config = sunPkcs11Config.toAbsolutePath();
        Path pin = pinFile.toAbsolutePath();
        Pkcs11IssuerToken.open(config, pin).close();
        writePrivate(dataDir.resolve(ISSUER_TOKEN_FILE), (config + "\n" + pin + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static java.util.Optional<Pkcs11IssuerToken> openIssuerToken(Path dataDir) throws IOException {
        Path f = dataDir.resolve(ISSUER_TOKEN_FILE);
        if (!Files.exists(f)) {
            return java.util.Optional.empty();
        }
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        if (lines.size() != 2) {
            throw new IOException(ISSUER_TOKEN_FILE + " must hold two lines: the SunPKCS11 configuration and the PIN file");
        }
        return java.util.Optional.of(Pkcs11IssuerToken.open(Path.of(lines.get(0)), Path.of(lines.get(1))));
    }

    /** The server's public URL, as {@code init --server-url} set it ({@code https://127.0.0.1:8443} by default). */
    public URI serverUrl() throws IOException {
        Path f = dataDir.resolve("server-url");
        return Files.exists(f) ? URI.create(Files.readString(f, StandardCharsets.US_ASCII).strip()) : DEFAULT_SERVER_URL;
    }

    public void setServerUrl(URI url) throws IOException {
        writePrivate(dataDir.resolve("server-url"), url.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The enrollment base URL of a server URL: {@code https://host:port/v1/}. */
    public static URI baseUrl(URI serverUrl) {
        String s = serverUrl.toString();
        return URI.create((s.endsWith("/") ? s : s + "/") + "v1/");
    }

    public boolean tlsConfigured() {
        return ServerTls.exists(dataDir);
    }

    public ServerTls tls() throws IOException {
        return ServerTls.load(dataDir);
    }

    /** How long the pins read from {@code DATA/tls} are reused before the files are read again. */
    static final Duration PINS_REFRESH = Duration.ofSeconds(1);

    private record Pins(List<String> pins, long readAtNanos) {
    }

    private volatile Pins pins;

    /**
     * The pins new installers and every enrollment and renewal answer name: those of the TLS identity, when the server
     * URL is https and one exists. Read from the files at most once per {@link #PINS_REFRESH} (reading them, PEM
     * parsing of the private key included, cost more server CPU per request than the TLS records did); a {@code tls
     * rotate} by another process is seen within that second, before the running server reloads the key.
     */
    private List<String> tlsPins() {
        Pins held = pins;
        long now = System.nanoTime();
        if (held != null && now - held.readAtNanos() < PINS_REFRESH.toNanos()) {
            return held.pins();
        }
        try {
            List<String> read = "https".equals(serverUrl().getScheme()) && tlsConfigured() ? tls().pins() : List.of();
            pins = new Pins(read, now);
            return read;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the TLS identity: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.close();
        dataSource.close();
        issuerToken.ifPresent(Pkcs11IssuerToken::close);
        try {
            protectFiles(dataDir);
        } catch (IOException ignored) {
            // best effort after H2 rewrote its files
        }
    }

    // ------------------------------------------------------------------------------------------- permissions

    /**
     * Creates the directory owner-only (POSIX: {@code mkdir} with mode 0700), or makes an existing one of this user
     * so. A symbolic link, something else than a directory, or another user's directory is refused: another local
     * user could have placed it to have the deployment's secrets written where they choose, and a chmod would follow
     * the link.
     */
    public static void ensurePrivateDirectory(Path dir) throws IOException {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                if (posix) {
                    Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectories(parent);
                }
            }
            try {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException raced) {
                // judged below like any existing directory
            }
        }
        BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink() || !a.isDirectory()) {
            throw new IOException(dir + " is a symbolic link or not a directory: refused as a private directory (name the real path)");
        }
        UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        UserPrincipal me = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
        if (posix && !owner.equals(me)) {
            throw new IOException(dir + " is owned by " + owner.getName() + ", not by " + me.getName() + ": refused as a private directory");
        }
        if (posix && !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_DIR)) {
            // This user's own directory, not a link: an older deployment's directory is made owner-only.
            Files.setPosixFilePermissions(dir, OWNER_DIR);
        }
    }

    /** Whether {@code perms} grant nothing to group or others. */
    public static boolean ownerOnlyFile(Set<PosixFilePermission> perms) {
        return OWNER_DIR.containsAll(perms);
    }

    /** Makes every regular file of the data directory owner-only (H2 creates its files with the process umask). */
    public static void protectFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.setPosixFilePermissions(f, OWNER_FILE);
                    } catch (UnsupportedOperationException notPosix) {
                        return;
                    } catch (IOException gone) {
                        // a lock or trace file H2 just removed
                    }
                }
            }
        }
    }

    /** An owner-only file: a temp file in the same directory, then moved into place. */
    public static void writePrivate(Path target, byte[] content) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, ".hb", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, OWNER_FILE);
            } catch (UnsupportedOperationException notPosix) {
                // the directory's permissions protect it
            }
            Files.write(tmp, content);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
