package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;

import com.heartbeatrm.agent.TokenDeliveryException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads an enrollment token delivered beside a generic (untagged) installer: from a token file, from standard input,
 * or from the environment variable {@value #ENVIRONMENT_VARIABLE}. Never from a command-line argument: every local
 * user can read another process's arguments ({@code ps}, {@code /proc}) and shells keep them in their history.
 *
 * <p>What is read here is only wrapped, not trusted: the caller verifies it exactly as an embedded token, against the
 * pinned issuer keys ({@link EnrollmentTokenVerifier}). Agents normally use {@code EnrollmentTokenFinder} (module
 * {@code com.heartbeatrm.installer}), which looks at the agent's own installer first and then here.
 *
 * <p>A token file is read with the same care as the agent's state directory: it must be a regular file (not a link)
 * of this process's owner that no other user can read or write (POSIX mode {@code 0600} or {@code 0400}); otherwise
 * it is refused with {@link Reason#UNSAFE_FILE}, so another local user can neither plant a token (to enroll this
 * computer into their tenant) nor learn one. At most {@value #MAX_BYTES} bytes are read from any source; the content
 * is one token, with surrounding white space (a final newline) ignored.
 */
public final class TokenDelivery {
    /** The environment variable an untagged agent reads its enrollment token from. */
    public static final String ENVIRONMENT_VARIABLE = "HEARTBEAT_ENROLLMENT_TOKEN";
    /** The most bytes read from a token file, standard input or a variable: a maximal token and some white space. */
    public static final int MAX_BYTES = EnrollmentTokenVerifier.MAX_TOKEN_LENGTH + 1024;

    /** The agent's preference domain: an MDM profile's payload type, and the managed-preferences file's name on macOS. */
    public static final String PREFERENCE_DOMAIN = "com.heartbeatrm.agent";
    /** Where macOS puts the computer-wide managed preferences an MDM profile sets for {@value #PREFERENCE_DOMAIN}. */
    public static final Path MANAGED_PREFERENCES = Path.of("/Library/Managed Preferences", PREFERENCE_DOMAIN + ".plist");
    /** The registry key Group Policy and Intune set for the agent (the ADMX template's key). */
    public static final String POLICY_KEY = "HKLM\\Software\\Policies\\HeartbeatRM\\Agent";
    /** The name of the token's value in managed preferences and in the policy key. */
    public static final String TOKEN_SETTING = "EnrollmentToken";

    private TokenDelivery() {
    }

    /**
     * The token in macOS managed preferences ({@link #MANAGED_PREFERENCES}, binary or XML plist): the
     * {@value #TOKEN_SETTING} string; empty when the file or the setting is absent. The file is the system's, not the
     * agent's: it must be a regular file (not a link) owned by root or by this process's owner that no one else can
     * write; it may be readable by all (macOS writes it so: an MDM profile is no secret store).
     *
     * @param plist the managed preferences file, XML or binary plist, at most 256 KiB
     * @return the token, not yet verified; empty when the file or the setting is absent
     * @throws TokenDeliveryException an unsafe file, a malformed plist, a setting that is not one token, or I/O
     */
    public static Optional<EnrollmentToken> fromManagedPreferences(Path plist) throws TokenDeliveryException {
        Objects.requireNonNull(plist, "plist");
        String source = "managed preferences " + plist;
        byte[] bytes;
        try {
            if (!OwnerOnly.checkSystemFileIfPresent(plist)) {
                return Optional.empty();
            }
            try (FileChannel ch = FileChannel.open(plist, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                if (ch.size() > com.heartbeatrm.agent.internal.PropertyList.MAX_BYTES) {
                    throw new TokenDeliveryException(Reason.TOO_LARGE, source + " is larger than " + com.heartbeatrm.agent.internal.PropertyList.MAX_BYTES
                            + " bytes");
                }
                ByteBuffer buf = ByteBuffer.allocate(com.heartbeatrm.agent.internal.PropertyList.MAX_BYTES + 1);
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // read it all
                }
                bytes = java.util.Arrays.copyOf(buf.array(), buf.position());
            }
        } catch (UnsafeStateException e) {
            throw new TokenDeliveryException(Reason.UNSAFE_FILE, source + ": " + String.valueOf(e.getMessage()).replace(": refused as agent state", ""), e);
        } catch (IOException e) {
            throw new TokenDeliveryException(Reason.IO, source + ": " + e.getClass().getSimpleName(), e);
        }
        Object top;
        try {
            top = com.heartbeatrm.agent.internal.PropertyList.parse(bytes);
        } catch (com.heartbeatrm.agent.internal.PropertyList.PlistException e) {
            throw new TokenDeliveryException(Reason.MALFORMED_SETTINGS, source + ": " + e.getMessage());
        }
        if (!(top instanceof Map<?, ?> settings)) {
            throw new TokenDeliveryException(Reason.MALFORMED_SETTINGS, source + ": not a dictionary");
        }
        Object token = settings.get(TOKEN_SETTING);
        if (token == null) {
            return Optional.empty();
        }
        if (!(token instanceof String text)) {
            throw new TokenDeliveryException(Reason.MALFORMED_SETTINGS, source + ": " + TOKEN_SETTING + " is not a string");
        }
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        return Optional.of(parse(t, t.length, source));
    }

    /**
     * The token in the Windows policy key, from the output of {@code reg query "HKLM\Software\Policies\HeartbeatRM\Agent"
     * /v EnrollmentToken} (a {@code REG_SZ} value); empty when the output names no such value. Only {@code HKLM}
     * policy keys are read: only administrators (Group Policy, Intune) can write them.
     *
     * @param regQueryOutput what {@code reg query} printed
     * @return the token, not yet verified; empty when no such value is listed
     * @throws TokenDeliveryException a listing that does not parse or a value that is not one token
     */
    public static Optional<EnrollmentToken> fromPolicyRegistry(String regQueryOutput) throws TokenDeliveryException {
        Objects.requireNonNull(regQueryOutput, "regQueryOutput");
        if (regQueryOutput.length() > MAX_BYTES * 4) {
            throw new TokenDeliveryException(Reason.TOO_LARGE, "policy registry listing is too long");
        }
        String value = null;
        for (String line : regQueryOutput.split("\\r?\\n")) {
            String l = line.strip();
            String[] parts = l.split("\\s+", 3);
            if (parts.length >= 2 && parts[0].equalsIgnoreCase(TOKEN_SETTING)) {
                if (!parts[1].equals("REG_SZ") || parts.length < 3) {
                    throw new TokenDeliveryException(Reason.MALFORMED_SETTINGS, "policy value " + TOKEN_SETTING + " is not a REG_SZ string");
                }
                if (value != null) {
                    throw new TokenDeliveryException(Reason.MALFORMED_SETTINGS, "policy value " + TOKEN_SETTING + " is listed twice");
                }
                value = parts[2];
            }
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        byte[] t = value.getBytes(StandardCharsets.UTF_8);
        return Optional.of(parse(t, t.length, "policy value " + TOKEN_SETTING));
    }

    /** Where the policy registry listing comes from: {@link #queryPolicyRegistry()} on Windows, captured text in tests. */
    @FunctionalInterface
    public interface RegistryQuery {
        /**
         * Lists the policy key.
         *
         * @return the listing, as {@code reg query} prints it; empty when the key is absent
         * @throws TokenDeliveryException the listing could not be made
         */
        String query() throws TokenDeliveryException;
    }

    /**
     * Runs {@code reg query} for {@link #POLICY_KEY} (Windows only) and returns its output; empty output when the key is absent.
     *
     * @return the output, bounded; empty when the key is absent
     * @throws TokenDeliveryException {@code reg} failed, timed out or was interrupted
     */
    public static String queryPolicyRegistry() throws TokenDeliveryException {
        try {
            Process p = new ProcessBuilder("reg", "query", POLICY_KEY, "/v", TOKEN_SETTING).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(MAX_BYTES * 4);
            p.getInputStream().close();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TokenDeliveryException(Reason.IO, "reg query did not finish");
            }
            // Exit 1: no such key or value, i.e. no policy.
            return p.exitValue() == 0 ? new String(out, java.nio.charset.Charset.defaultCharset()) : "";
        } catch (IOException e) {
            throw new TokenDeliveryException(Reason.IO, "reg query: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenDeliveryException(Reason.IO, "interrupted while reading the policy registry");
        }
    }

    /**
     * The token in {@code file}; empty when there is no such file (e.g. deleted after an earlier enrollment). Refused
     * when the file is not the agent's own (see the class comment), too large, or not one token.
     *
     * @param file the token file
     * @return the token, not yet verified; empty when the file does not exist
     * @throws TokenDeliveryException an unsafe file, too large, not one token, or I/O
     */
    public static Optional<EnrollmentToken> readFile(Path file) throws TokenDeliveryException {
        Objects.requireNonNull(file, "file");
        try {
            if (!OwnerOnly.checkFileIfPresent(file)) {
                return Optional.empty();
            }
        } catch (UnsafeStateException e) {
            throw new TokenDeliveryException(Reason.UNSAFE_FILE, "token file " + String.valueOf(e.getMessage()).replace(": refused as agent state", "")
                    + ": refused (write it owner-only, e.g. with `heartbeat installers token`)", e);
        } catch (IOException e) {
            throw new TokenDeliveryException(Reason.IO, "token file " + file + ": " + e.getClass().getSimpleName(), e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > MAX_BYTES) {
                throw new TokenDeliveryException(Reason.TOO_LARGE, "token file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            ByteBuffer buf = ByteBuffer.allocate(MAX_BYTES + 1);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read it all: the file may have grown since its size was taken
            }
            return Optional.of(parse(buf.array(), buf.position(), "token file " + file));
        } catch (IOException e) {
            throw new TokenDeliveryException(Reason.IO, "token file " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * The token on {@code in} (standard input, a pipe): read to its end, at most {@value #MAX_BYTES} bytes.
     *
     * @param in the stream; read to its end, not closed
     * @return the token, not yet verified
     * @throws TokenDeliveryException more than the limit, not one token, or I/O
     */
    public static EnrollmentToken readStream(InputStream in) throws TokenDeliveryException {
        Objects.requireNonNull(in, "in");
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new TokenDeliveryException(Reason.IO, "standard input: " + e.getClass().getSimpleName(), e);
        }
        return parse(bytes, bytes.length, "standard input");
    }

    /**
     * The token in {@value #ENVIRONMENT_VARIABLE} of {@code environment} (e.g. {@code System.getenv()}); empty when unset or blank.
     *
     * @param environment the variables
     * @return the token, not yet verified; empty when the variable is unset or blank
     * @throws TokenDeliveryException the value is not one token
     */
    public static Optional<EnrollmentToken> fromEnvironment(Map<String, String> environment) throws TokenDeliveryException {
        String value = Objects.requireNonNull(environment, "environment").get(ENVIRONMENT_VARIABLE);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return Optional.of(parse(bytes, bytes.length, ENVIRONMENT_VARIABLE));
    }

    /**
     * Deletes a token file after a successful enrollment: the token is a bearer secret that must not outlive its use.
     * The file is checked again first (still the agent's own, not a link); nothing there is fine.
     *
     * @param file the token file read before
     * @throws TokenDeliveryException the file is no longer the agent's own, or it cannot be deleted
     */
    public static void deleteFile(Path file) throws TokenDeliveryException {
        Objects.requireNonNull(file, "file");
        try {
            if (OwnerOnly.checkFileIfPresent(file)) {
                Files.deleteIfExists(file);
            }
        } catch (UnsafeStateException e) {
            throw new TokenDeliveryException(Reason.UNSAFE_FILE, "token file " + file + " changed since it was read: not deleted", e);
        } catch (IOException e) {
            throw new TokenDeliveryException(Reason.IO, "token file " + file + ": cannot delete it (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** One token, surrounding ASCII white space ignored; anything else is refused without echoing it. */
    static EnrollmentToken parse(byte[] bytes, int length, String source) throws TokenDeliveryException {
        if (length > MAX_BYTES) {
            throw new TokenDeliveryException(Reason.TOO_LARGE, source + " holds more than " + MAX_BYTES + " bytes: not an enrollment token");
        }
        int from = 0;
        int to = length;
        while (from < to && isSpace(bytes[from])) {
            from++;
        }
        while (to > from && isSpace(bytes[to - 1])) {
            to--;
        }
        if (from == to) {
            throw new TokenDeliveryException(Reason.NOT_A_TOKEN, source + " is empty");
        }
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0x21 || bytes[i] > 0x7e) {
                throw new TokenDeliveryException(Reason.NOT_A_TOKEN, source + " is not one enrollment token (printable ASCII, one line)");
            }
        }
        try {
            return EnrollmentToken.of(new String(bytes, from, to - from, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new TokenDeliveryException(Reason.NOT_A_TOKEN, source + " is not one enrollment token (" + e.getMessage() + ")");
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
