package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.spi.AccessKeyStore;
import com.heartbeatrm.core.spi.AgentStore;
import com.heartbeatrm.core.spi.AuditStore;
import com.heartbeatrm.core.spi.GroupStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.InstallerStore;
import com.heartbeatrm.core.spi.NonceStore;
import com.heartbeatrm.core.spi.OrganizationStore;
import com.heartbeatrm.core.spi.SigningKeyStore;
import com.heartbeatrm.core.spi.ThrottleStore;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The storage SPI over a {@link DataSource} the host supplies (the library has no pool of its own): PostgreSQL 15,
 * MariaDB 10.11 and H2 2.x. Several server nodes may share one database: every atomic step is one transaction
 * guarded by row locks and conditional updates, and nothing is cached, so a change made through one node is what
 * every node reads next.
 *
 * <pre>{@code
 * JdbcHeartbeatStore.migrate(dataSource);                    // optional: applies the schema with Flyway
 * HeartbeatStore store = JdbcHeartbeatStore.create(dataSource);
 * }</pre>
 * The schema scripts are also plain resources ({@link Dialect#migrationLocation()}) for your own Flyway or
 * Liquibase.
 */
public final class JdbcHeartbeatStore implements HeartbeatStore {
    private final Dialect dialect;
    private final JdbcOrganizations organizations;
    private final JdbcGroups groups;
    private final JdbcKeys keys;
    private final JdbcAgents agents;
    private final JdbcAudit audit;
    private final JdbcInstallers installers;
    private final JdbcSigningKeys signingKeys;
    private final JdbcNoncesAndThrottles.Nonces nonces;
    private final JdbcNoncesAndThrottles.Throttles throttles;

    private JdbcHeartbeatStore(DataSource dataSource, Dialect dialect) {
        this.dialect = dialect;
        Sql sql = new Sql(dataSource);
        this.organizations = new JdbcOrganizations(sql);
        this.groups = new JdbcGroups(sql);
        this.keys = new JdbcKeys(sql, dialect);
        this.agents = new JdbcAgents(sql, dialect);
        this.audit = new JdbcAudit(sql);
        this.installers = new JdbcInstallers(sql);
        this.signingKeys = new JdbcSigningKeys(sql);
        this.nonces = new JdbcNoncesAndThrottles.Nonces(sql);
        this.throttles = new JdbcNoncesAndThrottles.Throttles(sql);
    }

    /** A store over {@code dataSource}, detecting the dialect from the database. */
    public static JdbcHeartbeatStore create(DataSource dataSource) {
        return create(dataSource, Dialect.detect(Objects.requireNonNull(dataSource, "dataSource")));
    }

    public static JdbcHeartbeatStore create(DataSource dataSource, Dialect dialect) {
        return new JdbcHeartbeatStore(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(dialect, "dialect"));
    }

    /**
     * Applies the versioned schema with Flyway (an optional dependency: add {@code org.flywaydb:flyway-core}, plus
     * {@code flyway-database-postgresql} or {@code flyway-mysql}). Safe when several nodes start at once: Flyway
     * takes a database lock while it migrates, and the others wait and then find nothing to do.
     */
    public static void migrate(DataSource dataSource) {
        Dialect dialect = Dialect.detect(dataSource);
        try {
            Class.forName("org.flywaydb.core.Flyway");
        } catch (ClassNotFoundException e) {
            throw new StoreException("migrate() needs Flyway on the class path (org.flywaydb:flyway-core); or apply the scripts under "
                    + dialect.migrationLocation() + " yourself", false, e);
        }
        FlywayMigration.apply(dataSource, dialect);
    }

    public Dialect dialect() {
        return dialect;
    }

    @Override
    public OrganizationStore organizations() {
        return organizations;
    }

    @Override
    public GroupStore groups() {
        return groups;
    }

    @Override
    public AccessKeyStore accessKeys() {
        return keys;
    }

    @Override
    public AgentStore agents() {
        return agents;
    }

    @Override
    public AuditStore audit() {
        return audit;
    }

    @Override
    public InstallerStore installers() {
        return installers;
    }

    @Override
    public SigningKeyStore signingKeys() {
        return signingKeys;
    }

    @Override
    public NonceStore nonces() {
        return nonces;
    }

    @Override
    public ThrottleStore throttles() {
        return throttles;
    }

    @Override
    public String toString() {
        return "JdbcHeartbeatStore[" + dialect + "]";
    }
}
