/**
 * HeartbeatRM installers: embed an enrollment token into JAR/ZIP, Authenticode-signed PE and other files, and
 * read it back by structure. Depends only on the agent side, so agents can read their own installer.
 */
module com.heartbeatrm.installer {
    requires static org.jspecify;
    requires transitive com.heartbeatrm.agent;

    exports com.heartbeatrm.installer;
}
