package com.heartbeatrm.examples.agent;

import com.heartbeatrm.agent.AgentFacts;
import com.heartbeatrm.agent.AgentIdentity;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.agent.EnrollmentClientException;
import com.heartbeatrm.agent.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.FileAgentIdentityStore;
import com.heartbeatrm.agent.PinnedKeySet;
import com.heartbeatrm.agent.TokenException;
import com.heartbeatrm.agent.VerifiedEnrollmentToken;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The sample agent: {@code java -jar INSTALLER [--state-dir DIR]}. It reads the enrollment token from its own
 * installer file and verifies it against the issuer keys pinned inside the file before it talks to anyone; then it
 * enrolls over HTTPS with the server's TLS key pinned (the token names the pins), verifies the credential it gets
 * and keeps its identity in the state directory, which must be its own ({@link FileAgentIdentityStore} refuses a
 * link, another user's directory, one writable by others). Run again, it renews. The state directory is
 * {@code --state-dir}, else {@link #defaultStateDirectory}. Everything on the wire is {@link EnrollmentClient}'s;
 * this class only maps outcomes to exit codes:
 * <ul>
 * <li>0 enrolled or renewed; 2 pending approval; 3 refused (the reason in words: a disabled key, a locked clone);</li>
 * <li>4 invalid or tampered installer; 5 server unreachable or unavailable;</li>
 * <li>6 the server's identity does not match the installer's pinned TLS key;</li>
 * <li>1 the identity cannot be kept (the state directory refused or unwritable); 64 usage.</li>
 * </ul>
 */
public final class SampleAgent {
    /** Where {@code agent-base} puts the deployment's issuer keys inside the jar. */
    public static final String PINNED_KEYS = "heartbeat/pinned-keys.json";
    static final String VERSION = "sample-2.0";

    private SampleAgent() {
    }

    public static void main(String[] args) {
        Path stateDir = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--state-dir") && i + 1 < args.length && stateDir == null) {
                stateDir = Path.of(args[++i]);
            } else {
                System.err.println("usage: java -jar INSTALLER [--state-dir DIR]");
                System.exit(64);
            }
        }
        System.exit(run(stateDir != null ? stateDir : defaultStateDirectory(System.getProperty("os.name"), isRoot(), System.getenv(),
                System.getProperty("user.home"))));
    }

    /**
     * Where the agent keeps its state without {@code --state-dir}: an absolute, per-platform location, never the
     * current directory. Linux and other Unix: {@code /var/lib/heartbeat-agent} for root, else
     * {@code $XDG_STATE_HOME/heartbeat-agent} (when absolute) or {@code ~/.local/state/heartbeat-agent}; macOS:
     * {@code /Library/Application Support/HeartbeatRM} for root, else {@code ~/Library/Application Support/HeartbeatRM};
     * Windows: {@code %ProgramData%\HeartbeatRM}.
     */
    static Path defaultStateDirectory(String osName, boolean root, Map<String, String> env, String home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String programData = env.get("ProgramData");
            return Path.of(programData != null && !programData.isBlank() ? programData : "C:\\ProgramData", "HeartbeatRM");
        }
        if (os.startsWith("mac")) {
            return root ? Path.of("/Library/Application Support/HeartbeatRM") : Path.of(home, "Library", "Application Support", "HeartbeatRM");
        }
        if (root) {
            return Path.of("/var/lib/heartbeat-agent");
        }
        String xdg = env.get("XDG_STATE_HOME");
        // The XDG base directory specification: a relative path is invalid and ignored.
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "heartbeat-agent");
        }
        return Path.of(home, ".local", "state", "heartbeat-agent");
    }

    /** Whether this process runs as root (uid 0): the JDK sets {@code user.name} from the process's user id. */
    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static int run(Path stateDir) {
        PinnedKeySet pinned;
        VerifiedEnrollmentToken token;
        try (InputStream in = SampleAgent.class.getClassLoader().getResourceAsStream(PINNED_KEYS)) {
            if (in == null) {
                System.err.println("invalid installer: this agent build has no pinned issuer keys");
                return 4;
            }
            pinned = PinnedKeySet.parseJson(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            Path self = Path.of(SampleAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            token = InstallerReader.readAndVerify(self, EnrollmentTokenVerifier.builder(pinned).build());
        } catch (InstallerException | TokenException e) {
            System.err.println("invalid installer: " + oneLine(e.getMessage()));
            return 4;
        } catch (Exception e) {
            System.err.println("invalid installer: cannot read it (" + e.getClass().getSimpleName() + ")");
            return 4;
        }
        EnrollmentClient client = EnrollmentClient.builder(pinned)
                .identityStore(FileAgentIdentityStore.in(stateDir))
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(30))
                .retries(3, Duration.ofMillis(250), Duration.ofSeconds(2))
                .userAgent("heartbeat-sample-agent/" + VERSION)
                .build();
        try {
            EnrollmentClient.Outcome o = client.enrollOrRenew(token, AgentFacts.ofThisComputer(VERSION));
            AgentIdentity id = o.identity();
            switch (o.status()) {
                case ENROLLED, RENEWED, NOT_DUE -> {
                    System.out.println((o.status() == EnrollmentClient.Outcome.Status.ENROLLED ? "enrolled" : "renewed") + ": agent "
                            + id.agentId() + " of \"" + id.organizationName() + "\" in group \"" + id.groupPath() + "\" (credential generation "
                            + id.generation() + ")");
                    return 0;
                }
                case PENDING -> {
                    System.out.println("pending approval: agent " + id.agentId() + " in group \"" + id.groupPath() + "\"");
                    return 2;
                }
                default -> throw new IllegalStateException(o.status().toString());
            }
        } catch (EnrollmentClientException e) {
            return switch (e.kind()) {
                case PIN_MISMATCH -> {
                    System.err.println("server identity mismatch: " + oneLine(e.getMessage()));
                    yield 6;
                }
                case REFUSED -> {
                    System.err.println("refused: " + oneLine(e.getMessage()) + e.denialCode().map(c -> " (" + c.wireName() + ")").orElse(""));
                    yield 3;
                }
                case UNREACHABLE, UNAVAILABLE -> {
                    System.err.println("server unreachable: " + oneLine(e.getMessage()));
                    yield 5;
                }
                case TLS_FAILURE, INSECURE_ENDPOINT -> {
                    System.err.println("cannot talk to the server safely: " + oneLine(e.getMessage()));
                    yield 5;
                }
                case MALFORMED_RESPONSE, BAD_CREDENTIAL -> {
                    System.err.println("the server's answer is not acceptable: " + oneLine(e.getMessage()));
                    yield 3;
                }
                case IDENTITY_STORE -> {
                    System.err.println("cannot keep the agent identity: " + oneLine(e.getMessage()));
                    yield 1;
                }
            };
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}+", " ");
    }
}
