package com.heartbeatrm.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Restrictions an access key adds on top of its target group's effective settings. They can only narrow:
 * an enrollment must satisfy both the key and the group.
 *
 * @param networks the source networks the key admits, or empty for the group's
 * @param platforms the platforms the key admits, or empty for the group's
 */
public record KeyRestrictions(Optional<NetworkAllowList> networks, Optional<PlatformSet> platforms) {
    /** No restriction beyond the group's settings. */
    public static final KeyRestrictions NONE = new KeyRestrictions(Optional.empty(), Optional.empty());

    /**
     * Checks that neither component is null.
     *
     * @param networks the source networks, or empty
     * @param platforms the platforms, or empty
     */
    public KeyRestrictions {
        Objects.requireNonNull(networks, "networks");
        Objects.requireNonNull(platforms, "platforms");
    }

    /**
     * Whether the key adds nothing to the group's settings.
     *
     * @return true when both are empty
     */
    public boolean isEmpty() {
        return networks.isEmpty() && platforms.isEmpty();
    }
}
