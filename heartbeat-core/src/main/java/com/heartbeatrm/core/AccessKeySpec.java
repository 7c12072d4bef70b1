package com.heartbeatrm.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an admin asks for when creating an access key, validated here as far as it can be without the store;
 * {@link AccessKeys#create} checks the rest (group exists, expiry in the future and within the group's
 * {@code maxKeyLifetime}, restrictions that only narrow the group's). Usually made with {@link #builder}.
 *
 * @param name the key's name, 1 to {@link AccessKey#MAX_NAME_LENGTH} characters and not shaped like an id
 * @param group the group agents enrolled with the key join
 * @param expiresAt an absolute expiry; at most one of it and {@code expiresIn} is present
 * @param expiresIn a lifetime counted from the key's creation, positive and at most 100 years
 * @param maxUses the number of enrollments the key admits (positive), or empty for unlimited
 * @param restrictions networks and platforms the key narrows enrollment to, within its group's
 */
public record AccessKeySpec(String name, GroupId group, Optional<Instant> expiresAt, Optional<Duration> expiresIn, OptionalLong maxUses,
        KeyRestrictions restrictions) {
    private static final Duration MAX_LIFETIME = Duration.ofDays(365L * 100);

    /**
     * Validates what can be checked without the store.
     *
     * @param name the key's name
     * @param group the target group
     * @param expiresAt an absolute expiry
     * @param expiresIn a lifetime from creation
     * @param maxUses the use limit
     * @param restrictions the narrowing restrictions
     * @throws InvalidInputException when both expiries are given, a lifetime is not positive or over 100 years, or
     *         {@code maxUses} is not positive
     */
    public AccessKeySpec {
        name = AccessKey.checkNewName(name);
        Objects.requireNonNull(group, "group");
        expiresAt.ifPresent(at -> Timestamps.check("expiresAt", at));
        expiresIn.ifPresent(lifetime -> {
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new InvalidInputException("expiresIn", "must be positive");
            }
            if (lifetime.compareTo(MAX_LIFETIME) > 0) {
                throw new InvalidInputException("expiresIn", "must be at most 100 years");
            }
        });
        if (expiresAt.isPresent() && expiresIn.isPresent()) {
            throw new InvalidInputException("expiresIn", "give an absolute expiry or a lifetime, not both");
        }
        if (maxUses.isPresent() && maxUses.getAsLong() <= 0) {
            throw new InvalidInputException("maxUses", "must be positive, got " + maxUses.getAsLong());
        }
        Objects.requireNonNull(restrictions, "restrictions");
    }

    /**
     * Starts a spec with no expiry, no use limit and no restrictions.
     *
     * @param name the key's name, checked at once
     * @param group the group agents enrolled with the key join
     * @return a builder
     */
    public static Builder builder(String name, GroupId group) {
        return new Builder(name, group);
    }

    /**
     * The absolute expiry, if one is set; a relative one is resolved against the clock at creation.
     *
     * @param now the key's creation time
     * @return the expiry, or empty when the key never expires
     */
    public Optional<Instant> expiresAt(Instant now) {
        return expiresAt.isPresent() ? expiresAt : expiresIn.map(now::plus);
    }

    @Override
    public String toString() {
        return "AccessKeySpec[" + name + " -> " + group + "]";
    }

    /** Collects the optional parts; each is checked as it is set, and the spec again as a whole. */
    public static final class Builder {
        private final String name;
        private final GroupId group;
        private Optional<Instant> expiresAt = Optional.empty();
        private Optional<Duration> expiresIn = Optional.empty();
        private OptionalLong maxUses = OptionalLong.empty();
        private Optional<NetworkAllowList> networks = Optional.empty();
        private Optional<PlatformSet> platforms = Optional.empty();

        private Builder(String name, GroupId group) {
            this.name = AccessKey.checkNewName(name);
            this.group = Objects.requireNonNull(group, "group");
        }

        /**
         * Expires at {@code at}; replaces a lifetime set before. Whether it lies in the future is checked at creation.
         *
         * @param at the absolute expiry
         * @return this builder
         */
        public Builder expiresAt(Instant at) {
            this.expiresAt = Optional.of(Timestamps.check("expiresAt", at));
            this.expiresIn = Optional.empty();
            return this;
        }

        /**
         * Expires {@code lifetime} after creation (at most 100 years); replaces an expiry set before.
         *
         * @param lifetime a positive duration
         * @return this builder
         * @throws InvalidInputException when the lifetime is not positive or too long
         */
        public Builder expiresIn(Duration lifetime) {
            this.expiresIn = Optional.of(Objects.requireNonNull(lifetime, "expiresIn"));
            this.expiresAt = Optional.empty();
            return checked();
        }

        /**
         * Limits the key to {@code uses} enrollments; once counted that often it is {@link AccessKeyStatus#EXHAUSTED}.
         *
         * @param uses a positive count
         * @return this builder
         * @throws InvalidInputException when {@code uses} is not positive
         */
        public Builder maxUses(long uses) {
            this.maxUses = OptionalLong.of(uses);
            return checked();
        }

        /**
         * Admits agents only from these source networks; must lie within the group's allowed networks.
         *
         * @param allowed the networks
         * @return this builder
         */
        public Builder networks(NetworkAllowList allowed) {
            this.networks = Optional.of(Objects.requireNonNull(allowed, "networks"));
            return this;
        }

        /**
         * Admits only these agent platforms; must be among the group's allowed platforms.
         *
         * @param allowed the platforms
         * @return this builder
         */
        public Builder platforms(PlatformSet allowed) {
            this.platforms = Optional.of(Objects.requireNonNull(allowed, "platforms"));
            return this;
        }

        /** Checks what was just set at once, so a mistake is reported where it is made. */
        private Builder checked() {
            build();
            return this;
        }

        /**
         * The spec as set so far.
         *
         * @return a validated spec
         */
        public AccessKeySpec build() {
            return new AccessKeySpec(name, group, expiresAt, expiresIn, maxUses, new KeyRestrictions(networks, platforms));
        }
    }
}
