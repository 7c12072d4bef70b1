package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupNotEmptyException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.InvalidMoveException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.spi.GroupStore;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The group tree as rows with a materialized path ({@code /root/…/self/}). Changes to the tree's shape (insert,
 * move, delete) take the organization's row lock, so concurrent moves are serialized and can never form a
 * cycle; a subtree is a range scan on the path index.
 */
final class JdbcGroups implements GroupStore {
    private static final Sql.Row<String> STRING = rs -> rs.getString(1);
    /** Path column width; with 27 characters per level this allows trees over 100 levels deep. */
    static final int MAX_PATH = 2900;
    private static final String COLUMNS = "org_id, id, parent_id, name, name_key, path, overrides, locks, created_at, version";
    private final Sql sql;

    JdbcGroups(Sql sql) {
        this.sql = sql;
    }

    static void insertRow(Connection c, Group g, String path) throws SQLException {
        if (path.length() > MAX_PATH) {
            throw new InvalidInputException("parentId", "the group tree would be deeper than this store supports");
        }
        Sql.update(c, UniqueClash::new, null, "INSERT INTO hb_group (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                g.organizationId().value(), g.id().value(), g.parentId().map(GroupId::value).orElse(null), g.name(), g.nameKey(), path,
                Rows.overrides(g.settings()), Rows.locks(g.settings()), g.createdAt(), 0L);
    }

    private static final class Row {
        final Group group;
        final String path;

        Row(Group group, String path) {
            this.group = group;
            this.path = path;
        }
    }

    private static Optional<Row> row(Connection c, String org, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT " + Rows.GROUP + " FROM hb_group WHERE org_id = ? AND id = ?" + (forUpdate ? " FOR UPDATE" : ""),
                org, id); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Row(Rows.group(rs), rs.getString("path"))) : Optional.empty();
        }
    }

    private static Row require(Connection c, String org, String id, boolean forUpdate) throws SQLException {
        return row(c, org, id, forUpdate).orElseThrow(() -> new NotFoundException("group", id));
    }

    private static void checkVersion(Group g, long expected) {
        StaleVersionException.check("group", g.id().value(), expected, g.version());
    }

    /** Runs an update that points a row at {@code group}, reporting a group that vanished meanwhile as not found. */
    static void updateReferencing(Connection c, String group, String statement, @Nullable Object... params) throws SQLException {
        Sql.update(c, null, () -> new NotFoundException("group", group), statement, params);
    }

    @Override
    public void insert(Group group, AuditEvent audit) {
        String org = group.organizationId().value();
        GroupId parent = group.parentId().orElseThrow(() -> new InvalidInputException("parentId", "a new group needs a parent"));
        try {
            sql.inTransactionChange(c -> {
                JdbcOrganizations.lockOrganization(c, org);
                // Locking reads return the latest committed row on every database; a plain read may be older than the
                // organization lock we just waited for (seen on H2), and a stale parent path would corrupt the tree.
                Row p = require(c, org, parent.value(), true);
                insertRow(c, group, p.path + group.id().value() + "/");
                JdbcAudit.insert(c, audit);
            });
        } catch (UniqueClash clash) {
            throw findChild(group.organizationId(), parent, group.name()).isPresent() ? new DuplicateNameException("group", group.name())
                    : new ConflictException("group id already exists: " + group.id());
        }
    }

    @Override
    public Group update(Group changed, long expectedVersion, AuditEvent audit) {
        String org = changed.organizationId().value();
        return sql.inTransaction(c -> {
            Row current = require(c, org, changed.id().value(), true);
            checkVersion(current.group, expectedVersion);
            Group stored = current.group.withName(changed.name()).withSettings(changed.settings()).withVersion(expectedVersion + 1);
            Sql.update(c, () -> new DuplicateNameException("group", changed.name()), null,
                    "UPDATE hb_group SET name = ?, name_key = ?, overrides = ?, locks = ?, version = ? WHERE org_id = ? AND id = ?",
                    stored.name(), stored.nameKey(), Rows.overrides(stored.settings()), Rows.locks(stored.settings()), stored.version(),
                    org, stored.id().value());
            JdbcAudit.insert(c, audit);
            return stored;
        });
    }

    @Override
    public Group move(OrganizationId orgId, GroupId id, GroupId newParent, long expectedVersion, AuditEvent audit) {
        String org = orgId.value();
        return sql.inTransaction(c -> {
            JdbcOrganizations.lockOrganization(c, org);
            Row current = require(c, org, id.value(), true);
            Row parent = require(c, org, newParent.value(), true);
            checkVersion(current.group, expectedVersion);
            if (current.group.isRoot()) {
                throw new InvalidMoveException("the root group cannot be moved");
            }
            if (parent.path.startsWith(current.path)) {
                throw new InvalidMoveException("cannot move group \"" + current.group.name() + "\" under itself or its own descendant \""
                        + parent.group.name() + "\"");
            }
            String oldPrefix = current.path;
            String newPrefix = parent.path + id.value() + "/";
            long deepest;
            try (PreparedStatement ps = Sql.prepare(c, "SELECT MAX(LENGTH(path)) FROM hb_group WHERE org_id = ? AND path >= ? AND path < ?",
                    org, oldPrefix, upperBound(oldPrefix)); ResultSet rs = ps.executeQuery()) {
                rs.next();
                deepest = rs.getLong(1);
            }
            if (deepest - oldPrefix.length() + newPrefix.length() > MAX_PATH) {
                throw new InvalidInputException("newParent", "the group tree would be deeper than this store supports");
            }
            Group stored = current.group.withParent(newParent).withVersion(expectedVersion + 1);
            Sql.update(c, () -> new DuplicateNameException("group", current.group.name()), null,
                    "UPDATE hb_group SET parent_id = ?, version = ? WHERE org_id = ? AND id = ?", newParent.value(), stored.version(), org, id.value());
            Sql.update(c, "UPDATE hb_group SET path = CONCAT(?, SUBSTRING(path, ?)) WHERE org_id = ? AND path >= ? AND path < ?",
                    newPrefix, oldPrefix.length() + 1, org, oldPrefix, upperBound(oldPrefix));
            JdbcAudit.insert(c, audit);
            return stored;
        });
    }

    /** The smallest string above every string that starts with {@code prefix} (which ends with '/'). */
    static String upperBound(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) ('/' + 1);
    }

    @Override
    public void delete(OrganizationId orgId, GroupId id, long expectedVersion, AuditEvent audit) {
        String org = orgId.value();
        sql.inTransactionChange(c -> {
            JdbcOrganizations.lockOrganization(c, org);
            Row current = require(c, org, id.value(), true);
            checkVersion(current.group, expectedVersion);
            if (current.group.isRoot()) {
                throw new ConflictException("the root group cannot be deleted");
            }
            checkEmpty(c, org, id);
            try {
                Sql.update(c, "DELETE FROM hb_group WHERE org_id = ? AND id = ?", org, id.value());
            } catch (SQLException e) {
                if (Sql.isForeignKeyViolation(e)) {
                    // Something referenced the group after we counted (e.g. an agent enrolled concurrently).
                    throw GroupNotEmptyException.of(id, 0, List.of(), 1, 0, List.of());
                }
                throw e;
            }
            JdbcAudit.insert(c, audit);
        });
    }

    /**
     * Refuses the delete while anything references the group. Whether something does is decided with locking
     * reads (latest commit on every database, and writers that reference the group hold a lock on its row);
     * the totals in the message come from plain counts.
     */
    private static void checkEmpty(Connection c, String org, GroupId id) throws SQLException {
        boolean hasChildren = !Sql.list(c, STRING, "SELECT id FROM hb_group WHERE org_id = ? AND parent_id = ? LIMIT 1 FOR UPDATE", org, id.value()).isEmpty();
        boolean hasAgents = !Sql.list(c, STRING, "SELECT id FROM hb_agent WHERE org_id = ? AND group_id = ? LIMIT 1 FOR UPDATE", org, id.value()).isEmpty();
        boolean hasKeys = !Sql.list(c, STRING, "SELECT id FROM hb_access_key WHERE org_id = ? AND group_id = ? LIMIT 1 FOR UPDATE", org, id.value()).isEmpty();
        if (hasChildren || hasAgents || hasKeys) {
            List<String> childNames = Sql.list(c, STRING, "SELECT name FROM hb_group WHERE org_id = ? AND parent_id = ? ORDER BY name_key LIMIT 10", org, id.value());
            List<String> keyIds = Sql.list(c, STRING, "SELECT id FROM hb_access_key WHERE org_id = ? AND group_id = ? ORDER BY id LIMIT 10", org, id.value());
            long children = Math.max(hasChildren ? 1 : 0, count(c, "SELECT COUNT(*) FROM hb_group WHERE org_id = ? AND parent_id = ?", org, id.value()));
            long agents = Math.max(hasAgents ? 1 : 0, count(c, "SELECT COUNT(*) FROM hb_agent WHERE org_id = ? AND group_id = ?", org, id.value()));
            long keys = Math.max(hasKeys ? 1 : 0, count(c, "SELECT COUNT(*) FROM hb_access_key WHERE org_id = ? AND group_id = ?", org, id.value()));
            throw GroupNotEmptyException.of(id, children, childNames, agents, keys, keyIds);
        }
    }

    /** Locks the group row against a concurrent delete, or throws NotFound; for writers that reference a group. */
    static void lockReferencedGroup(Connection c, Dialect dialect, String org, String groupId) throws SQLException {
        if (!Sql.exists(c, "SELECT id FROM hb_group WHERE org_id = ? AND id = ?" + dialect.shareLock(), org, groupId)) {
            throw new NotFoundException("group", groupId);
        }
    }

    static long count(Connection c, String query, @Nullable Object... params) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, query, params); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public Optional<Group> find(OrganizationId org, GroupId id) {
        return sql.read(c -> row(c, org.value(), id.value(), false).map(r -> r.group));
    }

    @Override
    public List<Group> pathFromRoot(OrganizationId org, GroupId id) {
        return sql.read(c -> {
            Optional<Row> target = row(c, org.value(), id.value(), false);
            return target.isEmpty() ? List.of() : pathOf(c, org.value(), target.get().group, target.get().path);
        });
    }

    /** The group's ancestors by the ids of its materialized path (one statement), then the group itself: root first. */
    static List<Group> pathOf(Connection c, String org, Group group, String path) throws SQLException {
        String[] ids = path.substring(1).split("/");
        if (ids.length == 1) {
            return List.of(group);
        }
        Object[] params = new Object[ids.length];
        params[0] = org;
        System.arraycopy(ids, 0, params, 1, ids.length - 1);
        String in = String.join(", ", Collections.nCopies(ids.length - 1, "?"));
        Map<String, Group> byId = new HashMap<>();
        for (Group g : Sql.list(c, Rows::group, "SELECT " + Rows.GROUP + " FROM hb_group WHERE org_id = ? AND id IN (" + in + ")", params)) {
            byId.put(g.id().value(), g);
        }
        List<Group> out = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length - 1; i++) {
            Group g = byId.get(ids[i]);
            if (g == null) {
                return List.of();
            }
            out.add(g);
        }
        out.add(group);
        return List.copyOf(out);
    }

    @Override
    public List<Group> children(OrganizationId org, GroupId parent) {
        return sql.read(c -> Sql.list(c, Rows::group, "SELECT " + Rows.GROUP + " FROM hb_group WHERE org_id = ? AND parent_id = ? ORDER BY name_key, id", org.value(),
                parent.value()));
    }

    @Override
    public Optional<Group> findChild(OrganizationId org, GroupId parent, String name) {
        String key;
        try {
            key = Group.nameKeyOf(name);
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
        return sql.read(c -> Sql.list(c, Rows::group, "SELECT " + Rows.GROUP + " FROM hb_group WHERE org_id = ? AND parent_id = ? AND name_key = ?", org.value(),
                parent.value(), key).stream().findFirst());
    }

    @Override
    public List<Group> subtree(OrganizationId org, GroupId root) {
        return sql.read(c -> {
            Optional<Row> top = row(c, org.value(), root.value(), false);
            if (top.isEmpty()) {
                return List.of();
            }
            String prefix = top.get().path;
            List<Group> all = Sql.list(c, Rows::group, "SELECT " + Rows.GROUP + " FROM hb_group WHERE org_id = ? AND path >= ? AND path < ?", org.value(), prefix,
                    upperBound(prefix));
            Map<GroupId, List<Group>> kids = new HashMap<>();
            for (Group g : all) {
                g.parentId().ifPresent(p -> kids.computeIfAbsent(p, k -> new ArrayList<>()).add(g));
            }
            // Fold each name once; a comparator that folds on every comparison costs more than the query.
            Map<GroupId, String> keys = new HashMap<>();
            for (Group g : all) {
                keys.put(g.id(), g.nameKey());
            }
            Comparator<Group> byName = Comparator.comparing((Group g) -> keys.get(g.id())).thenComparing(g -> g.id().value());
            kids.values().forEach(l -> l.sort(byName));
            List<Group> out = new ArrayList<>();
            ArrayDeque<Group> stack = new ArrayDeque<>();
            stack.push(top.get().group);
            while (!stack.isEmpty()) {
                Group g = stack.pop();
                out.add(g);
                List<Group> k = kids.getOrDefault(g.id(), List.of());
                for (int i = k.size() - 1; i >= 0; i--) {
                    stack.push(k.get(i));
                }
            }
            return List.copyOf(out);
        });
    }
}
