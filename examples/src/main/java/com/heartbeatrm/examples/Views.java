package com.heartbeatrm.examples;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.PageRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CLI and the admin API share: resolving the arguments people type (an organization, a group path, a
 * key id or name) and the rows both print (as text columns or JSON).
 */
public final class Views {
    private Views() {
    }

    /** The named organization, or the only one when no name is given. */
    public static Organization organization(Deployment d, String name) {
        if (name != null) {
            return d.admin.organizations().findByName(name).orElseThrow(() -> new NotFoundException("organization", name));
        }
        List<Organization> orgs = d.admin.organizations().list(PageRequest.first(2)).items();
        if (orgs.size() != 1) {
            throw new InvalidInputException("org", orgs.isEmpty() ? "no organization yet: run init" : "several organizations: name one");
        }
        return orgs.get(0);
    }

    /** A group by path from the root's children ({@code "Customer A/Site 1"}); {@code /} is the root. */
    public static Group group(Deployment d, Organization org, String path) {
        return d.admin.groups().requireByPath(org.id(), path);
    }

    /** A key by id, or by name when exactly one key has it. */
    public static AccessKey key(Deployment d, Organization org, String key) {
        if (key.startsWith("hbk_")) {
            return d.admin.accessKeys().require(org.id(), AccessKeyId.parse(key));
        }
        List<AccessKey> matches = d.admin.accessKeys().list(org.id(), PageRequest.first(PageRequest.MAX_LIMIT)).items().stream()
                .filter(k -> k.name().equalsIgnoreCase(key.strip())).toList();
        if (matches.size() != 1) {
            throw new InvalidInputException("key", matches.isEmpty() ? "no key named " + key : "several keys named " + key + ": use its id");
        }
        return matches.get(0);
    }

    /** Every access key of the organization, as rows. */
    public static List<Map<String, Object>> keyRows(Deployment d, Organization org) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AccessKey k : d.admin.accessKeys().list(org.id(), PageRequest.first(PageRequest.MAX_LIMIT)).items()) {
            rows.add(keyRow(d, org, k));
        }
        return rows;
    }

    /** The agents of one group ({@code groupPath}), or of the whole tree when it is null, as rows. */
    public static List<Map<String, Object>> agentRows(Deployment d, Organization org, String groupPath) {
        List<Group> groups = groupPath == null ? d.admin.groups().subtree(org.id(), org.rootGroupId()) : List.of(group(d, org, groupPath));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Group g : groups) {
            for (Agent a : d.admin.agents().listByGroup(org.id(), g.id(), PageRequest.first(PageRequest.MAX_LIMIT)).items()) {
                rows.add(agentRow(d, org, a));
            }
        }
        return rows;
    }

    /** The installers generated for one key ({@code key}: id or unique name), or for every key when it is null, as rows. */
    public static List<Map<String, Object>> installerRows(Deployment d, Organization org, String key) {
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        List<InstallerRecord> records = key == null ? d.store.installers().list(org.id(), page).items()
                : d.store.installers().listByKey(org.id(), key(d, org, key).id(), page).items();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (InstallerRecord r : records) {
            rows.add(installerRow(r));
        }
        return rows;
    }

    public static Map<String, Object> keyRow(Deployment d, Organization org, AccessKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id().value());
        m.put("name", k.name());
        m.put("group", d.admin.groups().find(org.id(), k.groupId()).map(g -> d.admin.groups().pathOf(org.id(), g.id())).orElse("?"));
        m.put("status", d.admin.accessKeys().status(k).name());
        k.disabled().ifPresent(x -> {
            m.put("disabledBy", x.by().name());
            m.put("disabledReason", x.reason());
            m.put("disabledAt", x.at().toString());
        });
        m.put("uses", k.useCount());
        k.maxUses().ifPresent(x -> m.put("maxUses", x));
        k.lastUsedAt().ifPresent(x -> m.put("lastUsed", x.toString()));
        k.expiresAt().ifPresent(x -> m.put("expires", x.toString()));
        m.put("created", k.createdAt().toString());
        m.put("default", k.isDefault());
        return m;
    }

    public static Map<String, Object> agentRow(Deployment d, Organization org, Agent a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id().value());
        m.put("hostname", a.hostname());
        m.put("group", d.admin.groups().pathOf(org.id(), a.groupId()));
        m.put("status", a.status().name());
        m.put("platform", a.platform().wireName());
        m.put("enrolled", a.enrolledAt().toString());
        m.put("key", a.accessKeyId().value());
        a.installerId().ifPresent(x -> m.put("installer", x));
        return m;
    }

    public static Map<String, Object> installerRow(InstallerRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id().value());
        m.put("key", r.accessKeyId().value());
        m.put("format", r.format());
        m.put("issued", r.issuedAt().toString());
        m.put("issuedBy", r.issuedBy().name());
        r.platform().ifPresent(p -> m.put("platform", p.wireName()));
        m.put("revoked", r.isRevoked());
        r.output().ifPresent(o -> {
            m.put("sha256", o.sha256());
            m.put("size", o.size());
        });
        return m;
    }
}
