package com.heartbeatrm.agent;

import com.heartbeatrm.agent.UnsafeStateException.Reason;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checks that keep an agent's state directory its own: the directory and each file in it are looked at without
 * following links and refused ({@link UnsafeStateException}) when they are a link, of the wrong type, owned by
 * another user, or open to others. "Another user" is judged against the owner this process gives the files it
 * creates (that of a fresh temporary file), so that a Windows administrator whose files belong to the
 * Administrators group is not refused its own directory.
 *
 * <p>Once the directory passes, no other (non-root) user can add, remove or replace an entry in it, so the checks of
 * its files by path cannot be raced. The directory's ancestors are the installer's choice and are not judged.
 */
final class OwnerOnly {
    static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_OPEN = EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> FILE_OPEN = EnumSet.complementOf(EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
    private static final Set<AclEntryPermission> ACL_DIR_OPEN = EnumSet.of(AclEntryPermission.WRITE_DATA, AclEntryPermission.APPEND_DATA,
            AclEntryPermission.DELETE_CHILD, AclEntryPermission.DELETE, AclEntryPermission.WRITE_ACL, AclEntryPermission.WRITE_OWNER);
    private static final Set<AclEntryPermission> ACL_FILE_OPEN = EnumSet.of(AclEntryPermission.READ_DATA, AclEntryPermission.WRITE_DATA,
            AclEntryPermission.APPEND_DATA, AclEntryPermission.DELETE, AclEntryPermission.WRITE_ACL, AclEntryPermission.WRITE_OWNER);
    private static volatile @Nullable UserPrincipal processOwner;

    private OwnerOnly() {
    }

    /**
     * Creates {@code dir} when it is absent (POSIX: {@code mkdir} with mode 0700, never a chmod afterwards; Windows:
     * an ACL for its owner only), then checks it. Missing ancestors are created owner-only too.
     */
    static void ensureDirectory(Path dir) throws IOException, UnsafeStateException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            try {
                if (POSIX) {
                    if (parent != null) {
                        Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                    }
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    Files.createDirectory(dir);
                    restrictAcl(dir);
                }
            } catch (FileAlreadyExistsException raced) {
                // made by someone else meanwhile: judged below like any existing directory
            }
        }
        checkDirectory(dir);
    }

    /** Refuses {@code dir} unless it is a directory of this process's owner that only the owner can change. */
    static void checkDirectory(Path dir) throws IOException, UnsafeStateException {
        if (!checkDirectoryIfPresent(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
    }

    /** Like {@link #checkDirectory}; false when there is nothing at {@code dir}. */
    static boolean checkDirectoryIfPresent(Path dir) throws IOException, UnsafeStateException {
        return check(dir, true);
    }

    /** Refuses {@code file} unless it is a regular file of this process's owner that only the owner can use; false when absent. */
    static boolean checkFileIfPresent(Path file) throws IOException, UnsafeStateException {
        return check(file, false);
    }

    /**
     * Refuses a system-written settings file (macOS managed preferences) unless it is a regular file, not a link, owned
     * by root or this process's owner, and writable by its owner only; false when absent. Others may read it.
     */
    static boolean checkSystemFileIfPresent(Path file) throws IOException, UnsafeStateException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return false;
        }
        if (a.isSymbolicLink()) {
            throw new UnsafeStateException(file, Reason.LINK, "");
        }
        if (!a.isRegularFile()) {
            throw new UnsafeStateException(file, Reason.WRONG_TYPE, "");
        }
        if (POSIX) {
            PosixFileAttributes px = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!px.owner().getName().equals("root") && !px.owner().equals(processOwner())) {
                throw new UnsafeStateException(file, Reason.FOREIGN_OWNER, "owner " + px.owner().getName());
            }
            if (px.permissions().contains(PosixFilePermission.GROUP_WRITE) || px.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new UnsafeStateException(file, Reason.OPEN_TO_OTHERS, "mode " + PosixFilePermissions.toString(px.permissions()));
            }
        }
        return true;
    }

    private static boolean check(Path p, boolean directory) throws IOException, UnsafeStateException {
        BasicFileAttributes a;
        try {
            a = POSIX ? Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    : Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return false;
        }
        if (a.isSymbolicLink() || (!POSIX && a.isOther())) {
            throw new UnsafeStateException(p, Reason.LINK, "");
        }
        if (directory ? !a.isDirectory() : !a.isRegularFile()) {
            throw new UnsafeStateException(p, Reason.WRONG_TYPE, "");
        }
        if (a instanceof PosixFileAttributes px) {
            requireOwner(p, px.owner());
            Set<PosixFilePermission> open = EnumSet.copyOf(directory ? DIR_OPEN : FILE_OPEN);
            open.retainAll(px.permissions());
            if (!open.isEmpty()) {
                throw new UnsafeStateException(p, Reason.OPEN_TO_OTHERS, "mode " + PosixFilePermissions.toString(px.permissions()));
            }
            return true;
        }
        FileOwnerAttributeView ownerView = Files.getFileAttributeView(p, FileOwnerAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (ownerView == null) {
            return true; // a file system without owners (FAT): nothing more the JDK can tell
        }
        UserPrincipal owner = ownerView.getOwner();
        requireOwner(p, owner);
        AclFileAttributeView acl = Files.getFileAttributeView(p, AclFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (acl != null) {
            for (AclEntry e : acl.getAcl()) {
                if (e.type() == AclEntryType.ALLOW && !e.flags().contains(AclEntryFlag.INHERIT_ONLY) && !trusted(e.principal(), owner)) {
                    Set<AclEntryPermission> open = EnumSet.copyOf(directory ? ACL_DIR_OPEN : ACL_FILE_OPEN);
                    open.retainAll(e.permissions());
                    if (!open.isEmpty()) {
                        throw new UnsafeStateException(p, Reason.OPEN_TO_OTHERS, "ACL entry for " + e.principal().getName());
                    }
                }
            }
        }
        return true;
    }

    private static void requireOwner(Path p, UserPrincipal owner) throws IOException, UnsafeStateException {
        if (!owner.equals(processOwner())) {
            throw new UnsafeStateException(p, Reason.FOREIGN_OWNER, "owner " + owner.getName());
        }
    }

    /** The owner, the owner of this process's files, and the Windows system account and administrators. */
    private static boolean trusted(UserPrincipal who, UserPrincipal owner) throws IOException {
        if (who.equals(owner) || who.equals(processOwner())) {
            return true;
        }
        String name = who.getName();
        String account = name.substring(name.lastIndexOf('\\') + 1);
        return account.equalsIgnoreCase("SYSTEM") || account.equalsIgnoreCase("Administrators");
    }

    /** Windows: the new directory's ACL grants its owner everything, inherited by its files, and nobody else anything. */
    private static void restrictAcl(Path dir) throws IOException {
        AclFileAttributeView view = Files.getFileAttributeView(dir, AclFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        view.setAcl(List.of(AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(view.getOwner())
                .setPermissions(EnumSet.allOf(AclEntryPermission.class)).setFlags(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT)
                .build()));
    }

    /** The owner this process gives a file it creates: that of a fresh temporary file (the account name as a fallback). */
    static UserPrincipal processOwner() throws IOException {
        UserPrincipal p = processOwner;
        if (p == null) {
            try {
                Path probe = Files.createTempFile("heartbeat-agent-", ".owner");
                try {
                    p = Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | UnsupportedOperationException noTempDirectory) {
                p = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
            }
            processOwner = p;
        }
        return p;
    }
}
