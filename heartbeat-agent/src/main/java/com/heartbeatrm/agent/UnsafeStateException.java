package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.HeartbeatCheckedException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The agent's state directory, or a file in it, is not the agent's own: another local user could have placed it or
 * could change it, so it is neither read nor written. {@link FileAgentIdentityStore} throws it; an
 * {@link EnrollmentClient} reports it as {@link EnrollmentClientException.Kind#IDENTITY_STORE} with this as the
 * cause. A {@link HeartbeatCheckedException}, the agent side's one checked root: the {@link AgentIdentityStore}
 * methods declare it beside {@link java.io.IOException}. The message names the path and the reason, never what the
 * file holds.
 */
public final class UnsafeStateException extends HeartbeatCheckedException {
    private static final long serialVersionUID = 1L;

    /** Why the path is refused. */
    public enum Reason {
        /** It is a symbolic link (or, on Windows, another reparse point such as a junction). */
        LINK("is a symbolic link"),
        /** It is not a directory (for the state directory) or not a regular file (for a file in it). */
        WRONG_TYPE("is not a directory or not a regular file"),
        /** Another user owns it. */
        FOREIGN_OWNER("is owned by another user"),
        /** Its mode or ACL lets others in: a directory writable by group or others, a file accessible to them. */
        OPEN_TO_OTHERS("is accessible to other users");

        private final String words;

        Reason(String words) {
            this.words = words;
        }
    }

    private final transient Path path;
    /** What is unsafe about the path. */
    private final Reason reason;

    UnsafeStateException(Path path, Reason reason, String detail) {
        super(Objects.requireNonNull(path, "path") + " " + Objects.requireNonNull(reason, "reason").words
                + (detail.isEmpty() ? "" : " (" + detail + ")") + ": refused as agent state");
        this.path = path;
        this.reason = reason;
    }

    /** {@return the refused directory or file} */
    public Path path() {
        return path;
    }

    /** {@return what is unsafe about the path} */
    public Reason reason() {
        return reason;
    }
}
