package com.heartbeatrm.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeyNotUsableException;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupSettings;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.ResolvedSetting;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.SubjectType;
import com.heartbeatrm.enrollment.EnrollmentTokens;
import com.heartbeatrm.enrollment.IssuedToken;
import com.heartbeatrm.enrollment.IssuerKeyInfo;
import com.heartbeatrm.enrollment.TokenRequest;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.Views;
import com.heartbeatrm.examples.agent.AgentBase;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerFormat;
import com.heartbeatrm.installer.PackResult;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin JSON API under {@code /api}: the CLI's operations over HTTP, behind a bearer token. Every answer is
 * JSON; errors name what is wrong (400 bad input, 401 no or wrong token, 404 not found, 409 conflict), never a
 * stack trace. {@code GET /api/keys/{KEY}/installer} issues a token and streams the tagged sample agent straight
 * to the socket.
 */
final class AdminApi {
    private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;
    /** The largest base installer the console may upload. */
    static final long MAX_UPLOAD = 512L << 20;
    private final Deployment d;
    private final byte[] token;
    private final Actor actor = Actor.of("admin-api");
    private BaseInstaller agentBase;

    AdminApi(Deployment d, String token) {
        this.d = d;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Handles one request; returns the status it answered with. */
    int handle(HttpExchange ex) throws IOException {
        ConsoleAssets.securityHeaders(ex);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] presented = auth != null && auth.startsWith("Bearer ") ? auth.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(presented, token)) {
            return send(ex, 401, error("missing or wrong admin token (Authorization: Bearer …)"));
        }
        try {
            // The raw path, split before decoding: a group path travels as one %2F-encoded segment.
            String[] path = ex.getRequestURI().getRawPath().replaceAll("/+$", "").split("/");
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            String method = ex.getRequestMethod();
            String resource = path.length > 2 ? path[2] : "";
            String id = path.length > 3 ? URLDecoder.decode(path[3].replace("+", "%2B"), StandardCharsets.UTF_8) : null;
            String action = path.length > 4 ? path[4] : null;
            if (path.length > 5) {
                throw new NotFoundException("endpoint", method + " " + ex.getRequestURI().getPath() + " (encode '/' in a group path as %2F)");
            }
            if (resource.equals("organizations") && id == null && method.equals("GET")) {
                return send(ex, 200, organizations());
            }
            Organization org = Views.organization(d, query.get("org"));
            if (resource.equals("keys") && id != null && "installer".equals(action) && (method.equals("GET") || method.equals("POST"))) {
                AccessKey key = Views.key(d, org, id);
                return method.equals("GET") ? download(ex, org, key, query.get("platform"), null, null)
                        : upload(ex, org, key, query.get("platform"), query.get("filename"));
            }
            JsonNode body = method.equals("POST") ? body(ex) : JSON.createObjectNode();
            Object result = switch (resource + ":" + method + ":" + (id == null ? "" : "id") + ":" + (action == null ? "" : action)) {
                case "groups:GET::" -> groups(org);
                case "groups:POST:id:rename" -> {
                    Group g = Views.group(d, org, id);
                    yield path(org, d.admin.groups().rename(actor, org.id(), g.id(), text(body, "name")));
                }
                case "groups:POST::" -> groupCreate(org, body);
                case "groups:GET:id:" -> groupShow(org, id);
                case "groups:POST:id:settings" -> groupSet(org, id, body);
                case "groups:POST:id:move" -> path(org, d.admin.groups().move(actor, org.id(), Views.group(d, org, id).id(), Views.group(d, org, text(body, "parent")).id()));
                case "groups:DELETE:id:" -> {
                    d.admin.groups().delete(actor, org.id(), Views.group(d, org, id).id());
                    yield Map.of("deleted", id);
                }
                case "keys:GET::" -> Views.keyRows(d, org);
                case "keys:POST::" -> keyCreate(org, body);
                case "keys:POST:id:disable" -> Views.keyRow(d, org, d.admin.accessKeys().disable(actor, org.id(), Views.key(d, org, id).id(),
                        body.path("reason").asText(null)));
                case "keys:POST:id:rename" -> Views.keyRow(d, org, d.admin.accessKeys().rename(actor, org.id(), Views.key(d, org, id).id(),
                        text(body, "name")));
                case "keys:POST:id:enable" -> Views.keyRow(d, org, d.admin.accessKeys().enable(actor, org.id(), Views.key(d, org, id).id()));
                case "keys:POST:id:assign" -> Views.keyRow(d, org, d.admin.accessKeys().repoint(actor, org.id(), Views.key(d, org, id).id(),
                        Views.group(d, org, text(body, "group")).id()));
                case "keys:DELETE:id:" -> {
                    d.admin.accessKeys().delete(actor, org.id(), Views.key(d, org, id).id());
                    yield Map.of("deleted", id);
                }
                case "installers:GET::" -> Views.installerRows(d, org, query.get("key"));
                case "installers:POST:id:revoke" -> Views.installerRow(d.tokens().revoke(actor, org.id(), InstallerId.parse(id),
                        body.path("reason").asText(null)));
                case "agents:GET::" -> Views.agentRows(d, org, query.get("group"));
                case "agents:POST:id:approve" -> Views.agentRow(d, org, d.enrollment().approve(actor, org.id(), AgentId.parse(id)));
                case "agents:POST:id:deny" -> Views.agentRow(d, org, d.enrollment().deny(actor, org.id(), AgentId.parse(id)));
                case "agents:POST:id:disable" -> Views.agentRow(d, org, d.admin.agents().setStatus(actor, org.id(), AgentId.parse(id), AgentStatus.DISABLED));
                case "agents:POST:id:move" -> Views.agentRow(d, org, d.admin.agents().move(actor, org.id(), AgentId.parse(id), Views.group(d, org, text(body, "group")).id()));
                case "signing-keys:GET::" -> signingKeys();
                case "signing-keys:POST::rotate", "signing-keys:POST:id:" -> Map.of("active", d.issuerKeys.rotate().keyId());
                case "audit:GET::" -> audit(org, query);
                default -> throw new NotFoundException("endpoint", method + " " + ex.getRequestURI().getPath());
            };
            return send(ex, method.equals("POST") && id == null ? 201 : 200, result);
        } catch (InvalidInputException e) {
            return send(ex, 400, error(e.getMessage(), e.field()));
        } catch (IllegalArgumentException e) {
            return send(ex, 400, error(e.getMessage()));
        } catch (NotFoundException e) {
            return send(ex, 404, error(e.getMessage(), e.kind()));
        } catch (DuplicateNameException e) {
            return send(ex, 409, error(e.getMessage(), "name"));
        } catch (ConflictException e) {
            return send(ex, 409, error(e.getMessage()));
        } catch (UploadException e) {
            return send(ex, e.status, error(e.getMessage(), "file"));
        } catch (StoreException e) {
            return send(ex, 503, error("temporarily unavailable; try again"));
        } catch (InstallerException e) {
            return send(ex, 500, error("cannot build the installer: " + e.reason()));
        } catch (RuntimeException e) {
            LOG.warn("admin API error on {}: {}", ex.getRequestURI().getPath(), e.getClass().getSimpleName());
            return send(ex, 500, error("internal error"));
        }
    }

    private JsonNode body(HttpExchange ex) throws IOException {
        byte[] b = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            throw new InvalidInputException("body", "larger than 64 KiB");
        }
        if (b.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(b);
            if (n == null || !n.isObject()) {
                throw new InvalidInputException("body", "must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new InvalidInputException("body", "not valid JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw new InvalidInputException(field, "required, a string");
        }
        return n.asText();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }




    private List<Object> organizations() {
        List<Object> out = new ArrayList<>();
        for (Organization o : d.admin.organizations().list(PageRequest.first(PageRequest.MAX_LIMIT)).items()) {
            out.add(Map.of("id", o.id().value(), "name", o.name()));
        }
        return out;
    }

    private Map<String, Object> path(Organization org, Group g) {
        return Map.of("id", g.id().value(), "path", d.admin.groups().pathOf(org.id(), g.id()));
    }

    private List<Object> groups(Organization org) {
        List<Object> out = new ArrayList<>();
        for (Group g : d.admin.groups().subtree(org.id(), org.rootGroupId())) {
            out.add(path(org, g));
        }
        return out;
    }

    private Object groupCreate(Organization org, JsonNode body) {
        String parent = body.path("parent").asText("/");
        return path(org, d.admin.groups().create(actor, org.id(), Views.group(d, org, parent).id(), text(body, "name")));
    }

    private Object groupShow(Organization org, String p) {
        Group g = Views.group(d, org, p);
        List<Object> settings = new ArrayList<>();
        for (ResolvedSetting<?> r : d.admin.groups().effectiveSettings(org.id(), g.id()).all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("setting", r.setting().name());
            m.put("value", format(r));
            m.put("source", r.describeSource());
            m.put("locked", r.lockedBy().isPresent());
            r.lockedBy().ifPresent(l -> m.put("lockedBy", l.groupId().equals(g.id()) ? "here" : d.admin.groups().pathOf(org.id(), l.groupId())));
            m.put("lockedHere", g.settings().isLocked(r.setting()));
            m.put("overriddenHere", g.settings().override(r.setting()).isPresent());
            overrideText(g.settings(), r.setting()).ifPresent(v -> m.put("override", v));
            settings.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>(path(org, g));
        out.put("root", g.id().equals(org.rootGroupId()));
        out.put("settings", settings);
        return out;
    }

    private static <T> Optional<String> overrideText(GroupSettings s, SecuritySetting<T> setting) {
        return s.override(setting).map(setting::format);
    }

    private static <T> String format(ResolvedSetting<T> r) {
        return r.setting().format(r.value());
    }

    private Object groupSet(Organization org, String p, JsonNode body) {
        Group g = Views.group(d, org, p);
        GroupSettings s = g.settings();
        JsonNode values = body.path("settings");
        for (var e : values.properties()) {
            SecuritySetting<?> setting = SecuritySetting.byName(e.getKey()).orElseThrow(() -> new InvalidInputException("settings",
                    "unknown setting " + e.getKey()));
            try {
                s = e.getValue().asText().equalsIgnoreCase("inherit") ? s.withoutOverride(setting) : parsed(s, setting, e.getValue().asText());
            } catch (InvalidInputException bad) {
                // Name the setting, so the console shows the words next to its input.
                throw bad.field().equals(setting.name()) ? bad : new InvalidInputException(setting.name(), bad.getMessage());
            }
        }
        for (JsonNode l : body.path("lock")) {
            s = s.withLock(SecuritySetting.byName(l.asText()).orElseThrow(() -> new InvalidInputException("lock", "unknown setting")), true);
        }
        for (JsonNode l : body.path("unlock")) {
            s = s.withLock(SecuritySetting.byName(l.asText()).orElseThrow(() -> new InvalidInputException("unlock", "unknown setting")), false);
        }
        d.admin.groups().changeSettings(actor, org.id(), g.id(), s, g.version());
        return groupShow(org, p);
    }

    private static <T> GroupSettings parsed(GroupSettings s, SecuritySetting<T> setting, String value) {
        return s.withOverride(setting, setting.parse(value));
    }



    private Object keyCreate(Organization org, JsonNode body) {
        AccessKeySpec.Builder b = AccessKeySpec.builder(text(body, "name"), Views.group(d, org, text(body, "group")).id());
        if (body.hasNonNull("expires")) {
            b.expiresIn(SecuritySetting.MAX_KEY_LIFETIME.parse(body.get("expires").asText()).maximum()
                    .orElseThrow(() -> new InvalidInputException("expires", "a lifetime such as 90d")));
        }
        if (body.hasNonNull("expiresAt")) {
            b.expiresAt(instant("expiresAt", body.get("expiresAt").asText(), true));
        }
        if (body.hasNonNull("maxUses")) {
            if (!body.get("maxUses").canConvertToLong()) {
                throw new InvalidInputException("maxUses", "must be a number");
            }
            b.maxUses(body.get("maxUses").asLong());
        }
        if (body.hasNonNull("networks")) {
            b.networks(NetworkAllowList.parse(body.get("networks").asText()));
        }
        if (body.hasNonNull("platforms")) {
            b.platforms(PlatformSet.parse(body.get("platforms").asText()));
        }
        return Views.keyRow(d, org, d.admin.accessKeys().create(actor, org.id(), b.build()));
    }





    private List<Object> signingKeys() {
        List<Object> out = new ArrayList<>();
        for (IssuerKeyInfo k : d.issuerKeys.list()) {
            out.add(Map.of("id", k.keyId(), "status", k.status().name(), "created", k.createdAt().toString()));
        }
        return out;
    }

    /**
     * One page of the audit log, oldest first, with each subject's current name (a key's name, a group's path, an
     * agent's host name) beside its id; {@code next} is the cursor of the following page, if any.
     */
    private Map<String, Object> audit(Organization org, Map<String, String> q) {
        Optional<Subject> subject = Optional.empty();
        String type = q.get("subjectType");
        String id = q.get("subject");
        if (type != null && !type.isBlank() && id != null && !id.isBlank()) {
            SubjectType t;
            try {
                t = SubjectType.valueOf(type.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("subjectType", "expected one of " + java.util.Arrays.toString(SubjectType.values()));
            }
            subject = Optional.of(new Subject(t, id.strip()));
        }
        // A date for "from" is the start of that day; for "to" (exclusive) the start of the next, so the day is in.
        Optional<Instant> from = Optional.ofNullable(q.get("from")).filter(x -> !x.isBlank()).map(x -> instant("from", x, false));
        Optional<Instant> to = Optional.ofNullable(q.get("to")).filter(x -> !x.isBlank()).map(x -> instant("to", x, true));
        int limit = 200;
        if (q.containsKey("limit")) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("limit", "must be a number");
            }
        }
        if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
            throw new InvalidInputException("limit", "must be between 1 and " + PageRequest.MAX_LIMIT);
        }
        String after = q.get("after");
        AuditQuery query = new AuditQuery(org.id(), subject, from, to,
                new PageRequest(limit, after == null || after.isBlank() ? Optional.empty() : Optional.of(after)));
        var page = d.admin.audit().query(query);
        Map<Subject, String> labels = new java.util.HashMap<>();
        List<Object> items = new ArrayList<>();
        for (AuditRecord r : page.items()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Subject s = r.event().subject();
            m.put("sequence", r.sequence());
            m.put("at", r.event().at().toString());
            m.put("actor", r.event().actor().name());
            m.put("action", r.event().action().name());
            m.put("subjectType", s.type().name());
            m.put("subject", s.id());
            String label = labels.computeIfAbsent(s, x -> label(org, x));
            if (label != null) {
                m.put("subjectLabel", label);
            }
            m.put("before", r.event().before());
            m.put("after", r.event().after());
            items.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        page.nextCursor().ifPresent(c -> out.put("next", c));
        return out;
    }

    /** What an operator calls a subject now, or null when it is gone or has no better name than its id. */
    private String label(Organization org, Subject s) {
        try {
            return switch (s.type()) {
                case ACCESS_KEY -> d.admin.accessKeys().find(org.id(), AccessKeyId.parse(s.id())).map(AccessKey::name).orElse(null);
                case GROUP -> d.admin.groups().find(org.id(), com.heartbeatrm.core.GroupId.parse(s.id()))
                        .map(g -> g.id().equals(org.rootGroupId()) ? org.name() + " (root)" : d.admin.groups().pathOf(org.id(), g.id())).orElse(null);
                case AGENT -> d.admin.agents().find(org.id(), AgentId.parse(s.id())).map(Agent::hostname).orElse(null);
                case ORGANIZATION -> org.name();
                default -> null;
            };
        } catch (InvalidInputException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * An instant as ISO-8601 ({@code 2026-11-27T10:00:00Z}), or a date ({@code 2026-12-31}, UTC): its start, or with
     * {@code throughDay} the start of the next day, so that an exclusive end or an expiry includes the whole day.
     */
    private static Instant instant(String field, String text, boolean throughDay) {
        String t = text.strip();
        try {
            if (t.length() == 10) {
                return java.time.LocalDate.parse(t).plusDays(throughDay ? 1 : 0).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(t);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidInputException(field, "expected a date (2026-12-31) or an instant (2026-12-31T23:59:59Z)");
        }
    }

    /**
     * Issues a token for the key and streams the tagged installer to the socket: the sample agent, or {@code base}
     * when the operator uploaded one. No temp file per download for the sample agent.
     */
    private int download(HttpExchange ex, Organization org, AccessKey key, String platform, BaseInstaller base, String filename)
            throws IOException, InstallerException {
        EnrollmentTokens tokens = d.tokens();
        TokenRequest.Builder request = TokenRequest.builder();
        if (platform != null && !platform.isBlank()) {
            request.platform(Platform.parse(platform));
        }
        BaseInstaller from = base != null ? base : agentBase();
        IssuedToken issued = tokens.issue(actor, org.id(), key.id(), request.build());
        String name = downloadName(filename, from.format(), issued.record().id().value());
        ex.getResponseHeaders().set("Content-Type", base == null ? "application/java-archive" : "application/octet-stream");
        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + name + "\"");
        ex.getResponseHeaders().set("X-Heartbeat-Installer-Id", issued.record().id().value());
        ex.sendResponseHeaders(200, 0);
        PackResult packed;
        try (OutputStream os = ex.getResponseBody()) {
            packed = from.writeTo(issued.token(), os);
        }
        tokens.recordArtifacts(actor, org.id(), issued.record().id(), packed.format().recordName(),
                new ArtifactDigest(packed.base().sha256(), packed.base().size()), new ArtifactDigest(packed.output().sha256(), packed.output().size()));
        return 200;
    }

    /**
     * {@code POST /api/keys/{KEY}/installer}: the body is the operator's own installer (any file; ZIP/JAR and signed
     * PE keep their signatures), read up to {@link #MAX_UPLOAD} into a private temp file that is deleted afterwards.
     */
    private int upload(HttpExchange ex, Organization org, AccessKey key, String platform, String filename) throws IOException, InstallerException {
        // Refuse before storing the upload for a key that cannot issue (issue() checks again, atomically). The
        // body is still read and dropped, so that a browser gets the answer rather than a reset connection.
        AccessKeyStatus status = d.admin.accessKeys().status(key);
        if (status != AccessKeyStatus.ENABLED) {
            try (var in = ex.getRequestBody()) {
                in.transferTo(new BoundedOutput(OutputStream.nullOutputStream(), MAX_UPLOAD));
            } catch (UploadTooLarge ignored) {
                // the refusal below is the answer either way
            }
            throw new AccessKeyNotUsableException(key.id(), status);
        }
        Path tmp = Files.createTempFile("heartbeat-upload", ".bin");
        try {
            long size;
            try (var in = ex.getRequestBody(); OutputStream out = Files.newOutputStream(tmp)) {
                size = in.transferTo(new BoundedOutput(out, MAX_UPLOAD));
            } catch (UploadTooLarge e) {
                throw new UploadException(413, "the base installer is larger than " + (MAX_UPLOAD >> 20) + " MiB");
            }
            if (size == 0) {
                throw new UploadException(400, "the base installer is empty: choose a file");
            }
            BaseInstaller base;
            try {
                base = BaseInstaller.open(tmp);
            } catch (InstallerException e) {
                throw new UploadException(400, "this file cannot carry an enrollment token: " + e.reason());
            }
            return download(ex, org, key, platform, base, filename);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The file name the browser saves: the uploaded name (letters, digits, {@code ._-} only) with the installer id. */
    static String downloadName(String uploaded, InstallerFormat format, String installerId) {
        String stem = "heartbeat-agent";
        String ext = switch (format) {
            case PE_AUTHENTICODE -> ".exe";
            case ZIP -> ".jar";
            case TRAILER -> ".bin";
        };
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

    /** Refuses bytes past its limit, so an upload can never fill the disk. */
    private static final class BoundedOutput extends OutputStream {
        private final OutputStream out;
        private final long limit;
        private long written;

        BoundedOutput(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > limit) {
                throw new UploadTooLarge();
            }
            written += len;
            out.write(b, off, len);
        }
    }

    private static final class UploadTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        UploadTooLarge() {
            super("upload too large");
        }
    }

    /** An uploaded base installer that cannot be used; the message says why, in words. */
    private static final class UploadException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        UploadException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The sample agent with this deployment's keys pinned, built once per server start. */
    private synchronized BaseInstaller agentBase() throws IOException, InstallerException {
        if (agentBase == null) {
            Path file = Files.createTempFile("heartbeat-agent-base", ".jar");
            file.toFile().deleteOnExit();
            AgentBase.write(file, d.issuerKeys.publicKeySet());
            agentBase = BaseInstaller.open(file);
        }
        return agentBase;
    }

    private static Map<String, Object> error(String message) {
        return error(message, null);
    }

    /** An error answer; {@code field} names the input it is about, so a form can show the words next to it. */
    private static Map<String, Object> error(String message, String field) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message == null ? "error" : message.replaceAll("[\\r\\n]+", " "));
        if (field != null) {
            m.put("field", field);
        }
        return m;
    }

    private static int send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] out = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
        return status;
    }

}
