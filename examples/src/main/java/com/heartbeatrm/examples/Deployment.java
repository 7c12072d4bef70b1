package com.heartbeatrm.examples;

import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EnrollmentService;
import com.heartbeatrm.enrollment.EnrollmentTokens;
import com.heartbeatrm.enrollment.IssuerKeys;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * One reference deployment: its database (embedded H2 under the data directory, or PostgreSQL/MariaDB by URL),
 * its key-encryption key (a file readable only by its owner, in the data directory), and the SDK services a
 * server builds on them.
 */
public final class Deployment implements AutoCloseable {
    public static final String ISSUER = "heartbeatrm-reference";
    private final HikariDataSource dataSource;
    private final Path dataDir;
    public final JdbcHeartbeatStore store;
    public final HeartbeatAdmin admin;
    public final IssuerKeys issuerKeys;
    public final Clock clock = Clock.systemUTC();

    private Deployment(Path dataDir, HikariDataSource ds) throws IOException {
        this.dataDir = dataDir;
        this.dataSource = ds;
        JdbcHeartbeatStore.migrate(ds);
        this.store = JdbcHeartbeatStore.create(ds);
        this.admin = HeartbeatAdmin.builder().store(store).clock(clock).build();
        this.issuerKeys = IssuerKeys.create(store, AesGcmKeyEncryptionKey.of("reference-kek", SecretBytes.copyOf(kek(dataDir),
                SecretAccess.grant())), clock);
    }

    /** Opens (creating if needed) the deployment; {@code jdbcUrl} null means embedded H2 under {@code dataDir}. */
    public static Deployment open(Path dataDir, String jdbcUrl, String user, String password) throws IOException {
        Files.createDirectories(dataDir);
        HikariConfig config = new HikariConfig();
        if (jdbcUrl == null) {
            // AUTO_SERVER lets the admin commands and a running `serve` share the embedded database.
            config.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("heartbeat") + ";AUTO_SERVER=TRUE");
            config.setUsername("sa");
        } else {
            config.setJdbcUrl(jdbcUrl);
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setMaximumPoolSize(8);
        config.setPoolName("heartbeat");
        return new Deployment(dataDir, new HikariDataSource(config));
    }

    /** The key-encryption key: 32 random bytes in {@code kek.bin}, created once with owner-only permissions. */
    private static byte[] kek(Path dataDir) throws IOException {
        Path file = dataDir.resolve("kek.bin");
        if (!Files.exists(file)) {
            byte[] kek = new byte[32];
            new SecureRandom().nextBytes(kek);
            Path tmp = Files.createTempFile(dataDir, ".kek", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // not a POSIX file system: rely on the directory's permissions
            }
            Files.write(tmp, kek);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        byte[] kek = Files.readAllBytes(file);
        if (kek.length != 32) {
            throw new IOException("kek.bin must hold 32 bytes");
        }
        return kek;
    }

    /** The enrollment endpoint embedded in installers, as `init --server-url` set it. */
    public URI serverUrl() throws IOException {
        Path f = dataDir.resolve("server-url");
        String url = Files.exists(f) ? Files.readString(f, StandardCharsets.US_ASCII).strip() : "http://127.0.0.1:8080";
        return URI.create(url);
    }

    public void setServerUrl(URI url) throws IOException {
        Files.writeString(dataDir.resolve("server-url"), url.toString(), StandardCharsets.US_ASCII);
    }

    public EnrollmentTokens tokens() throws IOException {
        return EnrollmentTokens.builder(store, issuerKeys, ISSUER, List.of(serverUrl().resolve("/v1/enroll"))).clock(clock).build();
    }

    public EnrollmentService enrollment() {
        return EnrollmentService.builder(store, issuerKeys, ISSUER).clock(clock).build();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
