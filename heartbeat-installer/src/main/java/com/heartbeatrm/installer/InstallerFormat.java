package com.heartbeatrm.installer;

/** Where a token lives in an installer, told from the file's content (never its name). */
public enum InstallerFormat {
    /** JAR or ZIP: the end of the end-of-central-directory comment. */
    ZIP,
    /** A Windows PE with an Authenticode signature: an extra certificate in the PKCS#7 certificate set. */
    PE_AUTHENTICODE,
    /** A Windows Installer package with an Authenticode signature: the same certificate, in its signature stream. */
    MSI_AUTHENTICODE,
    /** A {@code #!} script or an unsigned PowerShell script: a final comment line. */
    SCRIPT,
    /** An {@code ar} archive (a Debian package): a member of its own, appended. */
    AR,
    /** Anything else that a footer cannot break (an ELF, an unsigned PE, a shell archive): a footer appended to the file. */
    TRAILER;

    /** {@return the short name an installer record keeps: {@code zip}, {@code pe}, {@code msi}, {@code script}, {@code ar} or {@code trailer}} */
    public String recordName() {
        return switch (this) {
            case ZIP -> "zip";
            case PE_AUTHENTICODE -> "pe";
            case MSI_AUTHENTICODE -> "msi";
            case SCRIPT -> "script";
            case AR -> "ar";
            case TRAILER -> "trailer";
        };
    }

    /** {@return the file name extension a download of this format gets when the operator gave no name} */
    public String defaultExtension() {
        return switch (this) {
            case ZIP -> ".jar";
            case PE_AUTHENTICODE -> ".exe";
            case MSI_AUTHENTICODE -> ".msi";
            case SCRIPT -> ".sh";
            case AR -> ".deb";
            case TRAILER -> ".bin";
        };
    }
}
