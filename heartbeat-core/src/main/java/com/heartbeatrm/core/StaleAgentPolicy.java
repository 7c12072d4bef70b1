package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.Durations;
import com.heartbeatrm.core.internal.TextRules;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What happens to an agent that has not renewed (nor polled) for a while: nothing ({@link #OFF}), or it is disabled or
 * removed once it was last seen longer ago than {@link #after()}. The value of the group settings
 * {@link SecuritySetting#STALE_AGENTS} (text {@code off}, {@code disable:30d}, {@code remove:90d}) and
 * {@link SecuritySetting#EPHEMERAL_AGENTS} (text {@code off} or {@code 8h}: always a removal).
 *
 * @param action what the rule does, or empty when it is off
 * @param after how long since the agent was last seen; positive for a rule, zero when off
 */
public record StaleAgentPolicy(Optional<Action> action, Duration after) {
    /** No rule: agents stay whatever their last renewal. */
    public static final StaleAgentPolicy OFF = new StaleAgentPolicy(Optional.empty(), Duration.ZERO);

    /** What the rule does to an agent it finds. */
    public enum Action {
        /** Status DISABLED: its renewals are refused until an admin enables it; the record stays. */
        DISABLE,
        /** Deleted for good, as an admin's delete: a returning computer must enroll again. */
        REMOVE
    }

    /**
     * Validates that a rule has a positive duration and off has none.
     *
     * @param action the action, or empty for off
     * @param after the duration
     * @throws InvalidInputException when they do not agree
     */
    public StaleAgentPolicy {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(after, "after");
        if (action.isEmpty() != after.isZero() || after.isNegative()) {
            throw new InvalidInputException("after", "a rule has a positive duration; off has none");
        }
    }

    /**
     * A rule that disables agents not seen for {@code after}.
     *
     * @param after a positive duration; the settings bound it further
     * @return the policy
     */
    public static StaleAgentPolicy disableAfter(Duration after) {
        return new StaleAgentPolicy(Optional.of(Action.DISABLE), after);
    }

    /**
     * A rule that removes agents not seen for {@code after}.
     *
     * @param after a positive duration; the settings bound it further
     * @return the policy
     */
    public static StaleAgentPolicy removeAfter(Duration after) {
        return new StaleAgentPolicy(Optional.of(Action.REMOVE), after);
    }

    /**
     * Whether there is no rule.
     *
     * @return true for {@link #OFF}
     */
    public boolean isOff() {
        return action.isEmpty();
    }

    /**
     * Whether an agent last seen at {@code lastSeenAt} is past this rule at {@code now}. Never for {@link #OFF}.
     *
     * @param lastSeenAt when the agent was last seen
     * @param now the current instant
     * @return true when {@code after} has passed since {@code lastSeenAt}
     */
    public boolean appliesTo(java.time.Instant lastSeenAt, java.time.Instant now) {
        return action.isPresent() && !lastSeenAt.plus(after).isAfter(now);
    }

    /** {@code off}, or {@code disable:DURATION} / {@code remove:DURATION} (also with a space or {@code " after "}). */
    static StaleAgentPolicy parse(String field, String text) {
        String t = Objects.requireNonNullElse(text, "").strip().toLowerCase(Locale.ROOT);
        if (t.length() > 60) {
            throw new InvalidInputException(field, "too long");
        }
        if (t.equals("off") || t.equals("never")) {
            return OFF;
        }
        String[] parts = t.split("\\s*(:|\\s+after\\s+|\\s+)\\s*", 2);
        if (parts.length == 2) {
            Duration d = Durations.parse(field, parts[1]);
            if (parts[0].equals("disable")) {
                return disableAfter(d);
            }
            if (parts[0].equals("remove")) {
                return removeAfter(d);
            }
        }
        throw new InvalidInputException(field, "expected off, disable:DURATION or remove:DURATION (e.g. disable:30d) but got "
                + TextRules.quoteForMessage(String.valueOf(text)));
    }

    /** {@code off} or {@code 8h}: a removal after that long offline. */
    static StaleAgentPolicy parseEphemeral(String field, String text) {
        String t = Objects.requireNonNullElse(text, "").strip().toLowerCase(Locale.ROOT);
        if (t.equals("off") || t.equals("never")) {
            return OFF;
        }
        if (t.startsWith("remove") || t.startsWith("disable")) {
            return parse(field, t).check(field, Duration.ZERO, Duration.ofDays(36_500), false);
        }
        return removeAfter(Durations.parse(field, t));
    }

    /** The text form {@link #parse} reads. */
    String format() {
        return action.map(a -> a.name().toLowerCase(Locale.ROOT) + ":" + formatDuration(after)).orElse("off");
    }

    String formatEphemeral() {
        return action.isEmpty() ? "off" : formatDuration(after);
    }

    static String formatDuration(Duration d) {
        if (d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        return d.toString();
    }

    /** Checks a rule's bounds: between {@code min} and {@code max}, and only the actions {@code allowed}. */
    StaleAgentPolicy check(String field, Duration min, Duration max, boolean disableAllowed) {
        if (isOff()) {
            return this;
        }
        if (!disableAllowed && action.get() == Action.DISABLE) {
            throw new InvalidInputException(field, "only removes agents");
        }
        if (after.compareTo(min) < 0 || after.compareTo(max) > 0) {
            throw new InvalidInputException(field, "must be between " + formatDuration(min) + " and " + formatDuration(max) + ", got "
                    + formatDuration(after));
        }
        return this;
    }

    @Override
    public String toString() {
        return format();
    }
}
