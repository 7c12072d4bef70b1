package com.heartbeatrm.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Restrictions an access key adds on top of its target group's effective settings. They can only narrow:
 * an enrollment must satisfy both the key and the group.
 */
public record KeyRestrictions(Optional<NetworkAllowList> networks, Optional<PlatformSet> platforms) {
    public static final KeyRestrictions NONE = new KeyRestrictions(Optional.empty(), Optional.empty());

    public KeyRestrictions {
        Objects.requireNonNull(networks, "networks");
        Objects.requireNonNull(platforms, "platforms");
    }

    public boolean isEmpty() {
        return networks.isEmpty() && platforms.isEmpty();
    }
}
