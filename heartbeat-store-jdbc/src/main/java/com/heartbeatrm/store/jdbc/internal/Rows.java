package com.heartbeatrm.store.jdbc.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentAttestation;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentKeyType;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.Disablement;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupSettings;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.KeyRestrictions;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.Revocation;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.spi.StoredSigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reading rows into model records and writing the few structured columns. */
public final class Rows {
    private static final JsonFactory JSON = new JsonFactory();

    private Rows() {
    }

    /** The columns of each table, for selects that join several and alias each column with a prefix. */
    public static final String ORGANIZATION = "id, name, root_group_id, created_at";
    public static final String GROUP = "org_id, id, parent_id, name, path, overrides, locks, created_at, version";
    public static final String ACCESS_KEY = "org_id, id, name, group_id, is_default, created_at, created_by, expires_at, max_uses, use_count,"
            + " last_used_at, last_used_by, networks, platforms, disabled_at, disabled_by, disabled_reason, version";
    public static final String AGENT = "org_id, id, group_id, status, enrolled_at, access_key_id, installer_id, hostname, platform,"
            + " fingerprint, last_seen_at, credential_generation, renewal_nonce, credential_issued_at,"
            + " credential_expires_at, version, key_algorithm, ek_sha256, attested_by, attested_at, machine_fingerprint";
    /**
     * One agent row's placeholders, as many as {@link #AGENT} names columns: a column the schema adds to {@code AGENT}
     * adds its placeholder here, so that every insert of an agent binds it or fails loudly.
     */
    public static final String AGENT_ROW = "(" + String.join(", ", java.util.Collections.nCopies(AGENT.split(",").length, "?")) + ")";
    /** The insert of one agent row, every column of {@link #AGENT} bound in that order. */
    public static final String INSERT_AGENT = "INSERT INTO hb_agent (" + AGENT + ") VALUES " + AGENT_ROW;
    public static final String INSTALLER = "org_id, id, access_key_id, signing_key_id, issued_at, issued_by, expires_at, platform, format,"
            + " base_sha256, base_size, output_sha256, output_size, revoked_at, revoked_by, revoked_reason, max_uses, use_count, version";

    /** {@code a.id AS a_id, a.org_id AS a_org_id, …}: the columns of a table under an alias, each prefixed. */
    public static String aliased(String alias, String columns) {
        StringBuilder b = new StringBuilder();
        for (String c : columns.split(",")) {
            String col = c.strip();
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(alias).append('.').append(col).append(" AS ").append(alias).append('_').append(col);
        }
        return b.toString();
    }

    /** Reads one row whose id is {@code id} from the columns named {@code p + column}. */
    @FunctionalInterface
    private interface PrefixedRow<T> {
        T read(ResultSet rs, String p, String id) throws SQLException;
    }

    /** The row in the columns named {@code p + column}, or null when its id is null (an outer join found none). */
    private static <T> @Nullable T prefixed(ResultSet rs, String p, PrefixedRow<T> row) throws SQLException {
        String id = rs.getString(p + "id");
        return id == null ? null : row.read(rs, p, id);
    }

    /** The row a query on its own table found: its id is the primary key, never null. */
    public static Organization organization(ResultSet rs) throws SQLException {
        return keyed(organization(rs, ""));
    }

    /** The organization in columns named {@code p + column}, or null when its id is null (an outer join found none). */
    public static @Nullable Organization organization(ResultSet rs, String p) throws SQLException {
        return prefixed(rs, p, Rows::readOrganization);
    }

    private static Organization readOrganization(ResultSet rs, String p, String id) throws SQLException {
        return new Organization(new OrganizationId(id), rs.getString(p + "name"), new GroupId(rs.getString(p + "root_group_id")),
                Sql.instant(rs.getLong(p + "created_at")));
    }

    /** The row a query on its own table found: its id is the primary key, never null. */
    public static Group group(ResultSet rs) throws SQLException {
        return keyed(group(rs, ""));
    }

    public static @Nullable Group group(ResultSet rs, String p) throws SQLException {
        return prefixed(rs, p, Rows::readGroup);
    }

    private static Group readGroup(ResultSet rs, String p, String id) throws SQLException {
        String parent = rs.getString(p + "parent_id");
        return new Group(new GroupId(id), new OrganizationId(rs.getString(p + "org_id")),
                parent == null ? Optional.empty() : Optional.of(new GroupId(parent)), rs.getString(p + "name"),
                settings(rs.getString(p + "overrides"), rs.getString(p + "locks")), Sql.instant(rs.getLong(p + "created_at")),
                rs.getLong(p + "version"));
    }

    /** The row a query on its own table found: its id is the primary key, never null. */
    public static AccessKey accessKey(ResultSet rs) throws SQLException {
        return keyed(accessKey(rs, ""));
    }

    public static @Nullable AccessKey accessKey(ResultSet rs, String p) throws SQLException {
        return prefixed(rs, p, Rows::readAccessKey);
    }

    private static AccessKey readAccessKey(ResultSet rs, String p, String id) throws SQLException {
        Long maxUses = Sql.longOrNull(rs, p + "max_uses");
        String lastBy = rs.getString(p + "last_used_by");
        String networks = rs.getString(p + "networks");
        String platforms = rs.getString(p + "platforms");
        Long disabledAt = Sql.longOrNull(rs, p + "disabled_at");
        Optional<Disablement> disabled = disabledAt == null ? Optional.empty()
                : Optional.of(new Disablement(Sql.instant(disabledAt), new Actor(rs.getString(p + "disabled_by")), rs.getString(p + "disabled_reason")));
        return new AccessKey(new AccessKeyId(id), new OrganizationId(rs.getString(p + "org_id")), rs.getString(p + "name"),
                new GroupId(rs.getString(p + "group_id")), rs.getBoolean(p + "is_default"), Sql.instant(rs.getLong(p + "created_at")),
                new Actor(rs.getString(p + "created_by")), Optional.ofNullable(Sql.instantOrNull(rs, p + "expires_at")),
                maxUses == null ? OptionalLong.empty() : OptionalLong.of(maxUses), rs.getLong(p + "use_count"),
                Optional.ofNullable(Sql.instantOrNull(rs, p + "last_used_at")), Optional.ofNullable(lastBy).map(AgentId::new),
                new KeyRestrictions(Optional.ofNullable(networks).map(NetworkAllowList::parse), Optional.ofNullable(platforms).map(PlatformSet::parse)),
                disabled, rs.getLong(p + "version"));
    }

    /** The row a query on its own table found: its id is the primary key, never null. */
    public static Agent agent(ResultSet rs) throws SQLException {
        return keyed(agent(rs, ""));
    }

    public static @Nullable Agent agent(ResultSet rs, String p) throws SQLException {
        return prefixed(rs, p, Rows::readAgent);
    }

    private static Agent readAgent(ResultSet rs, String p, String id) throws SQLException {
        return new Agent(new AgentId(id), new OrganizationId(rs.getString(p + "org_id")), new GroupId(rs.getString(p + "group_id")),
                AgentStatus.valueOf(rs.getString(p + "status")), Sql.instant(rs.getLong(p + "enrolled_at")),
                new AccessKeyId(rs.getString(p + "access_key_id")), Optional.ofNullable(rs.getString(p + "installer_id")).map(InstallerId::new),
                rs.getString(p + "hostname"), Platform.valueOf(rs.getString(p + "platform")), rs.getString(p + "fingerprint"),
                keyType(rs.getString(p + "key_algorithm")), Sql.instant(rs.getLong(p + "last_seen_at")), rs.getLong(p + "credential_generation"),
                Optional.ofNullable(Sql.instantOrNull(rs, p + "credential_issued_at")),
                Optional.ofNullable(Sql.instantOrNull(rs, p + "credential_expires_at")), attestation(rs, p),
                Optional.ofNullable(rs.getString(p + "machine_fingerprint")), rs.getLong(p + "version"));
    }

    /** The agent's attestation columns: all three set, or none. */
    private static Optional<AgentAttestation> attestation(ResultSet rs, String p) throws SQLException {
        String ek = rs.getString(p + "ek_sha256");
        String by = rs.getString(p + "attested_by");
        Instant at = Sql.instantOrNull(rs, p + "attested_at");
        if (ek == null && by == null && at == null) {
            return Optional.empty();
        }
        if (ek == null || by == null || at == null) {
            throw new SQLException("hb_agent: ek_sha256, attested_by and attested_at must be all set or all null");
        }
        return Optional.of(new AgentAttestation(ek, by, at));
    }

    /** The values of the agent's attestation columns ({@code ek_sha256, attested_by, attested_at}), nulls without one. */
    public static @Nullable Object[] attestationValues(Agent a) {
        Optional<AgentAttestation> att = a.attestation();
        return new @Nullable Object[] {att.map(AgentAttestation::endorsementKeySha256).orElse(null),
                att.map(AgentAttestation::trustedBy).orElse(null), att.map(AgentAttestation::attestedAt).orElse(null)};
    }

    private static AgentKeyType keyType(String name) throws SQLException {
        return AgentKeyType.ofWireName(name).orElseThrow(() -> new SQLException("hb_agent.key_algorithm: unknown key algorithm"));
    }

    /** The row a query on its own table found: its id is the primary key, never null. */
    public static InstallerRecord installer(ResultSet rs) throws SQLException {
        return keyed(installer(rs, ""));
    }

    public static @Nullable InstallerRecord installer(ResultSet rs, String p) throws SQLException {
        return prefixed(rs, p, Rows::readInstaller);
    }

    private static InstallerRecord readInstaller(ResultSet rs, String p, String id) throws SQLException {
        String platform = rs.getString(p + "platform");
        String baseSha = rs.getString(p + "base_sha256");
        String outSha = rs.getString(p + "output_sha256");
        Long revokedAt = Sql.longOrNull(rs, p + "revoked_at");
        Long installerMaxUses = Sql.longOrNull(rs, p + "max_uses");
        return new InstallerRecord(new InstallerId(id), new OrganizationId(rs.getString(p + "org_id")),
                new AccessKeyId(rs.getString(p + "access_key_id")), rs.getString(p + "signing_key_id"), Sql.instant(rs.getLong(p + "issued_at")),
                new Actor(rs.getString(p + "issued_by")), Optional.ofNullable(Sql.instantOrNull(rs, p + "expires_at")),
                Optional.ofNullable(platform).map(Platform::valueOf), rs.getString(p + "format"),
                baseSha == null ? Optional.empty() : Optional.of(new ArtifactDigest(baseSha, rs.getLong(p + "base_size"))),
                outSha == null ? Optional.empty() : Optional.of(new ArtifactDigest(outSha, rs.getLong(p + "output_size"))),
                revokedAt == null ? Optional.empty() : Optional.of(new Revocation(Sql.instant(revokedAt), new Actor(rs.getString(p + "revoked_by")),
                        rs.getString(p + "revoked_reason"))), installerMaxUses == null ? OptionalLong.empty() : OptionalLong.of(installerMaxUses),
                rs.getLong(p + "use_count"), rs.getLong(p + "version"));
    }

    public static StoredSigningKey signingKey(ResultSet rs) throws SQLException {
        return new StoredSigningKey(rs.getString("id"), rs.getString("public_key"), rs.getString("wrapped_private_key"), rs.getString("kek_id"),
                StoredSigningKey.Status.valueOf(rs.getString("status")), Sql.instant(rs.getLong("created_at")),
                Optional.ofNullable(Sql.instantOrNull(rs, "retired_at")));
    }

    /** Overrides as a JSON object of setting name to text value. */
    public static String overrides(GroupSettings s) {
        return json(s.overridesAsText());
    }

    public static String locks(GroupSettings s) {
        StringBuilder b = new StringBuilder();
        for (SecuritySetting<?> l : s.locked()) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(l.name());
        }
        return b.toString();
    }

    public static GroupSettings settings(String overridesJson, String locks) {
        if (locks.isEmpty() && overridesJson.equals("{}")) {
            return GroupSettings.NONE;
        }
        Set<String> locked = new HashSet<>();
        for (String l : locks.split(",")) {
            if (!l.isEmpty()) {
                locked.add(l);
            }
        }
        return GroupSettings.fromText(map(overridesJson), locked);
    }

    public static String json(Map<String, String> map) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            for (Map.Entry<String, String> e : map.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public static Map<String, String> map(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "stored JSON is not an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                out.put(name, p.getText());
            }
        } catch (IOException e) {
            throw new StoreException("stored JSON is malformed", false, e);
        }
        return out;
    }

    private static <T> T keyed(@Nullable T row) {
        if (row == null) {
            throw new IllegalStateException("a row read from its own table has no id");
        }
        return row;
    }

    /** The platforms column: null for SQL NULL (no restriction). */
    public static @Nullable String platformsOrNull(KeyRestrictions r) {
        return r.platforms().map(PlatformSet::toString).orElse(null);
    }

    /** The networks column: null for SQL NULL (no restriction). */
    public static @Nullable String networksOrNull(KeyRestrictions r) {
        return r.networks().map(NetworkAllowList::toString).orElse(null);
    }
}
