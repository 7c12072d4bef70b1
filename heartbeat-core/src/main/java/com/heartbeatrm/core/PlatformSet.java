package com.heartbeatrm.core;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** A non-empty set of platforms; {@link #ALL} allows every platform. */
public record PlatformSet(Set<Platform> platforms) {
    public static final PlatformSet ALL = new PlatformSet(EnumSet.allOf(Platform.class));

    public PlatformSet {
        if (platforms == null || platforms.isEmpty()) {
            throw new InvalidInputException("allowedPlatforms", "must name at least one platform");
        }
        platforms = java.util.Collections.unmodifiableSet(EnumSet.copyOf(platforms));
    }

    public static PlatformSet of(Platform first, Platform... rest) {
        return new PlatformSet(EnumSet.of(first, rest));
    }

    /** Parses {@code "windows,linux"}; {@code "all"} is {@link #ALL}. */
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

    public boolean allows(Platform platform) {
        return platforms.contains(platform);
    }

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
