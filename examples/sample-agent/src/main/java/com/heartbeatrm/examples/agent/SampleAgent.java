package com.heartbeatrm.examples.agent;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentIdentity;
import com.heartbeatrm.agent.AgentKeyCustody;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.agent.EnrollmentClientException;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.FileAgentIdentityStore;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.agent.TokenDelivery;
import com.heartbeatrm.agent.TokenDeliveryException;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.installer.EnrollmentTokenFinder;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.tpm.Tpm;
import com.heartbeatrm.tpm.TpmEnrollmentAttestor;
import com.heartbeatrm.tpm.TpmException;
import com.heartbeatrm.tpm.TpmKeyCustody;
import com.heartbeatrm.tpm.TpmTcti;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sample agent: {@code java -jar INSTALLER [--state-dir DIR] [--token-file FILE|-] [--renew-now]
 * [--key-algorithm ed25519|p256] [--pkcs11 CONFIG --pkcs11-pin-file FILE] [--tpm TCTI]}. It reads the enrollment token
 * from its own installer file or, when that carries none (the untagged {@code agent-base} beside a delivered token), from
 * {@code --token-file} ({@code -}: standard input) or {@code HEARTBEAT_ENROLLMENT_TOKEN}, never from an argument
 * ({@link EnrollmentTokenFinder}); it verifies the token against the issuer keys pinned inside the file before it talks
 * to anyone, and deletes a delivered token file once enrolled. Then it
 * enrolls over HTTPS with the server's TLS key pinned (the token names the pins), verifies the credential it gets
 * and keeps its identity in the state directory, which must be its own ({@link FileAgentIdentityStore} refuses a
 * link, another user's directory, one writable by others). Run again, it renews. The state directory is
 * {@code --state-dir}, else {@link #defaultStateDirectory}. An enrolled agent renews when its credential is due
 * ({@code --renew-now}: at once). Its key is Ed25519 in the state directory, or P-256 with {@code --key-algorithm p256};
 * with {@code --pkcs11 CONFIG --pkcs11-pin-file FILE} (a SunPKCS11 configuration and a PIN file) it is a P-256 key
 * generated on that token, which never leaves it: a state directory copied to another computer cannot renew there
 * (exit 1, the key is not on its token). With {@code --tpm TCTI} ({@code swtpm:host=H,port=P} or
 * {@code device:/dev/tpmrm0}) the key is a P-256 key of that TPM, only its TPM-wrapped blob in the state directory, and
 * every enrollment is TPM-attested (protocol.md section 6.1); a copied state directory cannot renew on another TPM
 * (exit 1). Everything on the wire is {@link EnrollmentClient}'s;
 * this class only maps outcomes to exit codes:
 * <ul>
 * <li>0 enrolled or renewed; 2 pending approval; 3 refused (the reason in words: a disabled key, a locked clone);
 * an agent deleted on the server forgets its identity and enrolls again as a new agent when it still has a token,
 * else it is refused and must be reinstalled;</li>
 * <li>4 invalid or tampered installer; 5 server unreachable or unavailable;</li>
 * <li>6 the server's identity does not match the installer's pinned TLS key;</li>
 * <li>1 the identity cannot be kept (the state directory refused or unwritable) or its key cannot be used (not on
 * this token, a wrong PIN); 64 usage.</li>
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
        String tokenFile = null;
        Options options = new Options();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--state-dir") && i + 1 < args.length && stateDir == null) {
                stateDir = Path.of(args[++i]);
            } else if (args[i].equals("--token-file") && i + 1 < args.length && tokenFile == null) {
                tokenFile = args[++i];
            } else if (args[i].equals("--renew-now")) {
                options.renewNow = true;
            } else if (args[i].equals("--key-algorithm") && i + 1 < args.length && options.algorithm == null) {
                options.algorithm = switch (args[++i]) {
                    case "ed25519" -> AgentKeyAlgorithm.ED25519;
                    case "p256" -> AgentKeyAlgorithm.ECDSA_P256;
                    default -> null;
                };
                if (options.algorithm == null) {
                    System.err.println(USAGE);
                    System.exit(64);
                }
            } else if (args[i].equals("--pkcs11") && i + 1 < args.length && options.pkcs11 == null) {
                options.pkcs11 = Path.of(args[++i]);
            } else if (args[i].equals("--pkcs11-pin-file") && i + 1 < args.length && options.pinFile == null) {
                options.pinFile = Path.of(args[++i]);
            } else if (args[i].equals("--tpm") && i + 1 < args.length && options.tpm == null) {
                try {
                    options.tpm = TpmTcti.parse(args[++i]);
                } catch (IllegalArgumentException e) {
                    System.err.println(USAGE + "; --tpm: " + oneLine(e.getMessage()));
                    System.exit(64);
                }
            } else if (isTokenArgument(args[i])) {
                System.err.println(TOKEN_ARGUMENT_REFUSED);
                System.exit(64);
            } else {
                System.err.println(USAGE);
                System.exit(64);
            }
        }
        if ((options.pkcs11 == null) != (options.pinFile == null)
                || ((options.pkcs11 != null || options.tpm != null) && options.algorithm == AgentKeyAlgorithm.ED25519)
                || (options.pkcs11 != null && options.tpm != null)) {
            System.err.println(USAGE + "; --pkcs11 and --pkcs11-pin-file go together, a token or a TPM holds P-256 keys only, and"
                    + " --tpm and --pkcs11 exclude each other");
            System.exit(64);
        }
        System.exit(run(stateDir != null ? stateDir : defaultStateDirectory(System.getProperty("os.name"), isRoot(), System.getenv(),
                System.getProperty("user.home")), tokenFile, System.getenv(), System.in, options));
    }

    /** How the agent keeps its key and when it renews. */
    static final class Options {
        boolean renewNow;
        AgentKeyAlgorithm algorithm;
        Path pkcs11;
        Path pinFile;
        TpmTcti tpm;
        private Tpm connection;

        /** The TPM connection, opened on first use and kept for the process (custody and attestor share it). */
        Tpm tpm() throws TpmException {
            if (connection == null) {
                connection = Tpm.open(tpm, Duration.ofSeconds(30));
            }
            return connection;
        }

        AgentKeyCustody custody() throws TpmException {
            if (tpm != null) {
                return new TpmKeyCustody(tpm());
            }
            if (pkcs11 != null) {
                return AgentKeyCustody.pkcs11(pkcs11, pinFile, AgentKeyAlgorithm.ECDSA_P256);
            }
            return AgentKeyCustody.software(algorithm == null ? AgentKeyAlgorithm.ED25519 : algorithm);
        }
    }

    static final String USAGE = "usage: java -jar INSTALLER [--state-dir DIR] [--token-file FILE|-] [--renew-now]"
            + " [--key-algorithm ed25519|p256] [--pkcs11 CONFIG --pkcs11-pin-file FILE] [--tpm swtpm:host=H,port=P|device:/dev/tpmrm0]"
            + " (or the token in " + TokenDelivery.ENVIRONMENT_VARIABLE + ")";
    static final String TOKEN_ARGUMENT_REFUSED = "refused: an enrollment token is never taken from the command line, where every local user"
            + " can read it (ps, /proc) and shells keep it in their history; use --token-file FILE (owner-only; - for standard input) or "
            + TokenDelivery.ENVIRONMENT_VARIABLE;

    /** A token given as an argument: a {@code --token}-like option, or the token text itself (PASERK-style {@code v4.public.}). */
    static boolean isTokenArgument(String arg) {
        String a = arg.toLowerCase(Locale.ROOT);
        return (a.startsWith("--token") && !a.equals("--token-file")) || a.startsWith("--enrollment-token") || a.contains("v4.public.");
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

    /**
     * Finds the token ({@link EnrollmentTokenFinder}: this installer's own, else {@code tokenFile} ({@code -}: {@code stdin}),
     * else {@value TokenDelivery#ENVIRONMENT_VARIABLE} of {@code env}), enrolls or renews, and deletes a delivered token file once
     * enrolled. Without any token, an agent enrolled before renews.
     */
    static int run(Path stateDir, String tokenFile, Map<String, String> env, InputStream stdin) {
        return run(stateDir, tokenFile, env, stdin, new Options());
    }

    static int run(Path stateDir, String tokenFile, Map<String, String> env, InputStream stdin, Options options) {
        PinnedKeySet pinned;
        Optional<EnrollmentTokenFinder.Found> found;
        try (InputStream in = SampleAgent.class.getClassLoader().getResourceAsStream(PINNED_KEYS)) {
            if (in == null) {
                System.err.println("invalid installer: this agent build has no pinned issuer keys");
                return 4;
            }
            pinned = PinnedKeySet.parseJson(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            Path self = Path.of(SampleAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            EnrollmentTokenFinder.Builder finder = EnrollmentTokenFinder.builder(EnrollmentTokenVerifier.builder(pinned).build())
                    .installer(self).environment(env).platformChannels(System.getProperty("os.name"));
            if ("-".equals(tokenFile)) {
                finder.standardInput(stdin);
            } else if (tokenFile != null) {
                finder.tokenFile(Path.of(tokenFile));
            }
            found = finder.build().find();
        } catch (InstallerException e) {
            System.err.println("invalid installer: " + oneLine(e.getMessage()));
            return 4;
        } catch (TokenException e) {
            // The token (embedded or delivered) does not verify: changed, of another deployment, expired.
            System.err.println("invalid installer or delivered token: " + oneLine(e.getMessage()));
            return 4;
        } catch (TokenDeliveryException e) {
            System.err.println("invalid enrollment token: " + oneLine(e.getMessage()));
            return 4;
        } catch (Exception e) {
            System.err.println("invalid installer: cannot read it (" + e.getClass().getSimpleName() + ")");
            return 4;
        }
        FileAgentIdentityStore identities;
        EnrollmentClient.Builder builder = EnrollmentClient.builder(pinned);
        try {
            identities = FileAgentIdentityStore.in(stateDir, options.custody());
            if (options.tpm != null) {
                builder.attestor(new TpmEnrollmentAttestor(options.tpm()));
            }
        } catch (TpmException e) {
            System.err.println("cannot use the TPM at " + options.tpm + ": " + oneLine(e.getMessage()));
            return 1;
        }
        EnrollmentClient client = builder
                .identityStore(identities)
                .connectTimeout(Duration.ofSeconds(5))
                .requestTimeout(Duration.ofSeconds(30))
                .retries(3, Duration.ofMillis(250), Duration.ofSeconds(2))
                .userAgent("heartbeat-sample-agent/" + VERSION)
                .build();
        try {
            EnrollmentClient.Outcome o;
            try {
                if (found.isPresent()) {
                    o = options.renewNow ? client.enrollOrRenew(found.get().token(), AgentFacts.ofThisComputer(VERSION))
                            : client.enrollOrRenewIfDue(found.get().token(), AgentFacts.ofThisComputer(VERSION));
                } else {
                    Optional<AgentIdentity> stored = client.storedIdentity();
                    if (stored.isEmpty()) {
                        System.err.println("no enrollment token: this installer carries none"
                                + (tokenFile != null && !tokenFile.equals("-") ? ", there is no " + tokenFile : "")
                                + "; deliver one with --token-file FILE (- for standard input) or " + TokenDelivery.ENVIRONMENT_VARIABLE);
                        return 4;
                    }
                    o = options.renewNow ? client.renew(stored.get()) : client.renewIfDue(stored.get());
                }
            } catch (EnrollmentClientException e) {
                if (e.kind() != EnrollmentClientException.Kind.REFUSED || e.denialCode().filter(c -> c == DenialCode.AGENT_NOT_FOUND).isEmpty()) {
                    throw e;
                }
                // The identity is gone for good (protocol.md section 7): forget it, and enroll again as a new agent
                // when this installer (or a delivered token) still can; else say it must be reinstalled.
                try {
                    identities.delete();
                } catch (java.io.IOException | com.heartbeatrm.agent.UnsafeStateException | com.heartbeatrm.agent.KeyCustodyException gone) {
                    System.err.println("cannot keep the agent identity: " + oneLine(gone.getMessage()));
                    return 1;
                }
                if (found.isEmpty()) {
                    System.err.println("refused: this agent was deleted on the server (agent_not_found); its identity is removed and it has no"
                            + " enrollment token to enroll again: reinstall it");
                    return 3;
                }
                System.err.println("this agent was deleted on the server (agent_not_found): enrolling again as a new agent");
                o = client.enrollOrRenew(found.get().token(), AgentFacts.ofThisComputer(VERSION));
            }
            AgentIdentity id = o.identity();
            switch (o.status()) {
                case ENROLLED, RENEWED, NOT_DUE -> {
                    if (found.isPresent()) {
                        try {
                            found.get().consume();
                        } catch (TokenDeliveryException e) {
                            System.err.println("warning: " + oneLine(e.getMessage()));
                        }
                    }
                    System.out.println(switch (o.status()) {
                        case ENROLLED -> "enrolled";
                        case NOT_DUE -> "not due (credential valid until " + id.credentialExpiresAt().map(Object::toString).orElse("?") + ")";
                        default -> "renewed";
                    } + ": agent "
                            + id.agentId() + " of \"" + id.organizationName() + "\" in group \"" + id.groupPath() + "\" (credential generation "
                            + id.generation() + ", " + id.keys().algorithm().wireName() + " key, " + id.keys().custody() + ")");
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
                case KEY_CUSTODY -> {
                    System.err.println("cannot use the agent key: " + oneLine(e.getMessage()));
                    yield 1;
                }
                case ATTESTATION -> {
                    System.err.println("the TPM cannot attest the agent key: " + oneLine(e.getMessage()));
                    yield 1;
                }
            };
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}+", " ");
    }
}
