/** The HeartbeatRM endpoints as Jakarta Servlet 6 servlets. */
module com.heartbeatrm.servlet {
    requires static org.jspecify;
    requires transitive com.heartbeatrm.enrollment;
    requires transitive jakarta.servlet;
    requires org.slf4j;

    exports com.heartbeatrm.servlet;
}
