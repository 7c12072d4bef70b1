package com.heartbeatrm.installer;

/** Where a token lives in an installer, told from the file's content (never its name). */
public enum InstallerFormat {
    /** JAR or ZIP: the end of the end-of-central-directory comment. */
    ZIP,
    /** A Windows PE with an Authenticode signature: an extra certificate in the PKCS#7 certificate set. */
    PE_AUTHENTICODE,
    /** Anything else: a footer appended to the file. */
    TRAILER;

    /** The short name an installer record keeps: {@code zip}, {@code pe}, {@code trailer}. */
    public String recordName() {
        return switch (this) {
            case ZIP -> "zip";
            case PE_AUTHENTICODE -> "pe";
            case TRAILER -> "trailer";
        };
    }
}
