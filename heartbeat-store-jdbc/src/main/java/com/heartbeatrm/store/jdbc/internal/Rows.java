package com.heartbeatrm.store.jdbc.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
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
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Reading rows into model records and writing the few structured columns. */
public final class Rows {
    private static final JsonFactory JSON = new JsonFactory();

    private Rows() {
    }

    public static Organization organization(ResultSet rs) throws SQLException {
        return new Organization(new OrganizationId(rs.getString("id")), rs.getString("name"), new GroupId(rs.getString("root_group_id")),
                Sql.instant(rs.getLong("created_at")));
    }

    public static Group group(ResultSet rs) throws SQLException {
        String parent = rs.getString("parent_id");
        return new Group(new GroupId(rs.getString("id")), new OrganizationId(rs.getString("org_id")),
                parent == null ? Optional.empty() : Optional.of(new GroupId(parent)), rs.getString("name"),
                settings(rs.getString("overrides"), rs.getString("locks")), Sql.instant(rs.getLong("created_at")), rs.getLong("version"));
    }

    public static AccessKey accessKey(ResultSet rs) throws SQLException {
        Long maxUses = Sql.longOrNull(rs, "max_uses");
        String lastBy = rs.getString("last_used_by");
        String networks = rs.getString("networks");
        String platforms = rs.getString("platforms");
        Long disabledAt = Sql.longOrNull(rs, "disabled_at");
        Optional<Disablement> disabled = disabledAt == null ? Optional.empty()
                : Optional.of(new Disablement(Sql.instant(disabledAt), new Actor(rs.getString("disabled_by")), rs.getString("disabled_reason")));
        return new AccessKey(new AccessKeyId(rs.getString("id")), new OrganizationId(rs.getString("org_id")), rs.getString("name"),
                new GroupId(rs.getString("group_id")), rs.getBoolean("is_default"), Sql.instant(rs.getLong("created_at")),
                new Actor(rs.getString("created_by")), Optional.ofNullable(Sql.instantOrNull(rs, "expires_at")),
                maxUses == null ? OptionalLong.empty() : OptionalLong.of(maxUses), rs.getLong("use_count"),
                Optional.ofNullable(Sql.instantOrNull(rs, "last_used_at")), Optional.ofNullable(lastBy).map(AgentId::new),
                new KeyRestrictions(Optional.ofNullable(networks).map(NetworkAllowList::parse), Optional.ofNullable(platforms).map(PlatformSet::parse)),
                disabled, rs.getLong("version"));
    }

    public static Agent agent(ResultSet rs) throws SQLException {
        return new Agent(new AgentId(rs.getString("id")), new OrganizationId(rs.getString("org_id")), new GroupId(rs.getString("group_id")),
                AgentStatus.valueOf(rs.getString("status")), Sql.instant(rs.getLong("enrolled_at")), new AccessKeyId(rs.getString("access_key_id")),
                Optional.ofNullable(rs.getString("installer_id")), rs.getString("hostname"), Platform.valueOf(rs.getString("platform")),
                rs.getString("fingerprint"), Sql.instant(rs.getLong("last_seen_at")), rs.getLong("version"));
    }

    public static InstallerRecord installer(ResultSet rs) throws SQLException {
        String platform = rs.getString("platform");
        String baseSha = rs.getString("base_sha256");
        String outSha = rs.getString("output_sha256");
        Long revokedAt = Sql.longOrNull(rs, "revoked_at");
        return new InstallerRecord(new InstallerId(rs.getString("id")), new OrganizationId(rs.getString("org_id")),
                new AccessKeyId(rs.getString("access_key_id")), rs.getString("signing_key_id"), Sql.instant(rs.getLong("issued_at")),
                new Actor(rs.getString("issued_by")), Optional.ofNullable(Sql.instantOrNull(rs, "expires_at")),
                Optional.ofNullable(platform).map(Platform::valueOf), rs.getString("format"),
                baseSha == null ? Optional.empty() : Optional.of(new ArtifactDigest(baseSha, rs.getLong("base_size"))),
                outSha == null ? Optional.empty() : Optional.of(new ArtifactDigest(outSha, rs.getLong("output_size"))),
                revokedAt == null ? Optional.empty() : Optional.of(new Revocation(Sql.instant(revokedAt), new Actor(rs.getString("revoked_by")),
                        rs.getString("revoked_reason"))), rs.getLong("version"));
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
                throw new StoreException("stored JSON is not an object", false, null);
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

    public static String platformsOrNull(KeyRestrictions r) {
        return r.platforms().map(PlatformSet::toString).orElse(null);
    }

    public static String networksOrNull(KeyRestrictions r) {
        return r.networks().map(NetworkAllowList::toString).orElse(null);
    }
}
