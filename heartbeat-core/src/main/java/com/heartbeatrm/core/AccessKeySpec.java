package com.heartbeatrm.core;


import java.util.Objects;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an admin asks for when creating an access key. Built by a builder that validates what it can without
 * the store; {@link AccessKeys#create} checks the rest (group exists, expiry in the future and within the
 * group's {@code maxKeyLifetime}, restrictions that only narrow the group's).
 */
public final class AccessKeySpec {
    private final String name;
    private final GroupId group;
    private final Optional<Instant> expiresAt;
    private final Optional<Duration> expiresIn;
    private final OptionalLong maxUses;
    private final KeyRestrictions restrictions;

    private AccessKeySpec(Builder b) {
        this.name = b.name;
        this.group = b.group;
        this.expiresAt = Optional.ofNullable(b.expiresAt);
        this.expiresIn = Optional.ofNullable(b.expiresIn);
        this.maxUses = b.maxUses;
        this.restrictions = new KeyRestrictions(Optional.ofNullable(b.networks), Optional.ofNullable(b.platforms));
    }

    public static Builder builder(String name, GroupId group) {
        return new Builder(name, group);
    }

    public String name() {
        return name;
    }

    public GroupId group() {
        return group;
    }

    /** The absolute expiry, if one is set; a relative one is resolved against the clock at creation. */
    public Optional<Instant> expiresAt(Instant now) {
        return expiresAt.isPresent() ? expiresAt : expiresIn.map(now::plus);
    }

    public OptionalLong maxUses() {
        return maxUses;
    }

    public KeyRestrictions restrictions() {
        return restrictions;
    }

    @Override
    public String toString() {
        return "AccessKeySpec[" + name + " -> " + group + "]";
    }

    public static final class Builder {
        private final String name;
        private final GroupId group;
        private Instant expiresAt;
        private Duration expiresIn;
        private OptionalLong maxUses = OptionalLong.empty();
        private NetworkAllowList networks;
        private PlatformSet platforms;

        private Builder(String name, GroupId group) {
            this.name = AccessKey.checkName(name);
            this.group = Objects.requireNonNull(group, "group");
        }

        public Builder expiresAt(Instant at) {
            this.expiresAt = Timestamps.check("expiresAt", at);
            this.expiresIn = null;
            return this;
        }

        public Builder expiresIn(Duration lifetime) {
            Objects.requireNonNull(lifetime, "expiresIn");
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new InvalidInputException("expiresIn", "must be positive");
            }
            if (lifetime.compareTo(java.time.Duration.ofDays(365L * 100)) > 0) {
                throw new InvalidInputException("expiresIn", "must be at most 100 years");
            }
            this.expiresIn = lifetime;
            this.expiresAt = null;
            return this;
        }

        public Builder maxUses(long uses) {
            if (uses <= 0) {
                throw new InvalidInputException("maxUses", "must be positive, got " + uses);
            }
            this.maxUses = OptionalLong.of(uses);
            return this;
        }

        public Builder networks(NetworkAllowList allowed) {
            this.networks = Objects.requireNonNull(allowed, "networks");
            return this;
        }

        public Builder platforms(PlatformSet allowed) {
            this.platforms = Objects.requireNonNull(allowed, "platforms");
            return this;
        }

        public AccessKeySpec build() {
            return new AccessKeySpec(this);
        }
    }
}
