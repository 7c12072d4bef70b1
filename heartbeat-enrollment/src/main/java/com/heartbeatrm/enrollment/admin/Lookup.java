package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.IdShape;
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
import java.util.function.Function;

/**
 * Resolves what people type: an organization (id or name), a group (id or path), a key (id, or a name unique among all
 * keys). Text of an id's shape ({@link IdShape}) is an id and nothing else: names never have that shape, so it is never
 * looked up as a name, and an id that finds nothing is "not found" rather than a name that happens to match.
 */
final class Lookup {
    private final HeartbeatAdmin admin;

    Lookup(HeartbeatAdmin admin) {
        this.admin = admin;
    }

    Organization organization(Optional<String> idOrName) {
        if (idOrName.isPresent()) {
            String v = idOrName.get();
            if (IdShape.matches(v)) {
                return admin.organizations().find(asId("org", "an organization id (org_…)", OrganizationId::parse, v))
                        .orElseThrow(() -> new NotFoundException("organization", v));
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
        if (IdShape.matches(idOrPath)) {
            return admin.groups().require(org.id(), asId("group", "a group id (grp_…) or path", GroupId::parse, idOrPath));
        }
        return admin.groups().requireByPath(org.id(), idOrPath);
    }

    /** A key by id, or by name when exactly one key of the organization has it (every key is searched, page by page). */
    AccessKey key(Organization org, String idOrName) {
        String wanted = idOrName.strip();
        if (IdShape.matches(wanted)) {
            return admin.accessKeys().require(org.id(), asId("key", "an access key id (hbk_…) or name", AccessKeyId::parse, wanted));
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

    /**
     * Text of an id's shape as the id {@code parse} reads, never as a name: no name has this shape, so text of another
     * kind of id (or a non-canonical one) is refused as naming nothing this look-up could find. Such text is 26 plain
     * characters, so the message may echo it.
     */
    private static <T> T asId(String field, String expected, Function<String, T> parse, String text) {
        try {
            return parse.apply(text);
        } catch (InvalidInputException notThisKind) {
            throw new InvalidInputException(field, "not " + expected + ": " + text);
        }
    }
}
