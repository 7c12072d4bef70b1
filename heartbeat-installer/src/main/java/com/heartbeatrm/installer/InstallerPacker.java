package com.heartbeatrm.installer;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Embeds an enrollment token into an existing installer without breaking its code signature. The format comes
 * from the content: a signed Windows PE, a JAR/ZIP, or anything else (footer). Packing a tagged installer
 * replaces its tag. For many installers from one base, open a {@link BaseInstaller} once and reuse it.
 */
public final class InstallerPacker {
    private InstallerPacker() {
    }

    /** Tags {@code base} into {@code out} (written to a temporary file and moved into place). */
    public static PackResult pack(Path base, EnrollmentToken token, Path out) throws InstallerException {
        return BaseInstaller.open(base).writeTo(token, out);
    }

    /** Tags a base installer given as a stream; it is spooled to a temporary file beside {@code out} first. */
    public static PackResult pack(InputStream base, EnrollmentToken token, Path out) throws InstallerException {
        Path spool = null;
        try {
            spool = Files.createTempFile(out.toAbsolutePath().getParent(), ".base.", ".tmp");
            Files.copy(base, spool, StandardCopyOption.REPLACE_EXISTING);
            return pack(spool, token, out);
        } catch (IOException e) {
            throw new InstallerException(Reason.IO, "cannot spool the base installer: " + e.getClass().getSimpleName(), e);
        } finally {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
