package com.heartbeatrm.examples.cli;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.IssuedToken;
import com.heartbeatrm.examples.Deployment;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The installer commands for a generic installer: the token delivered beside it ({@code installers token}). Each
 * token is recorded and revocable like any installer; its text is written once, owner-only, and never printed unless
 * asked for with {@code --out -} (to pipe it into an agent's standard input).
 */
final class DeliveryCommands {
    private DeliveryCommands() {
    }

    static final String SINGLE_USE = "one computer only (a download link for one technician's click): a second computer is refused"
            + " (installer_used); expires in 24 hours";

    /** The options every issued token shares with {@code installers generate}. */
    static InstallerRequest request(String platform, URI serverUrl, boolean singleUse) {
        InstallerRequest.Builder request = InstallerRequest.builder().singleUse(singleUse);
        if (platform != null) {
            try {
                request.platform(Platform.parse(platform));
            } catch (IllegalArgumentException e) {
                throw new HeartbeatCli.UsageException("--platform: one of windows, macos, linux");
            }
        }
        if (serverUrl != null) {
            request.endpoints(List.of(Deployment.baseUrl(serverUrl)));
        }
        return request.build();
    }

    /** Issues a bare token for a key of the organization {@code --org} names. */
    static IssuedToken issue(Deployment d, String org, String key, InstallerRequest request) {
        LocalApi api = new LocalApi(d, org);
        String keyId = api.get("/keys/" + LocalApi.seg(key), Map.of()).path("id").asText();
        Organization o = HeartbeatCli.organizationOf(d, org);
        return d.server.installers().issueToken(HeartbeatCli.CLI, o.id(), AccessKeyId.parse(keyId), request);
    }

    @Command(name = "token", description = "Writes an enrollment token for a key to an owner-only file, for an untagged agent"
            + " (agent-base, an RPM, a container, cloud-init, configuration management) to read with --token-file or"
            + " HEARTBEAT_ENROLLMENT_TOKEN; recorded and revocable like an installer. Prints the installer id.")
    static final class Token implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--key", required = true, description = "key id or name")
        String key;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the token file (written 0600 through a temp file and an"
                + " atomic move); - prints the token alone on standard output, to pipe into an agent's --token-file -")
        Path out;

        @Option(names = "--platform")
        String platform;

        @Option(names = "--server-url", description = "another URL this token's agents enroll at")
        URI serverUrl;

        @Option(names = "--single-use", description = SINGLE_USE)
        boolean singleUse;

        @Override
        public Integer call() throws Exception {
            HeartbeatCli root = (HeartbeatCli) spec.root().userObject();
            boolean toStdout = out.toString().equals("-");
            if (!toStdout) {
                HeartbeatCli.checkOut(out);
            }
            try (Deployment d = root.open()) {
                IssuedToken t = issue(d, root.org, key, request(platform, serverUrl, singleUse));
                byte[] text = (t.token().reveal() + "\n").getBytes(StandardCharsets.US_ASCII);
                if (toStdout) {
                    System.out.write(text);
                    System.out.flush();
                    System.err.println(t.record().id());
                } else {
                    writeOwnerOnly(out, text);
                    System.out.println(t.record().id());
                }
            }
            return 0;
        }
    }

    /**
     * Writes {@code content} to {@code target} owner-only: a temporary file created with mode 0600 in the same
     * directory (never a chmod afterwards), forced to disk, moved over the target, and the directory forced.
     */
    static void writeOwnerOnly(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = posix ? Files.createTempFile(dir, ".hb-token", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".hb-token", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (posix) {
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
