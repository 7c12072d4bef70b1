package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.StaleVersionException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * One table of a tenant whose rows carry a version: where it lives in the {@link Tenant}, what its rows are called in
 * errors, and how a row's version is read. Every versioned update and delete of the in-memory stores reads the row
 * through {@link #current}, so a missing row and a stale version are refused the same way for every kind.
 */
record VersionedTable<K, V>(Function<Tenant, Map<K, V>> rows, String kind, Function<K, String> idText,
        ToLongFunction<V> version) {
    static final VersionedTable<AccessKeyId, AccessKey> KEYS =
            new VersionedTable<>(t -> t.keys, "access key", AccessKeyId::value, AccessKey::version);
    static final VersionedTable<AgentId, Agent> AGENTS =
            new VersionedTable<>(t -> t.agents, "agent", AgentId::value, Agent::version);
    static final VersionedTable<InstallerId, InstallerRecord> INSTALLERS =
            new VersionedTable<>(t -> t.installers, "installer", InstallerId::value, InstallerRecord::version);
    static final VersionedTable<GroupId, Group> GROUPS =
            new VersionedTable<>(t -> t.groups, "group", GroupId::value, Group::version);

    /** The row of {@code t} under {@code id}, which must exist and still be at {@code expectedVersion}. */
    V current(Tenant t, K id, long expectedVersion) {
        V current = TenantState.existing(rows.apply(t), id, kind, idText.apply(id));
        StaleVersionException.check(kind, idText.apply(id), expectedVersion, version.applyAsLong(current));
        return current;
    }
}
