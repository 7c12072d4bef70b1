package com.heartbeatrm.protocol;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an agent says about its computer when it enrolls. Validated on construction.
 *
 * @param platform           {@code windows}, {@code macos} or {@code linux}
 * @param machineFingerprint optional stable machine identifier (e.g. a hash of the hardware UUID)
 */
public record AgentFacts(String hostname, String platform, String osVersion, String agentVersion, Optional<String> machineFingerprint) {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final Pattern TEXT = Pattern.compile("[\\x20-\\x7e]{1,100}");
    private static final Pattern PRINT = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    /**
     * Validates every fact; refuses a bad one with {@code IllegalArgumentException} naming it.
     *
     * @param hostname           1 to 253 of letters, digits, {@code .}, {@code _} and {@code -}
     * @param platform           {@code windows}, {@code macos} or {@code linux}, in any case; kept in lower case
     * @param osVersion          printable ASCII, 1 to 100 characters
     * @param agentVersion       printable ASCII, 1 to 100 characters
     * @param machineFingerprint when present, printable ASCII
     */
    public AgentFacts {
        check("hostname", hostname, HOST);
        Objects.requireNonNull(platform, "platform");
        platform = platform.toLowerCase(Locale.ROOT);
        if (!platform.equals("windows") && !platform.equals("macos") && !platform.equals("linux")) {
            throw new IllegalArgumentException("platform: must be windows, macos or linux");
        }
        check("osVersion", osVersion, TEXT);
        check("agentVersion", agentVersion, TEXT);
        Objects.requireNonNull(machineFingerprint, "machineFingerprint");
        machineFingerprint.ifPresent(m -> check("machineFingerprint", m, PRINT));
    }

    /**
     * This computer as the JDK sees it: the host name ({@code HOSTNAME} or the local host's name, reduced to the
     * allowed characters), the platform from {@code os.name}, {@code os.version}, and the given agent version.
     *
     * @param agentVersion the agent's version
     * @return the facts of this JVM's host
     */
    public static AgentFacts ofThisComputer(String agentVersion) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String platform = os.contains("win") ? "windows" : os.contains("mac") ? "macos" : "linux";
        String version = System.getProperty("os.version", "unknown").replaceAll("[^\\x20-\\x7e]", "?");
        return new AgentFacts(localHostname(), platform, version.isEmpty() ? "unknown" : version.substring(0, Math.min(100, version.length())),
                agentVersion, Optional.empty());
    }

    private static String localHostname() {
        String h = System.getenv().getOrDefault("HOSTNAME", "");
        if (h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                h = "agent";
            }
        }
        h = h.replaceAll("[^A-Za-z0-9._-]", "-");
        return h.isEmpty() ? "agent" : h.substring(0, Math.min(h.length(), 253));
    }

    private static void check(String field, String value, Pattern p) {
        if (value == null || !p.matcher(value).matches()) {
            throw new IllegalArgumentException(field + ": missing or malformed");
        }
    }
}
