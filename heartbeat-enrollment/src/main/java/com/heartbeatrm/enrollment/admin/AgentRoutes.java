package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.ok;
import static com.heartbeatrm.enrollment.admin.Replies.paged;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code /agents}: list by group, key, status or the whole tree; approve, deny, disable, enable, unlock, move. */
record AgentRoutes(HeartbeatAdmin admin) implements Routes.RouteSet {
    @Override
    public void addTo(Routes routes) {
        routes.get("/agents", this::agents);
        routes.get("/agents/{agent}", c -> ok(Rows.agent(admin, c.org(), admin.agents().require(c.org().id(), agentId(c)))));
        routes.post("/agents/{agent}/approve", Set.of(), c -> agentRow(c, admin.agents().approve(c.actor, c.org().id(), agentId(c))));
        routes.post("/agents/{agent}/deny", Set.of(), c -> agentRow(c, admin.agents().reject(c.actor, c.org().id(), agentId(c))));
        routes.post("/agents/{agent}/disable", Set.of(), c -> agentRow(c, admin.agents().setStatus(c.actor, c.org().id(), agentId(c),
                AgentStatus.DISABLED)));
        routes.post("/agents/{agent}/enable", Set.of(), c -> agentRow(c, admin.agents().setStatus(c.actor, c.org().id(), agentId(c),
                AgentStatus.ACTIVE)));
        routes.post("/agents/{agent}/unlock", Set.of("reason"), c -> agentRow(c, admin.agents().unlock(c.actor, c.org().id(), agentId(c),
                c.string("reason").orElse("unlocked by an administrator"))));
        routes.post("/agents/{agent}/move", Set.of("group"), c -> agentRow(c, admin.agents().move(c.actor, c.org().id(), agentId(c),
                c.group(c.requireString("group")).id())));
    }

    /** The agent id of the path, of an agent in the call's scope. */
    private AgentId agentId(Call c) {
        AgentId id;
        try {
            id = AgentId.parse(c.path("agent"));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("agent", "not an agent id (agt_…)");
        }
        if (c.scope().narrowed()) {
            c.scope().check(admin.agents().require(c.org().id(), id));
        }
        return id;
    }

    private AdminResponse agentRow(Call c, Agent a) {
        return ok(Rows.agent(admin, c.org(), a));
    }

    /**
     * Agents of one group, key or status, or of the whole tree. The whole tree pages group by group in id order; its
     * cursor is {@code GROUPID:INNER}, so that it survives groups created or deleted between pages.
     */
    private AdminResponse agents(Call c) {
        Organization org = c.org();
        PageRequest page = c.page();
        Page<Agent> p;
        if (c.query("group").isPresent()) {
            p = admin.agents().listByGroup(org.id(), c.group(c.query("group").get()).id(), page);
        } else if (c.query("key").isPresent()) {
            p = admin.agents().listByKey(org.id(), c.key(c.query("key").get()).id(), page);
        } else if (c.query("status").isPresent()) {
            AgentStatus status;
            try {
                status = AgentStatus.valueOf(c.query("status").get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("status", "one of " + Arrays.toString(AgentStatus.values()));
            }
            p = admin.agents().listByStatus(org.id(), status, page);
        } else {
            p = wholeTree(org, page, c.scope());
        }
        List<Object> items = new ArrayList<>();
        p.items().stream().filter(c.scope()::allows).forEach(a -> items.add(Rows.agent(admin, org, a)));
        return ok(paged(items, p.nextCursor()));
    }

    private Page<Agent> wholeTree(Organization org, PageRequest page, Scope scope) {
        List<GroupId> groups = new ArrayList<>();
        admin.groups().subtree(org.id(), org.rootGroupId()).stream().filter(g -> scope.allows(g.id())).forEach(g -> groups.add(g.id()));
        groups.sort(Comparator.comparing(GroupId::value));
        String startGroup = "";
        Optional<String> inner = Optional.empty();
        if (page.after().isPresent()) {
            String cursor = page.after().get();
            int tilde = cursor.indexOf(':');
            if (tilde < 0) {
                throw new InvalidInputException("after", "not a cursor of this list");
            }
            startGroup = cursor.substring(0, tilde);
            inner = tilde + 1 < cursor.length() ? Optional.of(cursor.substring(tilde + 1)) : Optional.empty();
        }
        List<Agent> out = new ArrayList<>();
        for (GroupId g : groups) {
            int cmp = g.value().compareTo(startGroup);
            if (cmp < 0) {
                continue;
            }
            Optional<String> after = cmp == 0 ? inner : Optional.empty();
            while (out.size() < page.limit()) {
                Page<Agent> p = admin.agents().listByGroup(org.id(), g, new PageRequest(page.limit() - out.size(), after));
                out.addAll(p.items());
                if (!p.hasNext()) {
                    after = Optional.empty();
                    break;
                }
                after = p.nextCursor();
                if (out.size() == page.limit()) {
                    return new Page<>(out, Optional.of(g.value() + ":" + after.get()));
                }
            }
            if (out.size() == page.limit()) {
                // Full at a group's end: the next page starts after this group.
                int i = groups.indexOf(g);
                return i + 1 < groups.size() ? new Page<>(out, Optional.of(groups.get(i + 1).value() + ":")) : new Page<>(out, Optional.empty());
            }
        }
        return new Page<>(out, Optional.empty());
    }
}
