package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.agent.internal.StrictJson;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyNotUsableException;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupSettings;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.HeartbeatException;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.ResolvedSetting;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.SubjectType;
import com.heartbeatrm.core.Timestamps;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.KeyThrottles;
import com.heartbeatrm.enrollment.KeyUnwrapException;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * at fault: 400 bad input, 401/429 authentication, 404 not found, 405, 409 conflict, 413 too large, 503 store
 * unavailable (with {@code Retry-After}). Never a stack trace.</li>
 * <li>JSON bodies are objects of at most 64 KiB; an unknown, duplicate or wrongly typed member is refused, naming
 * it. Dates are ISO-8601 instants or dates within {@link Timestamps}'s range.</li>
 * <li>Lists page: {@code ?limit=1..1000&after=CURSOR} answer {@code {"items": [...], "next": "CURSOR"}}, with
 * {@code next} present exactly when there is more.</li>
 * <li>A group path travels as one path segment with {@code /} encoded as {@code %2F}; a key is its id or its name.</li>
 * </ul>
 */
public final class AdminEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoint.class);
    /** The largest JSON body. */
    public static final int MAX_JSON_BODY = 64 * 1024;
    /** The default largest uploaded base installer. */
    public static final long DEFAULT_MAX_UPLOAD = 512L << 20;
    static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(5);
    private static final int DEFAULT_LIMIT = 100;

    /** Supplies the base installer that {@code GET /keys/{key}/installer} packs (the sample agent, say). */
    @FunctionalInterface
    public interface InstallerBase {
        BaseInstaller current() throws IOException, InstallerException;
    }

    private final HeartbeatServer server;
    private final HeartbeatAdmin admin;
    private final AdminAuthenticator authenticator;
    private final AdminAuthorizer authorizer;
    private final Optional<InstallerBase> installerBase;
    private final long maxUpload;
    private final Path workDirectory;
    private final Lookup lookup;
    private final List<Route> routes = new ArrayList<>();

    private AdminEndpoint(Builder b) {
        this.server = b.server;
        this.admin = b.server.admin();
        this.authenticator = b.authenticator;
        this.authorizer = b.authorizer;
        this.installerBase = Optional.ofNullable(b.installerBase);
        this.maxUpload = b.maxUpload;
        this.workDirectory = b.workDirectory;
        this.lookup = new Lookup(admin);
        defineRoutes();
    }

    public static Builder builder(HeartbeatServer server, AdminAuthenticator authenticator) {
        return new Builder(server, authenticator);
    }

    public static final class Builder {
        private final HeartbeatServer server;
        private final AdminAuthenticator authenticator;
        private AdminAuthorizer authorizer = AdminAuthorizer.allowAll();
        private InstallerBase installerBase;
        private long maxUpload = DEFAULT_MAX_UPLOAD;
        private Path workDirectory;

        private Builder(HeartbeatServer server, AdminAuthenticator authenticator) {
            this.server = Objects.requireNonNull(server, "server");
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        }

        /** Who may do what in which organization (see {@link AdminAuthorizer}); everyone everything by default. */
        public Builder authorizer(AdminAuthorizer a) {
            this.authorizer = Objects.requireNonNull(a, "authorizer");
            return this;
        }

        /** What {@code GET /keys/{key}/installer} packs; without one, only uploads can be tagged. */
        public Builder installerBase(InstallerBase base) {
            this.installerBase = Objects.requireNonNull(base, "base");
            return this;
        }

        /** The largest base installer an operator may upload (512 MiB by default). */
        public Builder maxUpload(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxUpload: must be positive");
            }
            this.maxUpload = bytes;
            return this;
        }

        /** Where uploads and generated installers are written, in an owner-only subdirectory; the system temp directory by default. */
        public Builder workDirectory(Path dir) {
            this.workDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        public AdminEndpoint build() {
            return new AdminEndpoint(this);
        }
    }

    /** The routes, in table order, without the hidden aliases: method and pattern. */
    public List<String> routes() {
        List<String> out = new ArrayList<>();
        for (Route r : routes) {
            if (!r.hidden()) {
                out.add(r.method() + " " + r.pattern());
            }
        }
        return out;
    }

    // --------------------------------------------------------------------------------------------- dispatch

    /** Authenticates, routes and answers one request. Never throws for anything a request contains. */
    public AdminResponse handle(AdminRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            List<String> segments = Route.split(request.rawPath());
            List<Route> atPath = new ArrayList<>();
            Route route = null;
            Map<String, String> captures = Map.of();
            for (Route r : routes) {
                Optional<Map<String, String>> m = r.match(segments);
                if (m.isPresent()) {
                    atPath.add(r);
                    if (r.method().equals(request.method()) && route == null) {
                        route = r;
                        captures = m.get();
                    }
                }
            }
            if (atPath.isEmpty()) {
                return error(404, "no such endpoint: " + printable(request.method()) + " " + printable(request.rawPath()), "path");
            }
            AdminAuthenticator.Outcome auth = authenticator.authenticate(request);
            if (auth instanceof AdminAuthenticator.Refused refused) {
                Map<String, String> headers = new LinkedHashMap<>();
                refused.retryAfter().ifPresent(d -> headers.put("Retry-After", Long.toString(Math.max(1, (d.toMillis() + 999) / 1000))));
                if (refused.status() == 401) {
                    headers.put("WWW-Authenticate", "Bearer");
                }
                return json(refused.status(), headers, errorBody(refused.message(), "Authorization"));
            }
            Actor actor = ((AdminAuthenticator.Allowed) auth).actor();
            if (route == null) {
                Set<String> allowed = new LinkedHashSet<>();
                atPath.forEach(r -> allowed.add(r.method()));
                return json(405, Map.of("Allow", String.join(", ", allowed)),
                        errorBody("use " + String.join(" or ", allowed) + " here", "method"));
            }
            Map<String, String> decoded = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : captures.entrySet()) {
                decoded.put(e.getKey(), Percent.decode(e.getValue(), e.getKey(), false));
            }
            Map<String, String> query = Percent.query(request.rawQuery().orElse(""));
            // Authorized before the body is read: a refused actor's body is never parsed.
            Optional<Organization> org = authorize(new Call(request, actor, decoded, query, Map.of(), lookup, null), route);
            Map<String, Object> body = route.body() == Route.BodyType.JSON ? jsonBody(request, route.fields())
                    : route.body() == Route.BodyType.NONE ? noBody(request) : Map.of();
            Scope scope = new Scope(authorizer, admin, actor, org.orElse(null), new AdminAction(route.method(), route.pattern()));
            return route.handler().handle(new Call(request, actor, decoded, query, body, lookup, org.orElse(null)).scoped(scope));
        } catch (InvalidInputException e) {
            return error(400, e.getMessage(), e.field());
        } catch (NotFoundException e) {
            return error(404, e.getMessage(), e.kind());
        } catch (DuplicateNameException e) {
            return error(409, e.getMessage(), "name");
        } catch (AccessKeyNotUsableException e) {
            return error(409, e.getMessage(), "key");
        } catch (Refusal e) {
            return error(e.status, e.getMessage(), e.field);
        } catch (StoreException e) {
            return json(503, Map.of("Retry-After", Long.toString(UNAVAILABLE_RETRY.toSeconds())),
                    errorBody("temporarily unavailable; try again", null));
        } catch (ConflictException e) {
            return error(409, e.getMessage(), null);
        } catch (KeyUnwrapException e) {
            // The server's own failure (a wrong key-encryption key, altered key data), never the caller's: not a 409.
            LOG.warn("admin API cannot unwrap the issuer signing key: is the key-encryption key the one it was wrapped with?");
            return error(500, "the server cannot use its signing key", null);
        } catch (HeartbeatException e) {
            return error(409, e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage(), null);
        } catch (InstallerException e) {
            LOG.warn("admin API could not build an installer: {}", e.reason());
            return error(500, "cannot build the installer: " + e.reason(), null);
        } catch (IOException e) {
            LOG.warn("admin API I/O failure: {}", e.getClass().getSimpleName());
            return error(500, "internal error", null);
        } catch (Exception e) {
            LOG.warn("admin API error on {} {}: {}", printable(request.method()), printable(request.rawPath()), e.getClass().getName());
            return error(500, "internal error", null);
        }
    }

    /**
     * Asks the authorizer before a handler reads or changes anything: a deployment-wide call with no organization
     * (403 when refused), every other call with the organization it acts in (404 when refused, as for an organization
     * that does not exist). {@code GET /organizations} filters its rows instead.
     */
    private Optional<Organization> authorize(Call c, Route route) {
        AdminAction action = new AdminAction(route.method(), route.pattern());
        if (route.pattern().equals("/organizations")) {
            return Optional.empty();
        }
        if (action.deploymentWide()) {
            if (!authorizer.allows(c.actor, Optional.empty(), action)) {
                throw new Refusal(403, "not allowed: " + action, null);
            }
            return Optional.empty();
        }
        Organization org = c.org();
        if (!authorizer.allows(c.actor, Optional.of(org), action)) {
            throw new NotFoundException("organization", c.query("org").orElse("(the only one)"));
        }
        return Optional.of(org);
    }

    /** A refusal with its own status, for what the core exceptions do not name. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String field;

        Refusal(int status, String message, String field) {
            super(message, null, false, false);
            this.status = status;
            this.field = field;
        }
    }

    private static Map<String, Object> noBody(AdminRequest r) throws IOException {
        if (r.contentLength().isPresent() && r.contentLength().getAsLong() > 0) {
            throw new InvalidInputException("body", "this endpoint takes no body");
        }
        return Map.of();
    }

    private static Map<String, Object> jsonBody(AdminRequest r, Set<String> fields) throws IOException {
        if (r.contentLength().isPresent() && r.contentLength().getAsLong() > MAX_JSON_BODY) {
            throw new Refusal(413, "the body is larger than " + (MAX_JSON_BODY / 1024) + " KiB", "body");
        }
        byte[] bytes;
        try (InputStream in = r.body().open()) {
            bytes = in.readNBytes(MAX_JSON_BODY + 1);
        }
        if (bytes.length > MAX_JSON_BODY) {
            throw new Refusal(413, "the body is larger than " + (MAX_JSON_BODY / 1024) + " KiB", "body");
        }
        if (isJsonWhitespace(bytes)) {
            return Map.of();
        }
        Map<String, Object> m;
        try {
            m = StrictJson.parseObject(bytes, MAX_JSON_BODY);
        } catch (StrictJson.JsonException e) {
            throw new InvalidInputException("body", switch (e.problem()) {
                case DUPLICATE_MEMBER -> "a JSON member name is repeated";
                case TOO_LARGE -> "exceeds the JSON size or nesting limits";
                case NOT_UTF8 -> e.getMessage() + " (JSON bodies are UTF-8 without a byte order mark)";
                default -> "not a JSON object";
            });
        }
        try {
            StrictJson.onlyMembers(m, fields);
        } catch (StrictJson.JsonException e) {
            throw new InvalidInputException(e.field().orElse("body"), e.getMessage() + "; this endpoint takes " + (fields.isEmpty() ? "no fields"
                    : String.join(", ", new java.util.TreeSet<>(fields))));
        }
        return m;
    }

    /** An empty body, or JSON whitespace only (RFC 8259: space, tab, CR, LF): a body with no members. */
    private static boolean isJsonWhitespace(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------------------------ routes

    private void route(String method, String pattern, Route.BodyType body, Set<String> fields, Route.Handler handler) {
        routes.add(new Route(method, pattern, body, fields, handler, false));
    }

    private void get(String pattern, Route.Handler handler) {
        route("GET", pattern, Route.BodyType.NONE, Set.of(), handler);
    }

    private void post(String pattern, Set<String> fields, Route.Handler handler) {
        route("POST", pattern, Route.BodyType.JSON, fields, handler);
    }

    private void delete(String pattern, Route.Handler handler) {
        route("DELETE", pattern, Route.BodyType.NONE, Set.of(), handler);
    }

    private void defineRoutes() {
        get("/organizations", this::organizations);

        get("/groups", this::groups);
        route("POST", "/groups", Route.BodyType.JSON, Set.of("name", "parent"), this::groupCreate);
        get("/groups/{group}", c -> ok(groupDetail(c.org(), c.group(c.path("group")))));
        post("/groups/{group}/rename", Set.of("name"), c -> {
            Group g = c.group(c.path("group"));
            return ok(Rows.group(admin, c.org(), admin.groups().rename(c.actor, c.org().id(), g.id(), c.requireString("name"))));
        });
        post("/groups/{group}/move", Set.of("parent"), c -> {
            Group g = c.group(c.path("group"));
            Group parent = c.group(c.requireString("parent"));
            return ok(Rows.group(admin, c.org(), admin.groups().move(c.actor, c.org().id(), g.id(), parent.id())));
        });
        post("/groups/{group}/settings", Set.of("settings", "lock", "unlock"), this::groupSettings);
        delete("/groups/{group}", c -> {
            Group g = c.group(c.path("group"));
            admin.groups().delete(c.actor, c.org().id(), g.id());
            return ok(Map.of("deleted", g.id().value()));
        });

        get("/keys", this::keys);
        post("/keys", Set.of("name", "group", "expires", "expiresAt", "maxUses", "networks", "platforms"), this::keyCreate);
        get("/keys/{key}", c -> ok(keyRow(c.org(), c.key(c.path("key")))));
        post("/keys/{key}/rename", Set.of("name"), c -> keyChange(c, k -> admin.accessKeys().rename(c.actor, c.org().id(), k.id(),
                c.requireString("name"))));
        post("/keys/{key}/repoint", Set.of("group"), this::keyRepoint);
        routes.add(new Route("POST", "/keys/{key}/assign", Route.BodyType.JSON, Set.of("group"), this::keyRepoint, true));
        post("/keys/{key}/disable", Set.of("reason"), c -> keyChange(c, k -> admin.accessKeys().disable(c.actor, c.org().id(), k.id(),
                c.string("reason").orElse(null))));
        post("/keys/{key}/enable", Set.of(), c -> keyChange(c, k -> admin.accessKeys().enable(c.actor, c.org().id(), k.id())));
        post("/keys/{key}/unthrottle", Set.of(), c -> {
            AccessKey k = c.key(c.path("key"));
            int lifted = server.keyThrottles().lift(c.actor, c.org().id(), k.id());
            Map<String, Object> out = new LinkedHashMap<>(keyRow(c.org(), k));
            out.put("lifted", lifted);
            return ok(out);
        });
        delete("/keys/{key}", c -> {
            AccessKey k = c.key(c.path("key"));
            admin.accessKeys().delete(c.actor, c.org().id(), k.id());
            return ok(Map.of("deleted", k.id().value()));
        });
        get("/keys/{key}/installer", this::download);
        route("POST", "/keys/{key}/installer", Route.BodyType.RAW, Set.of(), this::upload);

        get("/installers", this::installers);
        get("/installers/{installer}", c -> ok(Rows.installer(server.installers().require(c.org().id(), installerId(c)))));
        post("/installers/{installer}/revoke", Set.of("reason"), c -> ok(Rows.installer(server.installers().revoke(c.actor, c.org().id(),
                installerId(c), c.string("reason").orElse(null)))));

        get("/agents", this::agents);
        get("/agents/{agent}", c -> ok(Rows.agent(admin, c.org(), admin.agents().require(c.org().id(), agentId(c)))));
        post("/agents/{agent}/approve", Set.of(), c -> agentRow(c, admin.agents().approve(c.actor, c.org().id(), agentId(c))));
        post("/agents/{agent}/deny", Set.of(), c -> agentRow(c, admin.agents().deny(c.actor, c.org().id(), agentId(c))));
        post("/agents/{agent}/disable", Set.of(), c -> agentRow(c, admin.agents().setStatus(c.actor, c.org().id(), agentId(c),
                AgentStatus.DISABLED)));
        post("/agents/{agent}/enable", Set.of(), c -> agentRow(c, admin.agents().setStatus(c.actor, c.org().id(), agentId(c),
                AgentStatus.ACTIVE)));
        post("/agents/{agent}/unlock", Set.of("reason"), c -> agentRow(c, admin.agents().unlock(c.actor, c.org().id(), agentId(c),
                c.string("reason").orElse("unlocked by an administrator"))));
        post("/agents/{agent}/move", Set.of("group"), c -> agentRow(c, admin.agents().move(c.actor, c.org().id(), agentId(c),
                c.group(c.requireString("group")).id())));

        get("/signing-keys", c -> {
            List<Object> items = new ArrayList<>();
            server.signingKeys().list().forEach(k -> items.add(Rows.signingKey(k)));
            return ok(Map.of("items", items));
        });
        post("/signing-keys/rotate", Set.of(), c -> ok(Map.of("active", server.signingKeys().rotate().keyId())));

        get("/audit", this::audit);
    }

    // ---------------------------------------------------------------------------------------------- handlers

    private AdminResponse organizations(Call c) {
        PageRequest page = page(c);
        Page<Organization> p = admin.organizations().list(page);
        List<Object> items = new ArrayList<>();
        AdminAction action = new AdminAction("GET", "/organizations");
        p.items().stream().filter(o -> authorizer.allows(c.actor, Optional.of(o), action)).forEach(o -> items.add(Rows.organization(o)));
        return ok(paged(items, p.nextCursor()));
    }

    private AdminResponse groups(Call c) {
        Organization org = c.org();
        List<Group> all = new ArrayList<>(admin.groups().subtree(org.id(), org.rootGroupId()));
        // Page by path, root first: a cursor is the last path shown.
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Group g : all) {
            if (c.scope().allows(g.id())) {
                rows.add(Rows.group(admin, org, g));
            }
        }
        rows.sort(Comparator.comparing((Map<String, Object> m) -> (Boolean) m.get("root") ? "" : (String) m.get("path")));
        PageRequest page = page(c);
        int from = 0;
        if (page.after().isPresent()) {
            String after = page.after().get();
            while (from < rows.size() && sortKey(rows.get(from)).compareTo(after) <= 0) {
                from++;
            }
        }
        int to = Math.min(rows.size(), from + page.limit());
        List<Object> items = new ArrayList<>(rows.subList(from, to));
        Optional<String> next = to < rows.size() ? Optional.of(sortKey(rows.get(to - 1))) : Optional.empty();
        return ok(paged(items, next));
    }

    private static String sortKey(Map<String, Object> groupRow) {
        return (Boolean) groupRow.get("root") ? "" : (String) groupRow.get("path");
    }

    private AdminResponse groupCreate(Call c) {
        Organization org = c.org();
        Group parent = c.group(c.string("parent").filter(s -> !s.isBlank()).orElse("/"));
        Group g = admin.groups().create(c.actor, org.id(), parent.id(), c.requireString("name"));
        return json(201, Map.of(), StrictJson.write(Rows.group(admin, org, g)));
    }

    private Map<String, Object> groupDetail(Organization org, Group g) {
        List<Object> settings = new ArrayList<>();
        for (ResolvedSetting<?> r : admin.groups().effectiveSettings(org.id(), g.id()).all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("setting", r.setting().name());
            m.put("value", format(r));
            m.put("source", r.describeSource());
            m.put("locked", r.lockedBy().isPresent());
            r.lockedBy().ifPresent(l -> m.put("lockedBy", l.groupId().equals(g.id()) ? "here" : admin.groups().pathOf(org.id(), l.groupId())));
            m.put("lockedHere", g.settings().isLocked(r.setting()));
            m.put("overriddenHere", g.settings().override(r.setting()).isPresent());
            overrideText(g.settings(), r.setting()).ifPresent(v -> m.put("override", v));
            settings.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>(Rows.group(admin, org, g));
        out.put("settings", settings);
        return out;
    }

    private static <T> Optional<String> overrideText(GroupSettings s, SecuritySetting<T> setting) {
        return s.override(setting).map(setting::format);
    }

    private static <T> String format(ResolvedSetting<T> r) {
        return r.setting().format(r.value());
    }

    private AdminResponse groupSettings(Call c) {
        Organization org = c.org();
        Group g = c.group(c.path("group"));
        GroupSettings s = g.settings();
        Map<String, Object> values = c.object("settings").orElse(Map.of());
        for (Map.Entry<String, Object> e : values.entrySet()) {
            SecuritySetting<?> setting = SecuritySetting.byName(e.getKey()).orElseThrow(() -> new InvalidInputException("settings",
                    "unknown setting " + StrictJson.printable(e.getKey())));
            if (!(e.getValue() instanceof String text)) {
                throw new InvalidInputException(setting.name(), "must be a string (or \"inherit\")");
            }
            try {
                s = text.equalsIgnoreCase("inherit") ? s.withoutOverride(setting) : parsed(s, setting, text);
            } catch (InvalidInputException bad) {
                // Name the setting, so that a form shows the words next to its input.
                throw bad.field().equals(setting.name()) ? bad : new InvalidInputException(setting.name(), bad.getMessage());
            }
        }
        for (String l : c.strings("lock", 16)) {
            s = s.withLock(SecuritySetting.byName(l).orElseThrow(() -> new InvalidInputException("lock", "unknown setting")), true);
        }
        for (String l : c.strings("unlock", 16)) {
            s = s.withLock(SecuritySetting.byName(l).orElseThrow(() -> new InvalidInputException("unlock", "unknown setting")), false);
        }
        Group changed = admin.groups().changeSettings(c.actor, org.id(), g.id(), s, g.version());
        return ok(groupDetail(org, changed));
    }

    private static <T> GroupSettings parsed(GroupSettings s, SecuritySetting<T> setting, String value) {
        return s.withOverride(setting, setting.parse(value));
    }

    private Map<String, Object> keyRow(Organization org, AccessKey k) {
        return Rows.key(admin, org, k, server.keyThrottles().list(org.id(), k.id()));
    }

    private AdminResponse keys(Call c) {
        Organization org = c.org();
        Page<AccessKey> p = admin.accessKeys().list(org.id(), page(c));
        Map<com.heartbeatrm.core.AccessKeyId, List<KeyThrottles.KeyThrottle>> throttles = server.keyThrottles().listAll(org.id());
        List<Object> items = new ArrayList<>();
        for (AccessKey k : p.items()) {
            if (c.scope().allows(k)) {
                items.add(Rows.key(admin, org, k, throttles.getOrDefault(k.id(), List.of())));
            }
        }
        return ok(paged(items, p.nextCursor()));
    }

    private AdminResponse keyCreate(Call c) {
        Organization org = c.org();
        AccessKeySpec.Builder b = AccessKeySpec.builder(c.requireString("name"), c.group(c.requireString("group")).id());
        Optional<String> expires = c.string("expires").filter(s -> !s.isBlank());
        if (expires.isPresent()) {
            b.expiresIn(SecuritySetting.MAX_KEY_LIFETIME.parse(expires.get()).maximum()
                    .orElseThrow(() -> new InvalidInputException("expires", "a lifetime such as 90d")));
        }
        c.string("expiresAt").filter(s -> !s.isBlank()).ifPresent(t -> b.expiresAt(instant("expiresAt", t, true)));
        c.integer("maxUses").ifPresent(b::maxUses);
        c.string("networks").filter(s -> !s.isBlank()).ifPresent(n -> b.networks(NetworkAllowList.parse(n)));
        c.string("platforms").filter(s -> !s.isBlank()).ifPresent(p -> b.platforms(PlatformSet.parse(p)));
        AccessKey k = admin.accessKeys().create(c.actor, org.id(), b.build());
        return json(201, Map.of(), StrictJson.write(keyRow(org, k)));
    }

    private AdminResponse keyRepoint(Call c) {
        return keyChange(c, k -> admin.accessKeys().repoint(c.actor, c.org().id(), k.id(), c.group(c.requireString("group")).id()));
    }

    private AdminResponse keyChange(Call c, java.util.function.Function<AccessKey, AccessKey> change) {
        AccessKey k = c.key(c.path("key"));
        return ok(keyRow(c.org(), change.apply(k)));
    }

    private AdminResponse installers(Call c) {
        Organization org = c.org();
        PageRequest page = page(c);
        Page<InstallerRecord> p = c.query("key").isPresent()
                ? server.installers().listByKey(org.id(), c.key(c.query("key").get()).id(), page)
                : server.installers().list(org.id(), page);
        List<Object> items = new ArrayList<>();
        p.items().stream().filter(c.scope()::allows).forEach(r -> items.add(Rows.installer(r)));
        return ok(paged(items, p.nextCursor()));
    }

    /** The installer id of the path, of an installer in the call's scope. */
    private InstallerId installerId(Call c) {
        InstallerId id;
        try {
            id = InstallerId.parse(c.path("installer"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("installer", "not an installer id (ins_…)");
        }
        if (c.scope().narrowed()) {
            c.scope().check(server.installers().require(c.org().id(), id));
        }
        return id;
    }

    /** The agent id of the path, of an agent in the call's scope. */
    private AgentId agentId(Call c) {
        AgentId id;
        try {
            id = AgentId.parse(c.path("agent"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("agent", "not an agent id (agt_…)");
        }
        if (c.scope().narrowed()) {
            c.scope().check(admin.agents().require(c.org().id(), id));
        }
        return id;
    }

    private AdminResponse agentRow(Call c, Agent a) {
        return ok(Rows.agent(admin, c.org(), a));
    }

    /**
     * Agents of one group, key or status, or of the whole tree. The whole tree pages group by group in id order; its
     * cursor is {@code GROUPID:INNER}, so that it survives groups created or deleted between pages.
     */
    private AdminResponse agents(Call c) {
        Organization org = c.org();
        PageRequest page = page(c);
        Page<Agent> p;
        if (c.query("group").isPresent()) {
            p = admin.agents().listByGroup(org.id(), c.group(c.query("group").get()).id(), page);
        } else if (c.query("key").isPresent()) {
            p = admin.agents().listByKey(org.id(), c.key(c.query("key").get()).id(), page);
        } else if (c.query("status").isPresent()) {
            AgentStatus status;
            try {
                status = AgentStatus.valueOf(c.query("status").get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("status", "one of " + Arrays.toString(AgentStatus.values()));
            }
            p = admin.agents().listByStatus(org.id(), status, page);
        } else {
            p = wholeTree(org, page, c.scope());
        }
        List<Object> items = new ArrayList<>();
        p.items().stream().filter(c.scope()::allows).forEach(a -> items.add(Rows.agent(admin, org, a)));
        return ok(paged(items, p.nextCursor()));
    }

    private Page<Agent> wholeTree(Organization org, PageRequest page, Scope scope) {
        List<GroupId> groups = new ArrayList<>();
        admin.groups().subtree(org.id(), org.rootGroupId()).stream().filter(g -> scope.allows(g.id())).forEach(g -> groups.add(g.id()));
        groups.sort(Comparator.comparing(GroupId::value));
        String startGroup = "";
        Optional<String> inner = Optional.empty();
        if (page.after().isPresent()) {
            String cursor = page.after().get();
            int tilde = cursor.indexOf(':');
            if (tilde < 0) {
                throw new InvalidInputException("after", "not a cursor of this list");
            }
            startGroup = cursor.substring(0, tilde);
            inner = tilde + 1 < cursor.length() ? Optional.of(cursor.substring(tilde + 1)) : Optional.empty();
        }
        List<Agent> out = new ArrayList<>();
        for (GroupId g : groups) {
            int cmp = g.value().compareTo(startGroup);
            if (cmp < 0) {
                continue;
            }
            Optional<String> after = cmp == 0 ? inner : Optional.empty();
            while (out.size() < page.limit()) {
                Page<Agent> p = admin.agents().listByGroup(org.id(), g, new PageRequest(page.limit() - out.size(), after));
                out.addAll(p.items());
                if (!p.hasNext()) {
                    after = Optional.empty();
                    break;
                }
                after = p.nextCursor();
                if (out.size() == page.limit()) {
                    return new Page<>(out, Optional.of(g.value() + ":" + after.get()));
                }
            }
            if (out.size() == page.limit()) {
                // Full at a group's end: the next page starts after this group.
                int i = groups.indexOf(g);
                return i + 1 < groups.size() ? new Page<>(out, Optional.of(groups.get(i + 1).value() + ":")) : new Page<>(out, Optional.empty());
            }
        }
        return new Page<>(out, Optional.empty());
    }

    private AdminResponse audit(Call c) {
        Organization org = c.org();
        Optional<Subject> subject = Optional.empty();
        Optional<String> type = c.query("subjectType");
        Optional<String> id = c.query("subject");
        if (type.isPresent() && id.isPresent()) {
            SubjectType t;
            try {
                t = SubjectType.valueOf(type.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("subjectType", "one of " + Arrays.toString(SubjectType.values()));
            }
            subject = Optional.of(new Subject(t, id.get()));
        } else if (type.isPresent() != id.isPresent()) {
            throw new InvalidInputException(type.isPresent() ? "subject" : "subjectType", "give subjectType and subject together");
        }
        // A date for "from" is the start of that day; for "to" (exclusive) the start of the next, so the day is in.
        Optional<Instant> from = c.query("from").map(x -> instant("from", x, false));
        Optional<Instant> to = c.query("to").map(x -> instant("to", x, true));
        Page<AuditRecord> p = admin.audit().query(new AuditQuery(org.id(), subject, from, to, page(c)));
        Map<Subject, Optional<String>> labels = new java.util.HashMap<>();
        List<Object> items = new ArrayList<>();
        for (AuditRecord r : p.items()) {
            if (!c.scope().allows(r)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            Subject s = r.event().subject();
            m.put("sequence", r.sequence());
            m.put("at", r.event().at().toString());
            m.put("actor", r.event().actor().name());
            m.put("action", r.event().action().name());
            m.put("subjectType", s.type().name());
            m.put("subject", s.id());
            labels.computeIfAbsent(s, x -> label(org, x)).ifPresent(l -> m.put("subjectLabel", l));
            m.put("before", r.event().before());
            m.put("after", r.event().after());
            items.add(m);
        }
        return ok(paged(items, p.nextCursor()));
    }

    /** What an operator calls a subject now, or empty when it is gone or has no better name than its id. */
    private Optional<String> label(Organization org, Subject s) {
        try {
            return switch (s.type()) {
                case ACCESS_KEY -> admin.accessKeys().find(org.id(), com.heartbeatrm.core.AccessKeyId.parse(s.id())).map(AccessKey::name);
                case GROUP -> admin.groups().find(org.id(), GroupId.parse(s.id()))
                        .map(g -> g.isRoot() ? org.name() + " (root)" : admin.groups().pathOf(org.id(), g.id()));
                case AGENT -> admin.agents().find(org.id(), AgentId.parse(s.id())).map(Agent::hostname);
                case ORGANIZATION -> Optional.of(org.name());
                default -> Optional.empty();
            };
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------------------------------- installers

    private InstallerRequest installerRequest(Call c) {
        InstallerRequest.Builder b = InstallerRequest.builder();
        c.query("platform").ifPresent(p -> {
            try {
                b.platform(Platform.parse(p));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("platform", "one of windows, macos, linux");
            }
        });
        c.query("singleUse").ifPresent(v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw new InvalidInputException("singleUse", "true or false");
            }
            b.singleUse(v.equals("true"));
        });
        return b.build();
    }

    /** Packs the configured base (the sample agent, say) for the key and streams it from a private temp file. */
    private AdminResponse download(Call c) throws IOException, InstallerException {
        AccessKey key = c.key(c.path("key"));
        InstallerRequest request = installerRequest(c);
        BaseInstaller base = installerBase.orElseThrow(() -> new Refusal(404,
                "this server has no base installer configured: upload one (POST with the file as the body)", "file")).current();
        return packed(c, key, request, base, Optional.empty());
    }

    /**
     * {@code POST /keys/{key}/installer?platform=&filename=}: the body is the operator's own installer (any file;
     * signed formats keep their signatures), read up to the upload limit into a private temp file.
     */
    private AdminResponse upload(Call c) throws IOException, InstallerException {
        AccessKey key = c.key(c.path("key"));
        InstallerRequest request = installerRequest(c);
        // Refuse before storing the upload for a key that cannot issue (issuing checks again, atomically).
        AccessKeyStatus status = admin.accessKeys().status(key);
        if (status != AccessKeyStatus.ENABLED) {
            throw new AccessKeyNotUsableException(key.id(), status);
        }
        if (c.request.contentLength().isPresent() && c.request.contentLength().getAsLong() > maxUpload) {
            throw new Refusal(413, "the base installer is larger than " + (maxUpload >> 20) + " MiB", "file");
        }
        Path dir = workDirectory();
        // The upload keeps its name's extension: a PowerShell script is told by it (.ps1).
        String ext = c.query("filename").map(n -> n.replace('\\', '/')).map(n -> n.substring(n.lastIndexOf('/') + 1))
                .filter(n -> n.lastIndexOf('.') > 0).map(n -> n.substring(n.lastIndexOf('.')).toLowerCase(Locale.ROOT))
                .filter(x -> x.matches("\\.[a-z0-9]{1,8}")).orElse(".bin");
        Path tmp = Files.createTempFile(dir, "upload", ext);
        try {
            long size;
            try (InputStream in = c.request.body().open(); OutputStream out = Files.newOutputStream(tmp)) {
                size = copyBounded(in, out, maxUpload);
            }
            if (size < 0) {
                throw new Refusal(413, "the base installer is larger than " + (maxUpload >> 20) + " MiB", "file");
            }
            if (size == 0) {
                throw new InvalidInputException("file", "the base installer is empty: choose a file");
            }
            BaseInstaller base;
            try {
                base = BaseInstaller.open(tmp);
            } catch (InstallerException e) {
                throw new InvalidInputException("file", "this file cannot carry an enrollment token: " + e.reason());
            }
            return packed(c, key, request, base, c.query("filename"));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Copies at most {@code limit} bytes; returns the count, or -1 when the input had more. */
    private static long copyBounded(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > limit) {
                return -1;
            }
            out.write(buf, 0, n);
        }
        return total;
    }

    private AdminResponse packed(Call c, AccessKey key, InstallerRequest request, BaseInstaller base, Optional<String> filename)
            throws IOException, InstallerException {
        Path dir = workDirectory();
        Path out = dir.resolve("installer-" + java.util.UUID.randomUUID() + ".bin");
        InstallerRecord record;
        try {
            record = server.installers().issue(c.actor, c.org().id(), key.id(), request, base, out);
        } catch (RuntimeException | InstallerException e) {
            Files.deleteIfExists(out);
            throw e;
        }
        String name = downloadName(filename.orElse(null), base.format(), record.id().value());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", base.format() == InstallerFormat.ZIP ? "application/java-archive" : "application/octet-stream");
        headers.put("Content-Disposition", "attachment; filename=\"" + name + "\"");
        headers.put("X-Heartbeat-Installer-Id", record.id().value());
        headers.put("Cache-Control", "no-store");
        headers.put("Content-Length", Long.toString(Files.size(out)));
        return AdminResponse.file(200, headers, out);
    }

    /** The file name the browser saves: the uploaded name (letters, digits, {@code ._-} only) with the installer id. */
    static String downloadName(String uploaded, InstallerFormat format, String installerId) {
        String stem = "heartbeat-agent";
        String ext = format.defaultExtension();
        if (uploaded != null && !uploaded.isBlank()) {
            String base = uploaded.replace('\\', '/');
            base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
            int dot = base.lastIndexOf('.');
            if (dot > 0 && base.length() - dot <= 10) {
                ext = base.substring(dot);
                base = base.substring(0, dot);
            }
            if (!base.isEmpty() && !base.startsWith(".")) {
                stem = base.length() > 80 ? base.substring(0, 80) : base;
            }
        }
        return stem + "-" + installerId + ext;
    }

    private synchronized Path workDirectory() throws IOException {
        Path parent = workDirectory != null ? workDirectory : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = parent.resolve("heartbeat-admin-" + ProcessHandle.current().pid());
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(parent);
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectories(dir);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // created meanwhile
            }
        }
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("work directory is not a directory");
        }
        return dir;
    }

    // --------------------------------------------------------------------------------------------- helpers

    private static PageRequest page(Call c) {
        int limit = DEFAULT_LIMIT;
        Optional<String> l = c.query("limit");
        if (l.isPresent()) {
            try {
                limit = Integer.parseInt(l.get());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("limit", "must be a whole number from 1 to " + PageRequest.MAX_LIMIT);
            }
            if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
                throw new InvalidInputException("limit", "must be a whole number from 1 to " + PageRequest.MAX_LIMIT);
            }
        }
        Optional<String> after = c.query("after");
        if (after.isPresent() && after.get().length() > 400) {
            throw new InvalidInputException("after", "not a cursor of this list");
        }
        try {
            return new PageRequest(limit, after);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("after", "not a cursor of this list");
        }
    }

    private static Map<String, Object> paged(List<Object> items, Optional<String> next) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        next.ifPresent(n -> out.put("next", n));
        return out;
    }

    /**
     * An instant as ISO-8601 ({@code 2026-11-27T10:00:00Z}), or a date ({@code 2026-12-31}, UTC): its start, or with
     * {@code throughDay} the start of the next day, so that an exclusive end or an expiry includes the whole day.
     */
    static Instant instant(String field, String text, boolean throughDay) {
        String t = text.strip();
        Instant at;
        try {
            if (t.length() == 10) {
                at = LocalDate.parse(t).plusDays(throughDay ? 1 : 0).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                at = Instant.parse(t);
            }
        } catch (java.time.DateTimeException e) {
            throw new InvalidInputException(field, "expected a date (2026-12-31) or an instant (2026-12-31T23:59:59Z)");
        }
        return Timestamps.check(field, at);
    }

    private static AdminResponse ok(Map<String, ?> body) {
        return json(200, Map.of(), StrictJson.write(body));
    }

    private static AdminResponse error(int status, String message, String field) {
        return json(status, Map.of(), errorBody(message, field));
    }

    private static byte[] errorBody(String message, String field) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message == null ? "error" : message.replaceAll("[\\p{Cntrl}]+", " "));
        if (field != null) {
            m.put("field", field);
        }
        return StrictJson.write(m);
    }

    private static AdminResponse json(int status, Map<String, String> extra, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.putAll(extra);
        return AdminResponse.json(status, headers, body);
    }

    /** Text from a request, fit for a message or a log line: control characters escaped, length bounded. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0)) {
                b.append(String.format("\\x%02x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return s.length() > 200 ? b + "…" : b.toString();
    }

    @Override
    public String toString() {
        return "AdminEndpoint[" + routes().size() + " routes, " + authenticator + "]";
    }
}
