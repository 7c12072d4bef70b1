package com.heartbeatrm.core;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A non-empty set of platforms; {@link #ALL} allows every platform.
 *
 * @param platforms at least one platform; copied into an unmodifiable set
 */
public record PlatformSet(Set<Platform> platforms) {
    /** Every platform. */
    public static final PlatformSet ALL = new PlatformSet(EnumSet.allOf(Platform.class));

    /**
     * Copies the set.
     *
     * @param platforms at least one platform
     * @throws InvalidInputException when the set is null or empty
     */
    public PlatformSet {
        if (platforms == null || platforms.isEmpty()) {
            throw new InvalidInputException("allowedPlatforms", "must name at least one platform");
        }
        platforms = java.util.Collections.unmodifiableSet(EnumSet.copyOf(platforms));
    }

    /**
     * A set of the given platforms.
     *
     * @param first one platform
     * @param rest more platforms
     * @return the set
     */
    public static PlatformSet of(Platform first, Platform... rest) {
        return new PlatformSet(EnumSet.of(first, rest));
    }

    /**
     * Parses {@code "windows,linux"}; {@code "all"} is {@link #ALL}.
     *
     * @param text comma-separated wire names, at most 64 characters
     * @return the set
     * @throws InvalidInputException when a name is unknown
     */
    public static PlatformSet parse(String text) {
        if (text == null) {
            throw new InvalidInputException("allowedPlatforms", "must not be null");
        }
        if (text.strip().equalsIgnoreCase("all")) {
            return ALL;
        }
        if (text.length() > 64) {
            throw new InvalidInputException("allowedPlatforms", "too long");
        }
        EnumSet<Platform> set = EnumSet.noneOf(Platform.class);
        for (String part : text.split(",", -1)) {
            set.add(Platform.parse(part));
        }
        return new PlatformSet(set);
    }

    /**
     * Whether agents of {@code platform} are admitted.
     *
     * @param platform the agent's platform
     * @return true when it is in the set
     */
    public boolean allows(Platform platform) {
        return platforms.contains(platform);
    }

    /**
     * Whether this set includes every platform of {@code other} (other is narrower or equal).
     *
     * @param other the set to compare
     * @return true when it covers it
     */
    public boolean covers(PlatformSet other) {
        return platforms.containsAll(other.platforms);
    }

    @Override
    public String toString() {
        if (platforms.size() == Platform.values().length) {
            return "all";
        }
        return platforms.stream().map(Platform::wireName).collect(Collectors.joining(","));
    }
}
