package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.ok;
import static com.heartbeatrm.enrollment.admin.Replies.paged;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyNotUsableException;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Installers: {@code /keys/{key}/installer} packs the configured base or an uploaded one for a key and streams it from
 * a private temporary file; {@code /installers} lists, shows and revokes what was issued.
 */
final class InstallerRoutes implements Routes.RouteSet {
    private final HeartbeatServer server;
    private final HeartbeatAdmin admin;
    private final Optional<AdminEndpoint.InstallerBase> installerBase;
    private final long maxUpload;
    /** Null: a directory under the system's temporary directory. */
    private final @Nullable Path workDirectory;

    InstallerRoutes(HeartbeatServer server, HeartbeatAdmin admin, Optional<AdminEndpoint.InstallerBase> installerBase, long maxUpload, @Nullable Path workDirectory) {
        this.server = server;
        this.admin = admin;
        this.installerBase = installerBase;
        this.maxUpload = maxUpload;
        this.workDirectory = workDirectory;
    }

    @Override
    public void addTo(Routes routes) {
        routes.get("/keys/{key}/installer", this::download);
        routes.route("POST", "/keys/{key}/installer", Route.BodyType.RAW, Set.of(), this::upload);

        routes.get("/installers", this::installers);
        routes.get("/installers/{installer}", c -> ok(Rows.installer(server.installers().require(c.org().id(), installerId(c)))));
        routes.post("/installers/{installer}/revoke", Set.of("reason"), c -> ok(Rows.installer(server.installers().revoke(c.actor, c.org().id(),
                installerId(c), c.string("reason").orElse("")))));
    }

    private AdminResponse installers(Call c) {
        Organization org = c.org();
        PageRequest page = c.page();
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
        } catch (InvalidInputException e) {
            throw new InvalidInputException("installer", "not an installer id (ins_…)");
        }
        if (c.scope().narrowed()) {
            c.scope().check(server.installers().require(c.org().id(), id));
        }
        return id;
    }
    private InstallerRequest installerRequest(Call c) {
        InstallerRequest.Builder b = InstallerRequest.builder();
        c.query("platform").ifPresent(p -> {
            try {
                b.platform(Platform.parse(p));
            } catch (InvalidInputException e) {
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
    static String downloadName(@Nullable String uploaded, InstallerFormat format, String installerId) {
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
}
