package com.heartbeatrm.examples.ha;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two throwaway PostgreSQL clusters on this machine: a primary and a streaming standby made from it with
 * {@code pg_basebackup}, on free loopback ports, in a temporary directory, run as the {@code postgres} user when
 * this process is root (PostgreSQL refuses to run as root). The machine's own cluster is never touched.
 *
 * <p>With {@link Replication#SYNCHRONOUS}, the primary names the standby in {@code synchronous_standby_names}
 * (and {@code synchronous_commit = on}): a commit is acknowledged only once the standby has flushed its WAL. The
 * setting is made on the primary after the base backup, so the promoted standby does not wait for a standby of its
 * own. With {@link Replication#ASYNCHRONOUS}, commits do not wait; {@link #detachStandby()} stops the standby
 * receiving, which makes the lag of an asynchronous standby deterministic.
 *
 * <p>{@link #close()} stops both servers (immediately) and deletes the directory; a shutdown hook does the same if
 * the JVM exits first.
 */
final class PostgresPair implements AutoCloseable {
    static final String DATABASE = "heartbeat";
    static final String STANDBY_NAME = "standby1";
    private static final long COMMAND_TIMEOUT_SECONDS = 90;

    enum Replication {
        SYNCHRONOUS,
        ASYNCHRONOUS
    }

    private final Path bin;
    private final Path dir;
    private final int primaryPort;
    private final int standbyPort;
    private final Thread cleanup;
    private final List<Path> started = new ArrayList<>();

    private PostgresPair(Path bin, Path dir, int primaryPort, int standbyPort) {
        this.bin = bin;
        this.dir = dir;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
        this.cleanup = new Thread(this::stopAll, "postgres-pair-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** The newest PostgreSQL server binaries installed the Debian way, if any. */
    static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Stream.of("initdb", "pg_ctl", "pg_basebackup").allMatch(t -> Files.isExecutable(b.resolve(t))))
                    .max(Comparator.comparingInt(b -> majorVersion(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int majorVersion(String name) {
        return name.matches("\\d{1,3}") ? Integer.parseInt(name) : -1;
    }

    /** Starts a primary and its standby, streaming, with an empty database {@link #DATABASE}. */
    static PostgresPair start(Path bin, Replication replication) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "hb-ha-");
        PostgresPair pair = new PostgresPair(bin, dir, freePort(), freePort());
        try {
            pair.build(replication);
            return pair;
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
    }

    private void build(Replication replication) throws Exception {
        if (asRoot()) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path primary = dir.resolve("primary");
        Path standby = dir.resolve("standby");
        run(tool("initdb"), "-D", primary.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions");
        append(primary.resolve("postgresql.conf"), String.join("\n",
                "listen_addresses = '127.0.0.1'",
                "port = " + primaryPort,
                "unix_socket_directories = '" + dir + "'",
                "max_connections = 40",
                "shared_buffers = 32MB",
                "wal_level = replica",
                "max_wal_senders = 4",
                "wal_keep_size = 128MB",
                "logging_collector = off",
                ""));
        startServer(primary);
        exec(primaryPort, "postgres", "CREATE DATABASE " + DATABASE);

        run(tool("pg_basebackup"), "-h", "127.0.0.1", "-p", String.valueOf(primaryPort), "-U", "postgres", "-D", standby.toString(),
                "-X", "stream", "-c", "fast", "-R", "--no-sync");
        // Later lines of postgresql.auto.conf win over the ones pg_basebackup -R wrote.
        append(standby.resolve("postgresql.auto.conf"), String.join("\n",
                "port = " + standbyPort,
                "primary_conninfo = 'host=127.0.0.1 port=" + primaryPort + " user=postgres application_name=" + STANDBY_NAME + "'",
                ""));
        startServer(standby);
        awaitReplication("streaming", "state");

        if (replication == Replication.SYNCHRONOUS) {
            exec(primaryPort, "postgres", "ALTER SYSTEM SET synchronous_standby_names = '" + STANDBY_NAME + "'");
            exec(primaryPort, "postgres", "ALTER SYSTEM SET synchronous_commit = 'on'");
            exec(primaryPort, "postgres", "SELECT pg_reload_conf()");
            awaitReplication("sync", "sync_state");
        }
    }

    int primaryPort() {
        return primaryPort;
    }

    int standbyPort() {
        return standbyPort;
    }

    /**
     * The URL a deployment configures: both hosts, and the driver connects to whichever is the primary now. A host
     * found to be a standby is skipped for {@code hostRecheckSeconds} (default 10 s): 0 here, so the promoted standby
     * is taken as soon as it is one (the pool's own back-off between failed connection attempts remains).
     */
    String multiHostUrl() {
        return "jdbc:postgresql://127.0.0.1:" + primaryPort + ",127.0.0.1:" + standbyPort + "/" + DATABASE
                + "?targetServerType=primary&hostRecheckSeconds=0&connectTimeout=2&loginTimeout=3&socketTimeout=15";
    }

    /** A URL of one node only, for checks that must read that node. */
    String nodeUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** Kills the primary as a crash would ({@code pg_ctl stop -m immediate}): no shutdown checkpoint, no goodbye to clients. */
    void killPrimary() throws Exception {
        run(tool("pg_ctl"), "-D", dir.resolve("primary").toString(), "stop", "-m", "immediate", "-w", "-t", "30");
        started.remove(dir.resolve("primary"));
    }

    /** Promotes the standby and waits until it accepts writes. */
    void promoteStandby() throws Exception {
        run(tool("pg_ctl"), "-D", dir.resolve("standby").toString(), "promote", "-w", "-t", "60");
    }

    /** Waits until the standby has replayed everything the primary has written so far. */
    void awaitStandbyReplayed() throws Exception {
        String lsn = query(primaryPort, DATABASE, "SELECT pg_current_wal_lsn()::text");
        for (int i = 0; i < 300; i++) {
            String caughtUp = query(standbyPort, DATABASE, "SELECT (pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn)::text");
            if ("true".equals(caughtUp)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the standby did not replay up to " + lsn + " within 15 s");
    }

    /**
     * Stops the standby receiving WAL (an empty {@code primary_conninfo}, reloaded): from now on it misses whatever
     * the primary commits, as an asynchronous standby that lags does.
     */
    void detachStandby() throws Exception {
        exec(standbyPort, "postgres", "ALTER SYSTEM SET primary_conninfo = ''");
        exec(standbyPort, "postgres", "SELECT pg_reload_conf()");
        for (int i = 0; i < 300; i++) {
            if ("0".equals(query(primaryPort, "postgres", "SELECT count(*)::text FROM pg_stat_replication"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the standby is still streaming 15 s after its primary_conninfo was cleared");
    }

    /** Whether a server answers on {@code port} and is in recovery (a standby). */
    boolean inRecovery(int port) throws SQLException {
        return "true".equals(query(port, "postgres", "SELECT pg_is_in_recovery()::text"));
    }

    static String query(int port, String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void exec(int port, String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void awaitReplication(String value, String column) throws Exception {
        String sql = "SELECT count(*)::text FROM pg_stat_replication WHERE application_name = '" + STANDBY_NAME + "' AND " + column + " = '"
                + value + "'";
        for (int i = 0; i < 600; i++) {
            if ("1".equals(query(primaryPort, "postgres", sql))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the standby is not " + value + " after 30 s; see " + dir.resolve("standby.log"));
    }

    private void startServer(Path data) throws Exception {
        started.add(data);
        run(tool("pg_ctl"), "-D", data.toString(), "-l", dir.resolve(data.getFileName() + ".log").toString(), "-w", "-t", "60", "start");
    }

    /** Appends settings to a configuration file; appending keeps the file's owner (postgres). */
    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, "\n" + text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    private String tool(String name) {
        return bin.resolve(name).toString();
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Runs a PostgreSQL tool (as the postgres user when root), bounded; a failure shows the tool's output. */
    private void run(String... command) throws Exception {
        List<String> argv = new ArrayList<>();
        if (asRoot()) {
            argv.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        argv.addAll(List.of(command));
        Path out = Files.createTempFile("hb-ha-cmd-", ".log");
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                        + Files.readString(out, StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops whatever still runs; never throws (it also runs from the shutdown hook). */
    private void stopAll() {
        for (Path data : List.copyOf(started)) {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                try {
                    run(tool("pg_ctl"), "-D", data.toString(), "stop", "-m", "immediate", "-w", "-t", "30");
                } catch (Exception | AssertionError e) {
                    System.err.println("could not stop the PostgreSQL in " + data + ": " + e.getMessage());
                }
            }
            started.remove(data);
        }
    }

    @Override
    public void close() throws IOException {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
