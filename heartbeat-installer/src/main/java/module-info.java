/**
 * HeartbeatRM installers: embed an enrollment token into JAR/ZIP, Authenticode-signed PE and other files, and
 * read it back by structure. Depends only on the agent side, so agents can read their own installer.
 */
module com.heartbeatrm.installer {
    // @Nullable appears in the exported API: readers see it when they compile, nothing needs it at run time.
    requires static transitive org.jspecify;
    requires transitive com.heartbeatrm.agent;

    exports com.heartbeatrm.installer;
}
