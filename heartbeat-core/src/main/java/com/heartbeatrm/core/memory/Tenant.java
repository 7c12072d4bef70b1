package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.Organization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/** One organization's state, guarded by its own monitor: every SPI method runs wholly inside it. */
final class Tenant {
    final Organization organization;
    final Map<GroupId, Group> groups = new HashMap<>();
    final Map<GroupId, TreeMap<String, GroupId>> children = new HashMap<>();
    final Map<AccessKeyId, AccessKey> keys = new HashMap<>();
    final Map<AgentId, Agent> agents = new HashMap<>();
    final Map<String, AgentId> agentsByFingerprint = new HashMap<>();
    final List<AuditRecord> audit = new ArrayList<>();
    final Map<InstallerId, InstallerRecord> installers = new HashMap<>();
    /** Replay nonces (agent fingerprint + nonce) and when each may be forgotten. */
    final Map<String, Instant> nonces = new HashMap<>();
    /** The nonce of the renewal that issued each agent's current credential generation. */
    final Map<AgentId, String> renewalNonces = new HashMap<>();
    Instant nextNoncePurge = Instant.MIN;
    /** Trusted TPM manufacturer CAs by fingerprint, in the order they were added. */
    final Map<String, com.heartbeatrm.core.TrustedCa> trustedCas = new java.util.LinkedHashMap<>();
    /** Allow-listed TPM endorsement keys by SHA-256, in the order they were added. */
    final Map<String, com.heartbeatrm.core.AllowedEndorsementKey> endorsementKeys = new java.util.LinkedHashMap<>();

    Tenant(Organization organization) {
        this.organization = organization;
    }

    /** The children of a stored group by name; every stored group has an entry, empty for a leaf. */
    NavigableMap<String, GroupId> childrenOf(GroupId id) {
        return Objects.requireNonNull(children.get(id), "children index of a stored group");
    }

    Group group(GroupId id) {
        return TenantState.existing(groups, id, "group", id.value());
    }
}
