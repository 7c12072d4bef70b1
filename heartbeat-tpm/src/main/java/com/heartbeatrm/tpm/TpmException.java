package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.HeartbeatCheckedException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A TPM operation that failed: the TPM could not be reached or timed out ({@link Kind#TRANSPORT}), answered with
 * something that does not parse ({@link Kind#MALFORMED_RESPONSE}), or refused the command with a response code
 * ({@link Kind#TPM_ERROR}, decoded in the message, e.g. {@code TPM_RC_INTEGRITY (parameter 1)}). Messages name the
 * command and the code, never key material. A {@link HeartbeatCheckedException}, the agent side's one checked root.
 */
public class TpmException extends HeartbeatCheckedException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** Connecting, writing, reading or a timeout. */
        TRANSPORT,
        /** The TPM's answer is truncated, oversized or not the structure the command returns. */
        MALFORMED_RESPONSE,
        /** The TPM answered with a non-zero response code. */
        TPM_ERROR
    }

    /** What went wrong. */
    private final Kind kind;
    /** The TPM's response code; 0 but for {@link Kind#TPM_ERROR}. */
    private final int responseCode;

    /**
     * A failure other than a response code.
     *
     * @param kind    {@link Kind#TRANSPORT} or {@link Kind#MALFORMED_RESPONSE}
     * @param message what failed, naming the command; no key material
     * @param cause   the I/O failure behind it, or null
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    public TpmException(Kind kind, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.responseCode = 0;
    }

    /**
     * A TPM_ERROR for the command {@code command}, with its response code decoded into the message.
     *
     * @param command      the command's name, e.g. {@code TPM2_Load}
     * @param responseCode the TPM's non-zero response code
     */
    public TpmException(String command, int responseCode) {
        super(command + " failed: " + describe(responseCode));
        this.kind = Kind.TPM_ERROR;
        this.responseCode = responseCode;
    }

    /** {@return what went wrong: transport, a malformed answer, or a response code} */
    public Kind kind() {
        return kind;
    }

    /** {@return the TPM's response code; 0 unless {@link #kind()} is {@link Kind#TPM_ERROR}} */
    public int responseCode() {
        return responseCode;
    }

    /** {@return the code without its handle, session or parameter number: compare it with {@code TPM_RC_*} values} */
    public int baseCode() {
        return base(responseCode);
    }

    static int base(int rc) {
        if ((rc & 0x80) != 0) {
            return (rc & 0x3f) | 0x80;
        }
        return rc & 0xfff;
    }

    /**
     * A response code as its TPM_RC name and, for format-one codes, the handle, session or parameter it names.
     *
     * @param rc any response code
     * @return e.g. {@code TPM_RC_INTEGRITY (parameter 1)}; an unknown code as {@code TPM_RC_0x...}
     */
    public static String describe(int rc) {
        int base = base(rc);
        String name = NAMES.getOrDefault(base, "TPM_RC_0x" + Integer.toHexString(base));
        if ((rc & 0x80) != 0) {
            int n = (rc >>> 8) & 0xf;
            if ((rc & 0x40) != 0) {
                return name + " (parameter " + n + ")";
            }
            if (n == 0) {
                return name;
            }
            return (n & 0x8) != 0 ? name + " (session " + (n & 0x7) + ")" : name + " (handle " + n + ")";
        }
        return name + (rc != base ? " (0x" + Integer.toHexString(rc) + ")" : "");
    }

    /** TPM_RC_HANDLE: the handle is not correct for its use. */
    public static final int RC_HANDLE = 0x08B;
    /** TPM_RC_INTEGRITY: an integrity check failed, e.g. a key blob loaded into another TPM or changed. */
    public static final int RC_INTEGRITY = 0x09F;
    /** TPM_RC_POLICY_FAIL: a policy check failed. */
    public static final int RC_POLICY_FAIL = 0x09D;
    /** TPM_RC_AUTH_FAIL: the authorization HMAC check failed. */
    public static final int RC_AUTH_FAIL = 0x08E;
    /** TPM_RC_ATTRIBUTES: inconsistent attributes. */
    public static final int RC_ATTRIBUTES = 0x082;
    /** TPM_RC_NV_RANGE: an NV offset or size is out of range. */
    public static final int RC_NV_RANGE = 0x146;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x081, "TPM_RC_ASYMMETRIC"), Map.entry(0x082, "TPM_RC_ATTRIBUTES"), Map.entry(0x083, "TPM_RC_HASH"),
            Map.entry(0x084, "TPM_RC_VALUE"), Map.entry(0x085, "TPM_RC_HIERARCHY"), Map.entry(0x087, "TPM_RC_KEY_SIZE"),
            Map.entry(0x088, "TPM_RC_MGF"), Map.entry(0x089, "TPM_RC_MODE"), Map.entry(0x08A, "TPM_RC_TYPE"),
            Map.entry(0x08B, "TPM_RC_HANDLE"), Map.entry(0x08C, "TPM_RC_KDF"), Map.entry(0x08D, "TPM_RC_RANGE"),
            Map.entry(0x08E, "TPM_RC_AUTH_FAIL"), Map.entry(0x08F, "TPM_RC_NONCE"), Map.entry(0x090, "TPM_RC_PP"),
            Map.entry(0x092, "TPM_RC_SCHEME"), Map.entry(0x095, "TPM_RC_SIZE"), Map.entry(0x096, "TPM_RC_SYMMETRIC"),
            Map.entry(0x097, "TPM_RC_TAG"), Map.entry(0x098, "TPM_RC_SELECTOR"), Map.entry(0x09A, "TPM_RC_INSUFFICIENT"),
            Map.entry(0x09B, "TPM_RC_SIGNATURE"), Map.entry(0x09C, "TPM_RC_KEY"), Map.entry(0x09D, "TPM_RC_POLICY_FAIL"),
            Map.entry(0x09F, "TPM_RC_INTEGRITY"), Map.entry(0x0A0, "TPM_RC_TICKET"), Map.entry(0x0A1, "TPM_RC_RESERVED_BITS"),
            Map.entry(0x0A2, "TPM_RC_BAD_AUTH"), Map.entry(0x0A3, "TPM_RC_EXPIRED"), Map.entry(0x0A4, "TPM_RC_POLICY_CC"),
            Map.entry(0x0A5, "TPM_RC_BINDING"), Map.entry(0x0A6, "TPM_RC_CURVE"), Map.entry(0x0A7, "TPM_RC_ECC_POINT"),
            Map.entry(0x100, "TPM_RC_INITIALIZE"), Map.entry(0x101, "TPM_RC_FAILURE"), Map.entry(0x103, "TPM_RC_SEQUENCE"),
            Map.entry(0x10B, "TPM_RC_PRIVATE"), Map.entry(0x119, "TPM_RC_HMAC"), Map.entry(0x120, "TPM_RC_DISABLED"),
            Map.entry(0x121, "TPM_RC_EXCLUSIVE"), Map.entry(0x124, "TPM_RC_AUTH_TYPE"), Map.entry(0x125, "TPM_RC_AUTH_MISSING"),
            Map.entry(0x126, "TPM_RC_POLICY"), Map.entry(0x127, "TPM_RC_PCR"), Map.entry(0x128, "TPM_RC_PCR_CHANGED"),
            Map.entry(0x12D, "TPM_RC_UPGRADE"), Map.entry(0x12E, "TPM_RC_TOO_MANY_CONTEXTS"),
            Map.entry(0x12F, "TPM_RC_AUTH_UNAVAILABLE"), Map.entry(0x130, "TPM_RC_REBOOT"), Map.entry(0x131, "TPM_RC_UNBALANCED"),
            Map.entry(0x142, "TPM_RC_COMMAND_SIZE"), Map.entry(0x143, "TPM_RC_COMMAND_CODE"), Map.entry(0x144, "TPM_RC_AUTHSIZE"),
            Map.entry(0x145, "TPM_RC_AUTH_CONTEXT"), Map.entry(0x146, "TPM_RC_NV_RANGE"), Map.entry(0x147, "TPM_RC_NV_SIZE"),
            Map.entry(0x148, "TPM_RC_NV_LOCKED"), Map.entry(0x149, "TPM_RC_NV_AUTHORIZATION"),
            Map.entry(0x14A, "TPM_RC_NV_UNINITIALIZED"), Map.entry(0x14B, "TPM_RC_NV_SPACE"), Map.entry(0x14C, "TPM_RC_NV_DEFINED"),
            Map.entry(0x150, "TPM_RC_BAD_CONTEXT"), Map.entry(0x151, "TPM_RC_CPHASH"), Map.entry(0x152, "TPM_RC_PARENT"),
            Map.entry(0x153, "TPM_RC_NEEDS_TEST"), Map.entry(0x154, "TPM_RC_NO_RESULT"), Map.entry(0x155, "TPM_RC_SENSITIVE"),
            Map.entry(0x901, "TPM_RC_CONTEXT_GAP"), Map.entry(0x902, "TPM_RC_OBJECT_MEMORY"),
            Map.entry(0x903, "TPM_RC_SESSION_MEMORY"), Map.entry(0x904, "TPM_RC_MEMORY"),
            Map.entry(0x905, "TPM_RC_SESSION_HANDLES"), Map.entry(0x906, "TPM_RC_OBJECT_HANDLES"),
            Map.entry(0x907, "TPM_RC_LOCALITY"), Map.entry(0x908, "TPM_RC_YIELDED"), Map.entry(0x909, "TPM_RC_CANCELED"),
            Map.entry(0x90A, "TPM_RC_TESTING"), Map.entry(0x920, "TPM_RC_NV_RATE"), Map.entry(0x921, "TPM_RC_LOCKOUT"),
            Map.entry(0x922, "TPM_RC_RETRY"), Map.entry(0x923, "TPM_RC_NV_UNAVAILABLE"));
}
