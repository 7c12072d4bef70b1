package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The admin JSON API, independent of any HTTP server: organizations, groups and their settings, access keys and
 * their throttles, installers, agents, signing keys and the audit log. A transport hands it an {@link AdminRequest}
 * and sends the {@link AdminResponse} back; the reference server, the servlet binding and the Spring Boot starter
 * are such adapters. The CLI calls it in-process, so every client sees one vocabulary.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>Routing is a table ({@link #routes()}): each route has a method, a path pattern and a body type. A path no
 * route has is a 404; a known path with another method a 405 with {@code Allow}.</li>
 * <li>Every answer is JSON. Errors are {@code {"error": "...", "field": "..."}}, where {@code field} names the input
 * at fault: 400 bad input, 401/429 authentication, 404 not found, 405, 409 conflict, 413 too large, 500 the
 * server's own failure, 503 store unavailable (with {@code Retry-After}); one table ({@code Problems}) maps what a
 * handler throws to these. Never a stack trace.</li>
 * <li>JSON bodies are objects of at most 64 KiB; an unknown, duplicate or wrongly typed member is refused, naming
 * it. Dates are ISO-8601 instants or dates within {@link com.heartbeatrm.core.Timestamps}'s range.</li>
 * <li>Lists page: {@code ?limit=1..1000&after=CURSOR} answer {@code {"items": [...], "next": "CURSOR"}}, with
 * {@code next} present exactly when there is more.</li>
 * <li>A group path travels as one path segment with {@code /} encoded as {@code %2F}; a key is its id or its name.</li>
 * </ul>
 */
public final class AdminEndpoint {
    /** The largest JSON body. */
    public static final int MAX_JSON_BODY = 64 * 1024;
    /** The default largest uploaded base installer. */
    public static final long DEFAULT_MAX_UPLOAD = 512L << 20;

    /** Supplies the base installer that {@code GET /keys/{key}/installer} packs (the sample agent, say). */
    @FunctionalInterface
    public interface InstallerBase {
        /**
         * The base installer to pack now; called once per download, from the request's thread.
         *
         * @return the base, read now (so a new sample agent is picked up without a restart)
         * @throws IOException when the base cannot be read (the answer is a 500)
         * @throws InstallerException when the base is not an installer the packer can tag (a 500)
         */
        BaseInstaller current() throws IOException, InstallerException;
    }

    private final AdminAuthenticator authenticator;
    private final AdminRouter router;

    private AdminEndpoint(Builder b) {
        this.authenticator = b.authenticator;
        HeartbeatServer server = b.server;
        HeartbeatAdmin admin = server.admin();
        Lookup lookup = new Lookup(admin);
        Routes routes = new Routes();
        List.of(new OrganizationRoutes(admin, b.authorizer),
                new GroupRoutes(admin),
                new KeyRoutes(server, admin),
                new InstallerRoutes(server, admin, Optional.ofNullable(b.installerBase), b.maxUpload, b.workDirectory),
                new AgentRoutes(admin),
                new SigningKeyRoutes(server),
                new AttestationRoutes(admin),
                new AuditRoutes(admin)).forEach(set -> set.addTo(routes));
        this.router = new AdminRouter(routes.all(), b.authenticator, b.authorizer, admin, lookup);
    }

    /**
     * An endpoint over {@code server}'s admin API, authenticating each request with {@code authenticator}.
     *
     * @param server the server whose admin facade, installers and signing keys the API drives
     * @param authenticator turns a request's credentials into an actor, or refuses it (401)
     * @return a builder; not thread-safe
     */
    public static Builder builder(HeartbeatServer server, AdminAuthenticator authenticator) {
        return new Builder(server, authenticator);
    }

    /** Configures an {@link AdminEndpoint}. */
    public static final class Builder {
        private final HeartbeatServer server;
        private final AdminAuthenticator authenticator;
        private AdminAuthorizer authorizer = AdminAuthorizer.allowAll();
        private @Nullable InstallerBase installerBase;
        private long maxUpload = DEFAULT_MAX_UPLOAD;
        private @Nullable Path workDirectory;

        private Builder(HeartbeatServer server, AdminAuthenticator authenticator) {
            this.server = Objects.requireNonNull(server, "server");
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        }

        /**
         * Who may do what in which organization (see {@link AdminAuthorizer}); everyone everything by default.
         *
         * @param a asked before each call reads or changes anything
         * @return this builder
         */
        public Builder authorizer(AdminAuthorizer a) {
            this.authorizer = Objects.requireNonNull(a, "authorizer");
            return this;
        }

        /**
         * What {@code GET /keys/{key}/installer} packs; without one, only uploads can be tagged.
         *
         * @param base asked for the base on each download
         * @return this builder
         */
        public Builder installerBase(InstallerBase base) {
            this.installerBase = Objects.requireNonNull(base, "base");
            return this;
        }

        /**
         * The largest base installer an operator may upload (512 MiB by default); a larger upload is refused with 413
         * before it is stored.
         *
         * @param bytes positive
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is not positive
         */
        public Builder maxUpload(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxUpload: must be positive");
            }
            this.maxUpload = bytes;
            return this;
        }

        /**
         * Where uploads and generated installers are written, in an owner-only subdirectory; the system temp directory by
         * default. Each file is deleted once its answer was sent.
         *
         * @param dir created if missing
         * @return this builder
         */
        public Builder workDirectory(Path dir) {
            this.workDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * The endpoint.
         *
         * @return a thread-safe endpoint; one per server is enough
         */
        public AdminEndpoint build() {
            return new AdminEndpoint(this);
        }
    }

    /**
     * The routes, in table order, without the hidden aliases, for documentation and tests.
     *
     * @return {@code "METHOD /pattern"} per route
     */
    public List<String> routes() {
        return router.routes();
    }

    /**
     * Authenticates, routes and answers one request. Never throws for anything a request contains: a refusal is an
     * answer with its status and a JSON error.
     *
     * @param request the request as the transport received it
     * @return the answer; {@link AdminResponse#close()} it once its body was written
     */
    public AdminResponse handle(AdminRequest request) {
        return router.handle(Objects.requireNonNull(request, "request"));
    }

    @Override
    public String toString() {
        return "AdminEndpoint[" + routes().size() + " routes, " + authenticator + "]";
    }
}
