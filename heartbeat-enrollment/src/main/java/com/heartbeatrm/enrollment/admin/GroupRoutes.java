package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.created;
import static com.heartbeatrm.enrollment.admin.Replies.ok;
import static com.heartbeatrm.enrollment.admin.Replies.paged;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AttestationRequirement;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupSettings;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.ResolvedSetting;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.protocol.StrictJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** {@code /groups}: the tree, a group with its effective settings, create, rename, move, settings and locks, delete. */
record GroupRoutes(HeartbeatAdmin admin) implements Routes.RouteSet {
    @Override
    public void addTo(Routes routes) {
        routes.get("/groups", this::groups);
        routes.route("POST", "/groups", Route.BodyType.JSON, Set.of("name", "parent"), this::groupCreate);
        routes.get("/groups/{group}", c -> ok(groupDetail(c.org(), c.group(c.path("group")))));
        routes.post("/groups/{group}/rename", Set.of("name"), c -> {
            Group g = c.group(c.path("group"));
            return ok(Rows.group(admin, c.org(), admin.groups().rename(c.actor, c.org().id(), g.id(), c.requireString("name"))));
        });
        routes.post("/groups/{group}/move", Set.of("parent"), c -> {
            Group g = c.group(c.path("group"));
            Group parent = c.group(c.requireString("parent"));
            return ok(Rows.group(admin, c.org(), admin.groups().move(c.actor, c.org().id(), g.id(), parent.id())));
        });
        routes.post("/groups/{group}/settings", Set.of("settings", "lock", "unlock"), this::groupSettings);
        routes.delete("/groups/{group}", c -> {
            Group g = c.group(c.path("group"));
            admin.groups().delete(c.actor, c.org().id(), g.id());
            return ok(Map.of("deleted", g.id().value()));
        });
    }

    private AdminResponse groups(Call c) {
        Organization org = c.org();
        List<Group> all = new ArrayList<>(admin.groups().subtree(org.id(), org.rootGroupId()));
        // Page by path, root first: a cursor is the last path shown.
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Group g : all) {
            if (c.scope().allows(g.id())) {
                rows.add(Rows.group(admin, org, g));
            }
        }
        rows.sort(Comparator.comparing(GroupRoutes::sortKey));
        PageRequest page = c.page();
        int from = 0;
        if (page.after().isPresent()) {
            String after = page.after().get();
            while (from < rows.size() && sortKey(rows.get(from)).compareTo(after) <= 0) {
                from++;
            }
        }
        int to = Math.min(rows.size(), from + page.limit());
        List<Object> items = new ArrayList<>(rows.subList(from, to));
        Optional<String> next = to < rows.size() ? Optional.of(sortKey(rows.get(to - 1))) : Optional.empty();
        return ok(paged(items, next));
    }

    private static String sortKey(Map<String, Object> groupRow) {
        return Boolean.TRUE.equals(groupRow.get("root")) ? "" : (String) Objects.requireNonNull(groupRow.get("path"), "a group row has a path");
    }

    private AdminResponse groupCreate(Call c) {
        Organization org = c.org();
        Group parent = c.group(c.string("parent").filter(s -> !s.isBlank()).orElse("/"));
        Group g = admin.groups().create(c.actor, org.id(), parent.id(), c.requireString("name"));
        return created(Rows.group(admin, org, g));
    }

    private Map<String, Object> groupDetail(Organization org, Group g) {
        List<Object> settings = new ArrayList<>();
        for (ResolvedSetting<?> r : admin.groups().effectiveSettings(org.id(), g.id()).all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("setting", r.setting().name());
            m.put("value", format(r));
            m.put("source", r.describeSource());
            m.put("locked", r.lockedBy().isPresent());
            r.lockedBy().ifPresent(l -> m.put("lockedBy", l.groupId().equals(g.id()) ? "here" : admin.groups().pathOf(org.id(), l.groupId())));
            m.put("lockedHere", g.settings().isLocked(r.setting()));
            m.put("overriddenHere", g.settings().override(r.setting()).isPresent());
            overrideText(g.settings(), r.setting()).ifPresent(v -> m.put("override", v));
            settings.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>(Rows.group(admin, org, g));
        out.put("settings", settings);
        return out;
    }

    private static <T> Optional<String> overrideText(GroupSettings s, SecuritySetting<T> setting) {
        return s.override(setting).map(setting::format);
    }

    private static <T> String format(ResolvedSetting<T> r) {
        return r.setting().format(r.value());
    }

    private AdminResponse groupSettings(Call c) {
        Organization org = c.org();
        Group g = c.group(c.path("group"));
        GroupSettings s = g.settings();
        Map<String, Object> values = c.object("settings").orElse(Map.of());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            SecuritySetting<?> setting = SecuritySetting.byName(e.getKey()).orElseThrow(() -> new InvalidInputException("settings",
                    "unknown setting " + StrictJson.printable(e.getKey())));
            if (!(e.getValue() instanceof String text)) {
                throw new InvalidInputException(setting.name(), "must be a string (or \"inherit\")");
            }
            try {
                s = text.equalsIgnoreCase("inherit") ? s.withoutOverride(setting) : parsed(s, setting, text);
            } catch (InvalidInputException bad) {
                // Name the setting, so that a form shows the words next to its input.
                throw bad.field().equals(setting.name()) ? bad : new InvalidInputException(setting.name(),
                        Objects.requireNonNullElse(bad.getMessage(), "invalid value"));
            }
        }
        for (String l : c.strings("lock", 16)) {
            s = s.withLock(SecuritySetting.byName(l).orElseThrow(() -> new InvalidInputException("lock", "unknown setting")), true);
        }
        for (String l : c.strings("unlock", 16)) {
            s = s.withLock(SecuritySetting.byName(l).orElseThrow(() -> new InvalidInputException("unlock", "unknown setting")), false);
        }
        Group changed = admin.groups().changeSettings(c.actor, org.id(), g.id(), s, g.version());
        Map<String, Object> out = groupDetail(org, changed);
        attestationNowRequired(org, g, changed).ifPresent(n -> out.put("attestationNowRequired", n));
        return ok(out);
    }

    /** The most agents {@link #attestationNowRequired} reads to count; past it, the count says it is a lower bound. */
    static final int MAX_AGENTS_COUNTED = 10_000;

    /**
     * What a change that makes TPM attestation required means, for the answer: the groups of the subtree whose effective
     * {@code attestation} became {@code tpm} (an override or a lock here, inherited below unless shadowed), and how many
     * of their active or pending agents have no attestation: those are refused {@code attestation_required} at their
     * next renewal or poll. Empty when no group's requirement changed that way. The paths are built in memory from the
     * subtree (each group after its parent); the agents are read page by page, at most {@value #MAX_AGENTS_COUNTED}.
     */
    private Optional<Map<String, Object>> attestationNowRequired(Organization org, Group before, Group after) {
        List<Group> above = admin.groups().ancestors(org.id(), after.id());
        Map<GroupId, List<Group>> was = new HashMap<>();
        Map<GroupId, List<Group>> is = new HashMap<>();
        List<GroupId> affected = new ArrayList<>();
        for (Group sub : admin.groups().subtree(org.id(), after.id())) {
            List<Group> wasPath = new ArrayList<>(sub.id().equals(after.id()) ? above : was.get(sub.parentId().orElseThrow()));
            List<Group> isPath = new ArrayList<>(sub.id().equals(after.id()) ? above : is.get(sub.parentId().orElseThrow()));
            wasPath.add(sub.id().equals(after.id()) ? before : sub);
            isPath.add(sub);
            was.put(sub.id(), wasPath);
            is.put(sub.id(), isPath);
            if (EffectiveSettings.resolve(wasPath).attestation() != AttestationRequirement.TPM
                    && EffectiveSettings.resolve(isPath).attestation() == AttestationRequirement.TPM) {
                affected.add(sub.id());
            }
        }
        if (affected.isEmpty()) {
            return Optional.empty();
        }
        long unattested = 0;
        int read = 0;
        boolean complete = true;
        groups:
        for (GroupId id : affected) {
            if (read >= MAX_AGENTS_COUNTED) {
                complete = false;
                break;
            }
            PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
            while (true) {
                Page<Agent> p = admin.agents().listByGroup(org.id(), id, page);
                for (Agent a : p.items()) {
                    if ((a.status() == AgentStatus.ACTIVE || a.status() == AgentStatus.PENDING) && a.attestation().isEmpty()) {
                        unattested++;
                    }
                }
                read += p.items().size();
                if (!p.hasNext()) {
                    break;
                }
                if (read >= MAX_AGENTS_COUNTED) {
                    complete = false;
                    break groups;
                }
                page = page.next(p);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("groups", affected.size());
        m.put("unattestedAgents", unattested);
        m.put("complete", complete);
        return Optional.of(m);
    }

    private static <T> GroupSettings parsed(GroupSettings s, SecuritySetting<T> setting, String value) {
        return s.withOverride(setting, setting.parse(value));
    }
}
