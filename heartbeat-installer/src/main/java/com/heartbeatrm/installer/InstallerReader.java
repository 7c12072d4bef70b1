package com.heartbeatrm.installer;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.installer.InstallerException.Reason;
import com.heartbeatrm.installer.internal.ArTag;
import com.heartbeatrm.installer.internal.CompoundFile;
import com.heartbeatrm.installer.internal.PeFile;
import com.heartbeatrm.installer.internal.ScriptTag;
import com.heartbeatrm.installer.internal.Trailer;
import com.heartbeatrm.installer.internal.ZipTail;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the enrollment token in an installer by structure (never by searching the file for a marker): a signed
 * PE through its headers and certificate table, a signed MSI through its compound-file directory and signature
 * stream, an {@code ar} archive through its member headers, a ZIP through its end-of-central-directory record, a
 * script by its last line, anything else through the footer. Reads only what those structures need, so a tagged 1 GiB installer is read in a few
 * kilobytes. Hostile files are refused with a typed {@link InstallerException}: no unchecked exception, no
 * unbounded allocation, no loop over attacker-chosen counts beyond fixed caps. A token found in two places is
 * refused.
 */
public final class InstallerReader {
    private InstallerReader() {
    }

    /**
     * Finds the token in {@code file} by the file's structure, reading only what that structure needs.
     *
     * @param file the installer
     * @return the token found and the format it was found in; not yet verified
     * @throws InstallerException no tag ({@code NO_TAG}), two tags, a damaged structure or tag, or an I/O failure
     */
    public static InstallerTag read(Path file) throws InstallerException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch);
        } catch (IOException e) {
            throw new InstallerException(Reason.IO, "cannot read the installer: " + e.getClass().getSimpleName(), e);
        }
    }

    static InstallerTag read(FileChannel ch) throws IOException, InstallerException {
        try {
            long size = ch.size();
            if (PeFile.looksLikePe(ch)) {
                Optional<PeFile.Layout> layout = PeFile.layout(ch);
                if (layout.isPresent()) {
                    return only(PeFile.token(layout.get().table()).map(t -> new Found(InstallerFormat.PE_AUTHENTICODE, t)));
                }
            }
            if (CompoundFile.looksLikeCompoundFile(ch)) {
                // By the directory: the signature stream's certificate set, never the file's tail.
                return only(CompoundFile.token(CompoundFile.parse(ch)).map(t -> new Found(InstallerFormat.MSI_AUTHENTICODE, t)));
            }
            if (ArTag.looksLikeAr(ch)) {
                return only(ArTag.read(ch, BaseInstaller.MAX_TOKEN).map(f -> new Found(InstallerFormat.AR, f.token())));
            }
            List<Found> found = new ArrayList<>();
            Optional<Trailer.Found> trailer = Trailer.read(ch, size, BaseInstaller.MAX_TOKEN);
            Optional<ZipTail.Eocd> zip = ZipTail.find(ch);
            if (zip.isPresent()) {
                String comment = new String(zip.get().comment(), java.nio.charset.StandardCharsets.ISO_8859_1);
                if (trailer.isPresent() && comment.contains(ZipTail.MARKER)) {
                    throw new InstallerException(Reason.AMBIGUOUS_TAG, "a token is present in two places");
                }
                ZipTail.token(zip.get().comment()).ifPresent(t -> found.add(new Found(InstallerFormat.ZIP, t)));
            }
            if (trailer.isPresent()) {
                if (Trailer.read(ch, trailer.get().tokenOffset(), BaseInstaller.MAX_TOKEN).isPresent()) {
                    throw new InstallerException(Reason.AMBIGUOUS_TAG, "two stacked footers");
                }
                found.add(new Found(InstallerFormat.TRAILER, trailer.get().token()));
            }
            ScriptTag.read(ch, BaseInstaller.MAX_TOKEN).ifPresent(f -> found.add(new Found(InstallerFormat.SCRIPT, f.token())));
            if (found.size() > 1) {
                throw new InstallerException(Reason.AMBIGUOUS_TAG, "a token is present in two places");
            }
            return only(found.stream().findFirst());
        } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException | ArithmeticException | NegativeArraySizeException e) {
            // A safety net: every structure is bounds-checked, but a hostile file must never surface an unchecked error.
            throw new InstallerException(Reason.BAD_LENGTH, "inconsistent structure (" + e.getClass().getSimpleName() + ")");
        }
    }

    private record Found(InstallerFormat format, String token) {
    }

    private static InstallerTag only(Optional<Found> found) throws InstallerException {
        if (found.isEmpty()) {
            throw new InstallerException(Reason.NO_TAG, "the installer carries no enrollment token");
        }
        return tag(found.get().format(), found.get().token());
    }

    private static InstallerTag tag(InstallerFormat format, String text) throws InstallerException {
        try {
            return new InstallerTag(format, EnrollmentToken.of(text));
        } catch (IllegalArgumentException e) {
            throw new InstallerException(Reason.BAD_TOKEN, "the embedded token is not printable ASCII of an acceptable length");
        }
    }

    /**
     * Reads the token and verifies it (signature, purpose, expiry) with the agent's pinned-key verifier.
     *
     * @param file     the installer
     * @param verifier the verifier holding the agent's pinned issuer keys
     * @return the verified token
     * @throws InstallerException as {@link #read}
     * @throws TokenException     the token does not verify
     */
    public static VerifiedEnrollmentToken readAndVerify(Path file, EnrollmentTokenVerifier verifier) throws InstallerException, TokenException {
        return verifier.verify(read(file).token());
    }
}
