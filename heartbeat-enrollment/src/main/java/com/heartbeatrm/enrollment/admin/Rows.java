package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.enrollment.KeyThrottles;
import com.heartbeatrm.enrollment.SigningKeyInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON rows of the admin API: what the console shows and the CLI prints, one shape per concept. */
final class Rows {
    private Rows() {
    }

    static Map<String, Object> organization(Organization o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", o.id().value());
        m.put("name", o.name());
        m.put("rootGroup", o.rootGroupId().value());
        m.put("created", o.createdAt().toString());
        return m;
    }

    static Map<String, Object> group(HeartbeatAdmin admin, Organization org, Group g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", g.id().value());
        m.put("path", admin.groups().pathOf(org.id(), g.id()));
        m.put("name", g.name());
        m.put("root", g.isRoot());
        m.put("version", g.version());
        return m;
    }

    static Map<String, Object> key(HeartbeatAdmin admin, Organization org, AccessKey k, List<KeyThrottles.KeyThrottle> throttles) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id().value());
        m.put("name", k.name());
        m.put("group", admin.groups().find(org.id(), k.groupId()).map(g -> admin.groups().pathOf(org.id(), g.id())).orElse("?"));
        m.put("status", admin.accessKeys().status(k).name());
        k.disabled().ifPresent(x -> {
            m.put("disabledBy", x.by().name());
            m.put("disabledReason", x.reason());
            m.put("disabledAt", x.at().toString());
        });
        m.put("uses", k.useCount());
        k.maxUses().ifPresent(x -> m.put("maxUses", x));
        k.lastUsedAt().ifPresent(x -> m.put("lastUsed", x.toString()));
        k.expiresAt().ifPresent(x -> m.put("expires", x.toString()));
        k.restrictions().networks().ifPresent(n -> m.put("networks", n.toString()));
        k.restrictions().platforms().ifPresent(p -> m.put("platforms", p.toString()));
        m.put("created", k.createdAt().toString());
        m.put("default", k.isDefault());
        if (!throttles.isEmpty()) {
            List<Object> locks = new ArrayList<>();
            for (KeyThrottles.KeyThrottle t : throttles) {
                locks.add(Map.of("source", t.sourceAddress(), "until", t.until().toString()));
            }
            m.put("throttled", locks);
        }
        m.put("version", k.version());
        return m;
    }

    static Map<String, Object> agent(HeartbeatAdmin admin, Organization org, Agent a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id().value());
        m.put("hostname", a.hostname());
        m.put("group", admin.groups().find(org.id(), a.groupId()).map(g -> admin.groups().pathOf(org.id(), g.id())).orElse("?"));
        m.put("status", a.status().name());
        m.put("platform", a.platform().wireName());
        m.put("enrolled", a.enrolledAt().toString());
        m.put("lastSeen", a.lastSeenAt().toString());
        m.put("key", a.accessKeyId().value());
        a.installerId().ifPresent(x -> m.put("installer", x.value()));
        m.put("credentialGeneration", a.credentialGeneration());
        m.put("keyAlgorithm", a.keyType().wireName());
        // What the agent reported of its machine (not a secret): the replaced-TPM rule compares it.
        a.machineFingerprint().ifPresent(x -> m.put("machineFingerprint", x));
        a.attestation().ifPresent(x -> {
            Map<String, Object> att = new LinkedHashMap<>();
            att.put("ekSha256", x.endorsementKeySha256());
            att.put("trustedBy", x.trustedBy());
            att.put("attestedAt", x.attestedAt().toString());
            m.put("attested", att);
        });
        m.put("version", a.version());
        return m;
    }

    static Map<String, Object> installer(InstallerRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id().value());
        m.put("key", r.accessKeyId().value());
        m.put("format", r.format());
        m.put("issued", r.issuedAt().toString());
        m.put("issuedBy", r.issuedBy().name());
        r.expiresAt().ifPresent(e -> m.put("expires", e.toString()));
        r.platform().ifPresent(p -> m.put("platform", p.wireName()));
        r.maxUses().ifPresent(n -> {
            m.put("maxUses", n);
            m.put("uses", r.useCount());
        });
        m.put("signingKey", r.signingKeyId());
        m.put("revoked", r.isRevoked());
        r.revoked().ifPresent(x -> {
            m.put("revokedBy", x.by().name());
            m.put("revokedAt", x.at().toString());
            m.put("revokedReason", x.reason());
        });
        r.output().ifPresent(o -> {
            m.put("sha256", o.sha256());
            m.put("size", o.size());
        });
        return m;
    }

    static Map<String, Object> signingKey(SigningKeyInfo k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.keyId());
        m.put("status", k.status().name());
        m.put("created", k.createdAt().toString());
        return m;
    }
}
