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

    /**
     * Tags {@code base} into {@code out} (written to a temporary file and moved into place).
     *
     * @param base  the base installer; not changed
     * @param token the token to embed
     * @param out   where the tagged installer goes; replaced if it is a regular file
     * @return the format and the digests and sizes of base and output
     * @throws InstallerException a format that cannot carry a tag (e.g. an RPM), a token too long, or an I/O failure
     */
    public static PackResult pack(Path base, EnrollmentToken token, Path out) throws InstallerException {
        return BaseInstaller.open(base).writeTo(token, out);
    }

    /**
     * Tags a base installer given as a stream; it is spooled to a temporary file beside {@code out} first.
     *
     * @param base  the base installer's bytes, read to the end; not closed
     * @param token the token to embed
     * @param out   where the tagged installer goes; replaced if it is a regular file
     * @return the format and the digests and sizes of base and output
     * @throws InstallerException as {@link #pack(Path, EnrollmentToken, Path)}
     */
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
