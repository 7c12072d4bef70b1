package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Resolves what people type: an organization (id or name), a group path, a key (id, or a name unique among all keys). */
final class Lookup {
    private final HeartbeatAdmin admin;

    Lookup(HeartbeatAdmin admin) {
        this.admin = admin;
    }

    Organization organization(Optional<String> idOrName) {
        if (idOrName.isPresent()) {
            String v = idOrName.get();
            if (v.startsWith("org_")) {
                try {
                    Optional<Organization> byId = admin.organizations().find(OrganizationId.parse(v));
                    if (byId.isPresent()) {
                        return byId.get();
                    }
                } catch (IllegalArgumentException notAnId) {
                    // a name that starts like an id
                }
            }
            return admin.organizations().findByName(v).orElseThrow(() -> new NotFoundException("organization", v));
        }
        List<Organization> orgs = admin.organizations().list(PageRequest.first(2)).items();
        if (orgs.size() != 1) {
            throw new InvalidInputException("org", orgs.isEmpty() ? "no organization yet: run init" : "several organizations: name one (org=…)");
        }
        return orgs.get(0);
    }

    /**
     * A group by id ({@code grp_…}: what a URL should carry, since servlet containers refuse an encoded {@code /} in a
     * path) or by path below the root ({@code Customer A/Site 1}; {@code /} is the root).
     */
    Group group(Organization org, String idOrPath) {
        if (idOrPath.startsWith("grp_") && idOrPath.indexOf('/') < 0) {
            try {
                Optional<Group> byId = admin.groups().find(org.id(), com.heartbeatrm.core.GroupId.parse(idOrPath));
                if (byId.isPresent()) {
                    return byId.get();
                }
            } catch (IllegalArgumentException notAnId) {
                // a group named like an id
            }
        }
        return admin.groups().requireByPath(org.id(), idOrPath);
    }

    /** A key by id, or by name when exactly one key of the organization has it (every key is searched, page by page). */
    AccessKey key(Organization org, String idOrName) {
        String wanted = idOrName.strip();
        if (wanted.startsWith("hbk_")) {
            try {
                return admin.accessKeys().require(org.id(), AccessKeyId.parse(wanted));
            } catch (IllegalArgumentException notAnId) {
                // fall through to the name
            }
        }
        String key = wanted.toLowerCase(Locale.ROOT);
        List<AccessKey> matches = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            Page<AccessKey> p = admin.accessKeys().list(org.id(), page);
            for (AccessKey k : p.items()) {
                if (k.name().toLowerCase(Locale.ROOT).equals(key)) {
                    matches.add(k);
                }
            }
            if (!p.hasNext() || matches.size() > 1) {
                break;
            }
            page = page.next(p);
        }
        if (matches.size() != 1) {
            if (matches.isEmpty()) {
                throw new NotFoundException("access key", wanted);
            }
            throw new InvalidInputException("key", "several keys are named " + wanted + ": use the key's id");
        }
        return matches.get(0);
    }
}
