package com.heartbeatrm.installer;

import com.heartbeatrm.protocol.HeartbeatCheckedException;

/**
 * An installer file was refused: it is malformed, hostile, or carries no (or more than one) enrollment token.
 * {@link #reason()} says what is wrong; the message never echoes file contents.
 */
public final class InstallerException extends HeartbeatCheckedException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the file. */
    public enum Reason {
        /** The file ends before a structure it declares. */
        TRUNCATED,
        /** A length or offset overflows or points outside the file. */
        BAD_LENGTH,
        /** The ZIP end-of-central-directory record is missing, ambiguous or inconsistent. */
        BAD_ZIP,
        /** PE headers out of range, misaligned, or a security directory that is not at the end of the file. */
        BAD_PE,
        /** The WIN_CERTIFICATE entry or its PKCS#7 content is not as Authenticode requires (revision, type, DER, padding). */
        BAD_SIGNATURE_BLOCK,
        /** A compound file (MSI) whose FAT, DIFAT, directory or stream chains are inconsistent: loops, gaps, sizes that lie. */
        BAD_MSI,
        /** A footer whose hash or version does not match. */
        BAD_FOOTER,
        /** The token was found in more than one place, or twice in one place. */
        AMBIGUOUS_TAG,
        /** The file carries no enrollment token. */
        NO_TAG,
        /** The embedded text is not an acceptable token (size, characters). */
        BAD_TOKEN,
        /** The file is larger or smaller than this tool accepts, or a foreign ZIP comment blocks tagging. */
        UNSUPPORTED,
        /** Reading or writing the file failed. */
        IO
    }

    /** Why the installer was refused. */
    private final Reason reason;

    /**
     * A refusal with no underlying failure.
     *
     * @param reason why
     * @param detail what is wrong, in words that name no token text
     */
    public InstallerException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    /**
     * A refusal caused by another failure, usually I/O.
     *
     * @param reason why
     * @param detail what is wrong, in words that name no token text
     * @param cause  the failure behind it
     */
    public InstallerException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    /** {@return why the installer was refused, precise enough to act on} */
    public Reason reason() {
        return reason;
    }
}
