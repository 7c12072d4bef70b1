package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.Durations;
import com.heartbeatrm.core.internal.TextRules;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A typed security setting that groups carry and subgroups and agents inherit. The set is closed: the
 * constants below are all there is. Each has a default that applies at the root unless the root overrides it,
 * and a text form (for CLIs, admin screens and storage) that {@link #parse} and {@link #format} convert.
 *
 * @param <T> the value type
 */
public final class SecuritySetting<T> {
    /** The shortest agent credential lifetime {@link #AGENT_CREDENTIAL_TTL} accepts: 5 minutes. */
    public static final Duration MIN_CREDENTIAL_TTL = Duration.ofMinutes(5);
    /** The longest agent credential lifetime {@link #AGENT_CREDENTIAL_TTL} accepts: 366 days. */
    public static final Duration MAX_CREDENTIAL_TTL = Duration.ofDays(366);

    /** New agents wait for an admin's approval. Default {@code false}. */
    public static final SecuritySetting<Boolean> REQUIRE_APPROVAL = new SecuritySetting<>("requireApproval", Boolean.class, false,
            t -> parseBoolean("requireApproval", t), String::valueOf, v -> v);
    /** Networks new agents may enroll from. Default any address. */
    public static final SecuritySetting<NetworkAllowList> ALLOWED_NETWORKS = new SecuritySetting<>("allowedNetworks",
            NetworkAllowList.class, NetworkAllowList.ANY, NetworkAllowList::parse, NetworkAllowList::toString, v -> v);
    /** Platforms new agents may run. Default all. */
    public static final SecuritySetting<PlatformSet> ALLOWED_PLATFORMS = new SecuritySetting<>("allowedPlatforms",
            PlatformSet.class, PlatformSet.ALL, PlatformSet::parse, PlatformSet::toString, v -> v);
    /** Lifetime of the credential an agent receives at enrollment and renewal. Default 24 hours. */
    public static final SecuritySetting<Duration> AGENT_CREDENTIAL_TTL = new SecuritySetting<>("agentCredentialTtl",
            Duration.class, Duration.ofHours(24), t -> Durations.parse("agentCredentialTtl", t), Duration::toString,
            SecuritySetting::checkTtl);
    /** The longest an access key targeting the group may live. Default unlimited. */
    public static final SecuritySetting<KeyLifetimeLimit> MAX_KEY_LIFETIME = new SecuritySetting<>("maxKeyLifetime",
            KeyLifetimeLimit.class, KeyLifetimeLimit.UNLIMITED, SecuritySetting::parseLifetime, KeyLifetimeLimit::toString, v -> v);

    /**
     * Agents not seen (no renewal, no pending poll) for a while are disabled or removed by the server's sweeper:
     * {@code off}, {@code disable:30d} or {@code remove:90d}, 1 to 3650 days. Default off.
     */
    public static final SecuritySetting<StaleAgentPolicy> STALE_AGENTS = new SecuritySetting<>("staleAgents", StaleAgentPolicy.class,
            StaleAgentPolicy.OFF, t -> StaleAgentPolicy.parse("staleAgents", t), StaleAgentPolicy::format,
            v -> v.check("staleAgents", Duration.ofDays(1), Duration.ofDays(3650), true));
    /**
     * Ephemeral agents (VDI pools, reimaged lab machines) are removed by the server's sweeper once offline this long:
     * {@code off} or a duration from 1 hour to 366 days such as {@code 8h}. Default off.
     */
    public static final SecuritySetting<StaleAgentPolicy> EPHEMERAL_AGENTS = new SecuritySetting<>("ephemeralAgents", StaleAgentPolicy.class,
            StaleAgentPolicy.OFF, t -> StaleAgentPolicy.parseEphemeral("ephemeralAgents", t), StaleAgentPolicy::formatEphemeral,
            v -> v.check("ephemeralAgents", Duration.ofHours(1), Duration.ofDays(366), false));

    /**
     * Whether new agents must prove by TPM 2.0 attestation that their key lives in a TPM the organization trusts:
     * {@code none} or {@code tpm}. Default {@code none}. An agent that sends an attestation has it verified whatever
     * this says: evidence that does not hold is refused, never ignored.
     */
    public static final SecuritySetting<AttestationRequirement> ATTESTATION = new SecuritySetting<>("attestation",
            AttestationRequirement.class, AttestationRequirement.NONE, AttestationRequirement::parse, AttestationRequirement::text, v -> v);
    /**
     * Whether an agent whose TPM attestation the server verified skips the approval queue that
     * {@link #REQUIRE_APPROVAL} puts new agents in. Default {@code false}. An attested agent that takes the place of an
     * agent of the same machine with another (or no) TPM still waits for approval.
     */
    public static final SecuritySetting<Boolean> ATTESTED_SKIPS_APPROVAL = new SecuritySetting<>("attestedSkipsApproval", Boolean.class,
            false, t -> parseBoolean("attestedSkipsApproval", t), String::valueOf, v -> v);

    private static final List<SecuritySetting<?>> ALL = List.of(REQUIRE_APPROVAL, ALLOWED_NETWORKS, ALLOWED_PLATFORMS,
            AGENT_CREDENTIAL_TTL, MAX_KEY_LIFETIME, STALE_AGENTS, EPHEMERAL_AGENTS, ATTESTATION, ATTESTED_SKIPS_APPROVAL);

    private final String name;
    private final Class<T> type;
    private final T defaultValue;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final Function<T, T> validator;

    private SecuritySetting(String name, Class<T> type, T defaultValue, Function<String, T> parser,
            Function<T, String> formatter, Function<T, T> validator) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.formatter = formatter;
        this.validator = validator;
    }

    /**
     * Every setting, in a fixed order.
     *
     * @return an unmodifiable list of the nine settings
     */
    public static List<SecuritySetting<?>> all() {
        return ALL;
    }

    /**
     * Looks a setting up by its name, case-insensitively.
     *
     * @param name e.g. {@code "requireApproval"}; surrounding spaces are ignored
     * @return the setting, or empty for null or an unknown name
     */
    public static Optional<SecuritySetting<?>> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (SecuritySetting<?> s : ALL) {
            if (s.name.equalsIgnoreCase(name.strip())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The setting's name, as stores and the admin API spell it.
     *
     * @return e.g. {@code "allowedNetworks"}
     */
    public String name() {
        return name;
    }

    /**
     * The class of the setting's values.
     *
     * @return the value type
     */
    public Class<T> type() {
        return type;
    }

    /**
     * The value that applies when no group on the path overrides the setting.
     *
     * @return the default
     */
    public T defaultValue() {
        return defaultValue;
    }

    /**
     * Parses the text form, throwing {@link InvalidInputException} naming this setting when it is malformed.
     *
     * @param text the value as stored or typed
     * @return the validated value
     */
    public T parse(String text) {
        return validate(parser.apply(text));
    }

    /**
     * The text form of a value, which {@link #parse} reads back.
     *
     * @param value a valid value
     * @return its text
     * @throws InvalidInputException when the value is out of the setting's range
     */
    public String format(T value) {
        return formatter.apply(validate(value));
    }

    /**
     * Checks a value's type and range; returns it.
     *
     * @param value the candidate value
     * @return the value, typed
     * @throws InvalidInputException when it has another type or is out of range
     */
    public T validate(Object value) {
        if (!type.isInstance(value)) {
            throw new InvalidInputException(name, "expected a " + type.getSimpleName() + " value");
        }
        return validator.apply(type.cast(value));
    }

    String formatUnchecked(Object value) {
        return format(type.cast(value));
    }

    private static Boolean parseBoolean(String setting, String text) {
        String t = Objects.requireNonNullElse(text, "").strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true", "on", "yes" -> Boolean.TRUE;
            case "false", "off", "no" -> Boolean.FALSE;
            default -> throw new InvalidInputException(setting, "expected true or false but got "
                    + TextRules.quoteForMessage(String.valueOf(text)));
        };
    }

    private static KeyLifetimeLimit parseLifetime(String text) {
        if (text != null && text.strip().equalsIgnoreCase("unlimited")) {
            return KeyLifetimeLimit.UNLIMITED;
        }
        return KeyLifetimeLimit.of(Durations.parse("maxKeyLifetime", text));
    }

    private static Duration checkTtl(Duration ttl) {
        if (ttl.compareTo(MIN_CREDENTIAL_TTL) < 0 || ttl.compareTo(MAX_CREDENTIAL_TTL) > 0) {
            throw new InvalidInputException("agentCredentialTtl", "must be between 5 minutes and 366 days, got " + ttl);
        }
        return ttl;
    }

    @Override
    public String toString() {
        return name;
    }
}
